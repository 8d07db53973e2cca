using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.InteropServices;
using StaticNet.Optimizers;
using StaticNet.Tests.Training;
using Xunit;

namespace StaticNet.Tests.Optimizers;

/// <summary>
/// <c>Step(parameters, gradient, gradientDivisor, clearGradient)</c>: the same bits as dividing the gradient
/// element by element, the plain <c>Step</c>, then clearing, for every optimizer configuration.
/// </summary>
public sealed class FusedStepTests
{
    public static TheoryData<string> Configurations() => new()
    {
        "sgd", "sgd_wd", "sgd_momentum", "sgd_momentum_dampening_wd", "sgd_nesterov", "sgd_nesterov_wd",
        "adam", "adam_wd", "adam_amsgrad", "adam_amsgrad_wd", "adamw", "adamw_amsgrad", "adamw_nodecay",
    };

    private static IOptimizer Create(string configuration) => configuration switch
    {
        "sgd" => new Sgd(0.1),
        "sgd_wd" => new Sgd(0.1, weightDecay: 0.01),
        "sgd_momentum" => new Sgd(0.1, momentum: 0.9),
        "sgd_momentum_dampening_wd" => new Sgd(0.05, momentum: 0.8, dampening: 0.25, weightDecay: 0.001),
        "sgd_nesterov" => new Sgd(0.1, momentum: 0.9, nesterov: true),
        "sgd_nesterov_wd" => new Sgd(0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01),
        "adam" => new Adam(),
        "adam_wd" => new Adam(0.01, weightDecay: 0.01),
        "adam_amsgrad" => new Adam(0.01, amsgrad: true),
        "adam_amsgrad_wd" => new Adam(weightDecay: 0.01, amsgrad: true),
        "adamw" => new AdamW(),
        "adamw_amsgrad" => new AdamW(0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, amsgrad: true),
        "adamw_nodecay" => new AdamW(weightDecay: 0),
        _ => throw new ArgumentException(configuration),
    };

    // Powers of two (multiplied by the exact reciprocal inside), 1 (skipped), and others (true division).
    private static readonly double[] Divisors = [1, 2, 32, 0.25, 1024, 3, 7, 10, 1000, 0.1];

    [Theory]
    [MemberData(nameof(Configurations))]
    public void FusedStepEqualsDivideThenStepBitForBit(string configuration)
    {
        foreach (double divisor in Divisors)
        {
            foreach (bool clear in new[] { true, false })
            {
                CompareWithReference<float>(configuration, 1003, divisor, clear);
                CompareWithReference<double>(configuration, 1003, divisor, clear);
                CompareWithReference<float>(configuration, 5, divisor, clear);   // shorter than a vector: scalar tail only
            }
        }
    }

    private static void CompareWithReference<T>(string configuration, int length, double divisorValue, bool clear)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        IOptimizer fused = Create(configuration);
        IOptimizer reference = Create(configuration);
        T divisor = T.CreateTruncating(divisorValue);
        var random = new SeededRandom(length + (int)(divisorValue * 1000));
        T[] fusedParameters = Random<T>(random, length, 1);
        T[] referenceParameters = (T[])fusedParameters.Clone();

        for (int step = 0; step < 4; step++)
        {
            // A summed mini-batch gradient, with some exact zeros and a wide range of magnitudes.
            T[] gradient = Random<T>(random, length, step == 2 ? 1e-30 : 3);
            gradient[length / 2] = T.Zero;
            gradient[0] = T.NegativeZero;

            T[] divided = (T[])gradient.Clone();
            for (int i = 0; i < length; i++)
            {
                divided[i] /= divisor;
            }
            reference.Step<T>(referenceParameters, divided);

            T[] fusedGradient = (T[])gradient.Clone();
            fused.Step(fusedParameters, fusedGradient, divisor, clear);

            string what = $"{configuration} {typeof(T).Name}[{length}] divisor {divisorValue} clear {clear} step {step + 1}";
            AssertBitIdentical(referenceParameters, fusedParameters, what + ": parameters");
            AssertBitIdentical(clear ? new T[length] : gradient, fusedGradient, what + ": gradient afterwards");
            Assert.Equal(reference.StepCount, fused.StepCount);
        }

        OptimizerState referenceState = reference.ExportState();
        OptimizerState fusedState = fused.ExportState();
        Assert.Equal(referenceState.Buffers.Count, fusedState.Buffers.Count);
        for (int b = 0; b < referenceState.Buffers.Count; b++)
        {
            Assert.Equal(referenceState.Buffers[b].Name, fusedState.Buffers[b].Name);
            AssertBitIdentical((T[])referenceState.Buffers[b].Values, (T[])fusedState.Buffers[b].Values,
                $"{configuration} {typeof(T).Name} divisor {divisorValue}: state {referenceState.Buffers[b].Name}");
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void FusedAndPlainStepsInterleaveOnOneState(string configuration)
    {
        // The overloads share the state: alternating them is the same as the plain steps throughout.
        IOptimizer mixed = Create(configuration);
        IOptimizer plain = Create(configuration);
        var random = new SeededRandom(7);
        double[] mixedParameters = Random<double>(random, 37, 1);
        double[] plainParameters = (double[])mixedParameters.Clone();
        for (int step = 0; step < 6; step++)
        {
            double[] gradient = Random<double>(random, 37, 1);
            double[] divided = Array.ConvertAll(gradient, g => g / 3);
            plain.Step<double>(plainParameters, divided);
            if (step % 2 == 0)
            {
                mixed.Step<double>(mixedParameters, gradient, 3, clearGradient: true);
            }
            else
            {
                mixed.Step<double>(mixedParameters, divided);
            }
            AssertBitIdentical(plainParameters, mixedParameters, $"{configuration} step {step + 1}");
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void FusedStepValidatesLengthsBeforeTouchingAnything(string configuration)
    {
        IOptimizer optimizer = Create(configuration);
        float[] parameters = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        float[] gradient = [1, 1, 1, 1, 1, 1, 1, 1, 1];
        var e = Assert.Throws<ArgumentException>(() => optimizer.Step<float>(parameters, gradient, 2, clearGradient: true));
        Assert.Equal("gradient", e.ParamName);
        Assert.Contains("(10)", e.Message);
        Assert.Contains("length 9", e.Message);
        Assert.Equal(new float[] { 1, 1, 1, 1, 1, 1, 1, 1, 1 }, gradient);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, parameters);
        Assert.Equal(0, optimizer.StepCount);

        // The first step fixes the state's length and type; then another length, or type, is refused as well.
        optimizer.Step<float>(parameters, new float[10], 2, clearGradient: true);
        float[] longer = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => optimizer.Step<float>(new float[11], longer, 2, clearGradient: true)).ParamName);
        Assert.All(longer, g => Assert.Equal(1f, g));
        double[] doubles = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => optimizer.Step<double>(new double[10], doubles, 2, clearGradient: true)).ParamName);
        Assert.All(doubles, g => Assert.Equal(1d, g));
        Assert.Equal(1, optimizer.StepCount);
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void FusedStepsDoNotAllocateAfterTheFirst(string configuration)
    {
        AssertNoAllocation<float>(Create(configuration), 1003);
        AssertNoAllocation<double>(Create(configuration), 1003);
    }

    private static void AssertNoAllocation<T>(IOptimizer optimizer, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var parameters = new T[length];
        var gradient = new T[length];
        optimizer.Step(parameters, gradient, T.CreateTruncating(32), clearGradient: true); // allocates the state
        T[] divisors = [T.One, T.CreateTruncating(32), T.CreateTruncating(3)];
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 60; i++)
            {
                gradient[i] = T.CreateTruncating(i);
                optimizer.Step(parameters, gradient, divisors[i % 3], clearGradient: i % 2 == 0);
            }
        });
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void SgdFirstMomentumStepCopiesTheDividedGradient()
    {
        // torch: the first step's momentum buffer is the (divided) gradient itself, without dampening.
        var sgd = new Sgd(0.5, momentum: 0.9, dampening: 0.5);
        double[] parameters = [1, 1];
        double[] gradient = [4, -2];
        sgd.Step<double>(parameters, gradient, 4, clearGradient: true);
        Assert.Equal(new double[] { 1 - 0.5 * 1, 1 + 0.5 * 0.5 }, parameters);
        Assert.Equal(new double[] { 1, -0.5 }, sgd.ExportState().GetBuffer("momentum_buffer"));
        Assert.Equal(new double[] { 0, 0 }, gradient);
    }

    // ---- the interface's default implementation, for optimizers other than StaticNet's ----------------------

    private sealed class Recording : IOptimizer
    {
        public double LearningRate { get; set; } = 0.5;

        public long StepCount { get; private set; }

        public List<double[]> Received { get; } = new();

        public void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var copy = new double[gradient.Length];
            for (int i = 0; i < copy.Length; i++)
            {
                copy[i] = double.CreateTruncating(gradient[i]);
                parameters[i] -= T.CreateTruncating(LearningRate) * gradient[i];
            }
            Received.Add(copy);
            StepCount++;
        }

        public void Reset() => StepCount = 0;
    }

    [Theory]
    [InlineData(1.0, true)]
    [InlineData(1.0, false)]
    [InlineData(4.0, true)]
    [InlineData(4.0, false)]
    [InlineData(3.0, true)]
    [InlineData(3.0, false)]
    public void DefaultImplementationDividesStepsAndClears(double divisor, bool clear)
    {
        IOptimizer optimizer = new Recording();
        float[] parameters = [1, 2, 3];
        float[] gradient = [3, 6, -9];
        optimizer.Step<float>(parameters, gradient, (float)divisor, clear);

        double[] expected = [(double)(3f / (float)divisor), (double)(6f / (float)divisor), (double)(-9f / (float)divisor)];
        Assert.Equal(expected, Assert.Single(((Recording)optimizer).Received));
        Assert.Equal(new[] { 1 - 0.5f * (float)expected[0], 2 - 0.5f * (float)expected[1], 3 - 0.5f * (float)expected[2] }, parameters);
        Assert.Equal(clear ? new float[3] : new float[] { 3, 6, -9 }, gradient);
        Assert.Equal(1, optimizer.StepCount);
    }

    [Fact]
    public void DefaultImplementationValidatesLengthsAndDoesNotAllocate()
    {
        IOptimizer optimizer = new GradientDescent(0.1);
        float[] gradient = [1, 1];
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => optimizer.Step<float>(new float[3], gradient, 2, clearGradient: true)).ParamName);
        Assert.Equal(new float[] { 1, 1 }, gradient);
        Assert.Equal(0, optimizer.StepCount);

        var parameters = new float[1003];
        var large = new float[1003];
        optimizer.Step<float>(parameters, large, 3, clearGradient: false); // warms the pool up
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 40; i++)
            {
                large[i] = i;
                optimizer.Step<float>(parameters, large, i % 2 == 0 ? 3 : 1, clearGradient: i % 4 < 2);
            }
        });
        Assert.Equal(0, allocated);
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private static T[] Random<T>(SeededRandom random, int length, double scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = T.CreateTruncating(scale * random.NextNormal());
        }
        return values;
    }

    internal static void AssertBitIdentical<T>(T[] expected, T[] actual, string what) where T : unmanaged
    {
        Assert.Equal(expected.Length, actual.Length);
        ReadOnlySpan<byte> e = MemoryMarshal.AsBytes<T>(expected);
        ReadOnlySpan<byte> a = MemoryMarshal.AsBytes<T>(actual);
        if (!e.SequenceEqual(a))
        {
            int size = e.Length / expected.Length;
            int first = 0;
            while (e.Slice(first * size, size).SequenceEqual(a.Slice(first * size, size)))
            {
                first++;
            }
            Assert.Fail($"{what}: element {first} is {actual[first]}, expected {expected[first]} (not the same bits).");
        }
    }
}
