using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Xunit;

namespace StaticNet.Tests.Numerics;

/// <summary>The tile kernels of PredictBatch and AccumulateGradientBatch against the single-sample code.</summary>
public class BatchKernelTests
{
    public static IEnumerable<object[]> TrainableNetworks() =>
        Networks.Named(name => !name.Contains("Step", StringComparison.Ordinal) && !name.StartsWith("TrainerStep", StringComparison.Ordinal));

    // Batch sizes around one vector of lanes (the single-sample cut-off: 4 or 8 for double, 8 or 16 for float)
    // and the tile (twice that): full tiles, partial tiles, idle lanes of every kind.
    private static readonly int[] Counts = { 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 70 };

    [Theory]
    [MemberData(nameof(TrainableNetworks))]
    public void Batch_gradient_equals_the_sum_of_single_sample_gradients(string name)
    {
        if (Networks.IsDouble(name))
        {
            Check<double>(name, 1e-11);
        }
        else
        {
            Check<float>(name, 2e-4);
        }
    }

    private static void Check<T>(string name, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        INetwork<T> network = Networks.Create<T>(name, seed: 21);
        var random = new SeededRandom(33);
        foreach (int count in Counts)
        {
            T[] inputs = Enumerable.Range(0, count * network.InputSize).Select(_ => T.CreateTruncating(random.NextUniform(-2, 2))).ToArray();
            int classes = network.OutputSize == 1 ? 2 : network.OutputSize;
            int[] labels = Enumerable.Range(0, count).Select(_ => random.NextInt(classes)).ToArray();
            T[] targets = Enumerable.Range(0, count * network.OutputSize).Select(_ => T.CreateTruncating(random.NextDouble())).ToArray();

            T[] expected = new T[network.ParameterCount];
            T expectedLoss = T.Zero;
            T[] expectedByLabel = new T[network.ParameterCount];
            T expectedLabelLoss = T.Zero;
            for (int s = 0; s < count; s++)
            {
                ReadOnlySpan<T> input = inputs.AsSpan(s * network.InputSize, network.InputSize);
                expectedLoss += network.AccumulateGradient(input, targets.AsSpan(s * network.OutputSize, network.OutputSize), expected);
                expectedLabelLoss += network.AccumulateGradient(input, labels[s], expectedByLabel);
            }

            T[] actual = new T[network.ParameterCount];
            T[] actualByLabel = new T[network.ParameterCount];
            T loss = network.AccumulateGradientBatch(inputs, targets, actual);
            T labelLoss = network.AccumulateGradientBatch(inputs, labels, actualByLabel);

            AssertClose(name, count, "loss", [expectedLoss], [loss], tolerance);
            AssertClose(name, count, "label loss", [expectedLabelLoss], [labelLoss], tolerance);
            AssertClose(name, count, "gradient", expected, actual, tolerance);
            AssertClose(name, count, "label gradient", expectedByLabel, actualByLabel, tolerance);
        }
    }

    private static void AssertClose<T>(string name, int count, string what, T[] expected, T[] actual, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double scale = Math.Max(1, expected.Max(v => Math.Abs(double.CreateChecked(v))));
        for (int k = 0; k < expected.Length; k++)
        {
            double e = double.CreateChecked(expected[k]), a = double.CreateChecked(actual[k]);
            Assert.True(Math.Abs(e - a) <= tolerance * scale, $"{name}, {count} samples, {what}[{k}]: batch {a}, single {e}");
        }
    }

    [Fact]
    public void Batch_methods_check_their_arguments()
    {
        var network = new IrisNet(seed: 1);
        float[] gradient = new float[IrisNet.ParameterCount];
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => network.AccumulateGradientBatch(new float[7], new float[3], gradient)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => network.AccumulateGradientBatch(new float[8], new float[3], gradient)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => network.AccumulateGradientBatch(new float[8], new int[1], gradient)).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => network.AccumulateGradientBatch(new float[8], new int[2], new float[3])).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => network.AccumulateGradientBatch(new float[8], new[] { 0, 3 }, gradient));
    }

    [Fact]
    public void Batch_methods_do_not_allocate_after_warm_up()
    {
        var mnist = new MnistNet(seed: 1);
        float[] inputs = new float[40 * MnistNet.InputSize];
        float[] outputs = new float[40 * MnistNet.OutputSize];
        int[] labels = new int[40];
        float[] gradient = new float[MnistNet.ParameterCount];
        var normalized = new IrisNormalized(seed: 1);
        float[] irisInputs = new float[40 * 4], irisOutputs = new float[40 * 3], irisGradient = new float[IrisNormalized.ParameterCount];

        void Run()
        {
            mnist.PredictBatch(inputs, outputs);
            mnist.AccumulateGradientBatch(inputs, labels, gradient);
            normalized.PredictBatch(irisInputs, irisOutputs);
            normalized.AccumulateGradientBatch(irisInputs, labels, irisGradient);
        }

        Run();
        Assert.Equal(0, AllocationMeter.Measure(Run));
    }
}
