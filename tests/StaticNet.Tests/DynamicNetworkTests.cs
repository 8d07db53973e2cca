using System;
using System.Collections.Generic;
using System.Numerics;
using StaticNet.Tests.Numerics;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// <see cref="DynamicNetwork{T}"/> against every network generated into this assembly: same initialization,
/// same outputs (1e-5) and same gradients (1e-4) for the same parameters.
/// </summary>
public class DynamicNetworkTests
{
    public static IEnumerable<object[]> AllNetworks => Networks.Named(_ => true);

    [Theory]
    [MemberData(nameof(AllNetworks))]
    public void PredictMatchesGenerated(string name)
    {
        if (Networks.IsDouble(name))
        {
            CheckPredict<double>(name);
        }
        else
        {
            CheckPredict<float>(name);
        }
    }

    [Theory]
    [MemberData(nameof(AllNetworks))]
    public void GradientMatchesGenerated(string name)
    {
        if (Networks.IsDouble(name))
        {
            CheckGradient<double>(name);
        }
        else
        {
            CheckGradient<float>(name);
        }
    }

    [Fact]
    public void SameSeedGivesSameParametersAsGenerated()
    {
        var generated = new MnistNet(7);
        var dynamic = new DynamicNetwork<float>(MnistNet.Description, 7);
        Assert.Equal(MnistNet.ParameterCount, dynamic.ParameterCount);
        Assert.True(generated.Parameters.SequenceEqual(dynamic.Parameters));
        Assert.Equal(MnistNet.InputSize, dynamic.InputSize);
        Assert.Equal(MnistNet.OutputSize, dynamic.OutputSize);
        Assert.Same(MnistNet.Description, dynamic.Description);
        Assert.True(dynamic.IsTrainable);
    }

    [Fact]
    public void WrongLengthsThrowArgumentException()
    {
        var network = new DynamicNetwork<float>(IrisNet.Description, 1);
        var ex = Assert.Throws<ArgumentException>(() => network.Predict(new float[5], new float[3]));
        Assert.Equal("input", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => network.Predict(new float[4], new float[2]));
        Assert.Equal("output", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => network.PredictBatch(new float[9], new float[6]));
        Assert.Equal("inputs", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => network.PredictBatch(new float[8], new float[3]));
        Assert.Equal("outputs", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => network.AccumulateGradient(new float[4], new float[3], new float[10]));
        Assert.Equal("gradient", ex.ParamName);
        Assert.ThrowsAny<ArgumentException>(() => network.AccumulateGradient(new float[4], 3, new float[network.ParameterCount]));
    }

    [Fact]
    public void StepNetworkIsInferenceOnly()
    {
        var network = new DynamicNetwork<float>(DeepStepFloat.Description, 1);
        Assert.False(network.IsTrainable);
        Assert.Throws<InvalidOperationException>(() =>
            network.AccumulateGradient(new float[network.InputSize], 0, new float[network.ParameterCount]));
    }

    [Fact]
    public void DoesNotAllocateAfterWarmUp()
    {
        var small = new DynamicNetwork<float>(IrisNet.Description, 3);
        var large = new DynamicNetwork<float>(MnistNet.Description, 3);
        foreach (DynamicNetwork<float> network in new[] { small, large })
        {
            float[] input = new float[network.InputSize];
            float[] inputs = new float[3 * network.InputSize];
            float[] output = new float[network.OutputSize];
            float[] outputs = new float[3 * network.OutputSize];
            float[] gradient = new float[network.ParameterCount];
            for (int round = 0; round < 2; round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                network.Predict(input, output);
                network.PredictBatch(inputs, outputs);
                network.Classify(input);
                network.AccumulateGradient(input, 1, gradient);
                network.AccumulateGradient(input, output, gradient);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (round == 1)
                {
                    Assert.Equal(0, allocated);
                }
            }
        }
    }

    private static void CheckPredict<T>(string name) where T : unmanaged, IFloatingPointIeee754<T>
    {
        INetwork<T> generated = Networks.Create<T>(name, 11);
        var dynamic = new DynamicNetwork<T>(generated.Description, 11);
        Assert.True(generated.Parameters.SequenceEqual(dynamic.Parameters), "same seed, same initialization");

        // Different parameters than the initialization, copied over: the comparison is about the passes.
        var random = new Random(5);
        Span<T> parameters = generated.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = T.CreateTruncating(random.NextDouble() * 2 - 1) * T.CreateTruncating(0.7);
        }
        parameters.CopyTo(dynamic.Parameters);
        CopyNormalization(generated, dynamic, random);

        const int Count = 5;
        T[] inputs = RandomValues<T>(random, Count * generated.InputSize, -2, 2);
        T[] expected = new T[Count * generated.OutputSize];
        T[] actual = new T[Count * generated.OutputSize];
        generated.PredictBatch(inputs, expected);
        dynamic.PredictBatch(inputs, actual);
        AssertClose(expected, actual, 1e-5, name + " PredictBatch");

        T[] single = new T[generated.OutputSize];
        for (int row = 0; row < Count; row++)
        {
            ReadOnlySpan<T> input = inputs.AsSpan(row * generated.InputSize, generated.InputSize);
            dynamic.Predict(input, single);
            AssertClose(expected.AsSpan(row * generated.OutputSize, generated.OutputSize).ToArray(), single, 1e-5, name + " Predict");
            Assert.Equal(generated.Classify(input), dynamic.Classify(input));
        }
    }

    private static void CheckGradient<T>(string name) where T : unmanaged, IFloatingPointIeee754<T>
    {
        INetwork<T> generated = Networks.Create<T>(name, 23);
        var dynamic = new DynamicNetwork<T>(generated.Description, 23);
        if (!generated.IsTrainable)
        {
            Assert.False(dynamic.IsTrainable);
            return;
        }

        var random = new Random(9);
        CopyNormalization(generated, dynamic, random);
        int classes = generated.OutputSize == 1 ? 2 : generated.OutputSize;
        T[] expected = new T[generated.ParameterCount];
        T[] actual = new T[generated.ParameterCount];
        for (int sample = 0; sample < 3; sample++)
        {
            T[] input = RandomValues<T>(random, generated.InputSize, -2, 2);
            T[] target = RandomValues<T>(random, generated.OutputSize, 0, 1);
            int label = random.Next(classes);

            T lossExpected = generated.AccumulateGradient(input, target, expected);
            T lossActual = dynamic.AccumulateGradient(input, target, actual);
            AssertClose(new[] { lossExpected }, new[] { lossActual }, 1e-5, name + " loss (target)");

            lossExpected = generated.AccumulateGradient(input, label, expected);
            lossActual = dynamic.AccumulateGradient(input, label, actual);
            AssertClose(new[] { lossExpected }, new[] { lossActual }, 1e-5, name + " loss (label)");
        }
        AssertClose(expected, actual, 1e-4, name + " gradient");
    }

    /// <summary>With input normalization: a non-trivial shift and scale, the same in both networks.</summary>
    private static void CopyNormalization<T>(INetwork<T> generated, DynamicNetwork<T> dynamic, Random random) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> normalization = generated.NormalizationParameters;
        Assert.Equal(normalization.Length, dynamic.NormalizationParameters.Length);
        int width = normalization.Length / 2;
        for (int i = 0; i < normalization.Length; i++)
        {
            normalization[i] = T.CreateTruncating(i < width ? random.NextDouble() - 0.5 : 0.5 + random.NextDouble());
        }
        normalization.CopyTo(dynamic.NormalizationParameters);
    }

    private static T[] RandomValues<T>(Random random, int count, double low, double high) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = T.CreateTruncating(low + (high - low) * random.NextDouble());
        }
        return values;
    }

    /// <summary>|expected - actual| &lt;= tolerance * max(1, |expected|) for every element.</summary>
    private static void AssertClose<T>(T[] expected, T[] actual, double tolerance, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateTruncating(expected[i]);
            double a = double.CreateTruncating(actual[i]);
            double allowed = tolerance * Math.Max(1, Math.Abs(e));
            Assert.True(Math.Abs(e - a) <= allowed || (double.IsNaN(e) && double.IsNaN(a)),
                $"{what}[{i}]: generated {e}, dynamic {a}, difference {Math.Abs(e - a)} > {allowed}");
        }
    }
}
