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

    [Theory]
    [MemberData(nameof(TrainableNetworks))]
    public void Fused_sgd_step_equals_accumulate_then_step(string name)
    {
        if (Networks.IsDouble(name))
        {
            CheckFusedStep<double>(name, 1e-12);
        }
        else
        {
            CheckFusedStep<float>(name, 1e-6);
        }
    }

    private static void CheckFusedStep<T>(string name, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int tileWidth = 4 * Vector<T>.Count;
        var random = new SeededRandom(34);
        T learningRate = T.CreateTruncating(0.05);
        foreach (int count in new[] { 1, 2, 3, Vector<T>.Count - 1, Vector<T>.Count, Vector<T>.Count + 1, tileWidth - 1, tileWidth })
        {
            var fused = (IFusedSgdStep<T>)Networks.Create<T>(name, seed: 22);
            INetwork<T> unfusedByTarget = Networks.Create<T>(name, seed: 22);
            var fusedByLabel = (IFusedSgdStep<T>)Networks.Create<T>(name, seed: 22);
            INetwork<T> unfusedByLabel = Networks.Create<T>(name, seed: 22);
            T[] inputs = Enumerable.Range(0, count * fused.InputSize).Select(_ => T.CreateTruncating(random.NextUniform(-2, 2))).ToArray();
            int classes = fused.OutputSize == 1 ? 2 : fused.OutputSize;
            int[] labels = Enumerable.Range(0, count).Select(_ => random.NextInt(classes)).ToArray();
            T[] targets = Enumerable.Range(0, count * fused.OutputSize).Select(_ => T.CreateTruncating(random.NextDouble())).ToArray();

            Assert.True(fused.TrySgdStep(inputs, targets, learningRate, out T loss), $"{name}: {count} samples fit one tile");
            Assert.True(fusedByLabel.TrySgdStep(inputs, labels, learningRate, out T labelLoss));
            T expectedLoss = UnfusedStep(unfusedByTarget, count, learningRate, g => unfusedByTarget.AccumulateGradientBatch(inputs, targets, g));
            T expectedLabelLoss = UnfusedStep(unfusedByLabel, count, learningRate, g => unfusedByLabel.AccumulateGradientBatch(inputs, labels, g));

            AssertClose(name, count, "fused loss", [expectedLoss], [loss], tolerance * 10);
            AssertClose(name, count, "fused label loss", [expectedLabelLoss], [labelLoss], tolerance * 10);
            AssertClose(name, count, "parameters after a fused step", unfusedByTarget.Parameters.ToArray(), fused.Parameters.ToArray(), tolerance);
            AssertClose(name, count, "parameters after a fused step by label", unfusedByLabel.Parameters.ToArray(), fusedByLabel.Parameters.ToArray(), tolerance);
        }
    }

    private static T UnfusedStep<T>(INetwork<T> network, int count, T learningRate, Func<T[], T> accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] gradient = new T[network.ParameterCount];
        T loss = accumulate(gradient);
        Span<T> parameters = network.Parameters;
        for (int k = 0; k < gradient.Length; k++)
        {
            parameters[k] -= learningRate * (gradient[k] / T.CreateTruncating(count));
        }
        return loss;
    }

    [Fact]
    public void Fused_sgd_step_declines_batches_larger_than_a_tile_and_checks_its_arguments()
    {
        var network = new MnistNet(seed: 3);
        float[] before = network.Parameters.ToArray();
        int tileWidth = 4 * Vector<float>.Count;
        Assert.False(network.TrySgdStep(new float[(tileWidth + 1) * MnistNet.InputSize], new int[tileWidth + 1], 0.1f, out float loss));
        Assert.False(network.TrySgdStep(ReadOnlySpan<float>.Empty, ReadOnlySpan<int>.Empty, 0.1f, out _));
        Assert.Equal(0f, loss);
        Assert.Equal(before, network.Parameters.ToArray());
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => network.TrySgdStep(new float[7], new int[1], 0.1f, out _)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => network.TrySgdStep(new float[MnistNet.InputSize], new int[2], 0.1f, out _)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => network.TrySgdStep(new float[MnistNet.InputSize], new float[3], 0.1f, out _)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => network.TrySgdStep(new float[MnistNet.InputSize], new[] { 10 }, 0.1f, out _));
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    public void Fused_sgd_step_with_a_non_finite_loss_leaves_the_parameters_unchanged(int count)
    {
        var network = new MnistNet(seed: 3);
        float[] before = network.Parameters.ToArray();
        float[] inputs = new float[count * MnistNet.InputSize];
        inputs[5] = float.NaN;
        Assert.True(network.TrySgdStep(inputs, new int[count], 0.1f, out float loss));
        Assert.True(float.IsNaN(loss));
        Assert.Equal(before, network.Parameters.ToArray());
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
            mnist.TrySgdStep(inputs.AsSpan(0, 16 * MnistNet.InputSize), labels.AsSpan(0, 16), 0f, out _);
            mnist.TrySgdStep(inputs.AsSpan(0, MnistNet.InputSize), labels.AsSpan(0, 1), 0f, out _);
            mnist.PredictBatch(inputs, outputs);
            mnist.AccumulateGradientBatch(inputs, labels, gradient);
            normalized.PredictBatch(irisInputs, irisOutputs);
            normalized.AccumulateGradientBatch(irisInputs, labels, irisGradient);
        }

        Run();
        Assert.Equal(0, AllocationMeter.Measure(Run));
    }
}
