using System;
using System.Numerics;
using System.Threading;
using StaticNet.Optimizers;
using StaticNet.Tests.Optimizers;
using Xunit;

namespace StaticNet.Tests.Training;

/// <summary>
/// The Trainer's step (reduction that clears the parts, optimizer step that divides and clears the gradient)
/// against the sequence it replaced: clear every part, accumulate, add the parts, divide, clip, plain step.
/// </summary>
public sealed class FusedTrainingStepTests
{
    [Theory]
    [InlineData("sgd_momentum", 1, false)]
    [InlineData("sgd_wd", 1, false)]        // plain SGD with weight decay: no fused network step
    [InlineData("sgd_momentum", 3, false)]
    [InlineData("sgd_momentum", 3, true)]
    [InlineData("adam", 1, true)]
    [InlineData("adam", 3, false)]
    [InlineData("custom", 3, true)]     // an IOptimizer without the fused overload: the interface's default
    public void TrainBatchEqualsTheUnfusedSequenceBitForBit(string optimizerKind, int threads, bool clip)
    {
        Run<float>(optimizerKind, threads, clip);
        Run<double>(optimizerKind, threads, clip);
    }

    private static IOptimizer Create(string kind) => kind switch
    {
        "sgd_momentum" => new Sgd(0.05, momentum: 0.9, weightDecay: 1e-3),
        "sgd_wd" => new Sgd(0.05, weightDecay: 1e-3),
        "adam" => new Adam(0.01, amsgrad: true),
        "custom" => new GradientDescent(0.05),
        _ => throw new ArgumentException(kind),
    };

    private static void Run<T>(string optimizerKind, int threads, bool clip) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Rows = 120;
        // float: the generated network and its batch kernels; double: the per-sample interface default.
        INetwork<T> network = CreateNetwork<T>();
        INetwork<T> referenceNetwork = CreateNetwork<T>();
        TrainingData<T> data = Digits<T>(Rows, seed: 11);
        double? clipNorm = clip ? 0.05 : null;   // small enough that most steps are clipped
        IOptimizer referenceOptimizer = Create(optimizerKind);

        // A shuffled order; batches of 32 (a power of two), 7 and 1, and 20 (the last, short one).
        int[] order = new int[Rows];
        for (int i = 0; i < Rows; i++)
        {
            order[i] = (i * 37) % Rows;
        }
        int[] sizes = [32, 7, 1, 20, 32, 28];

        using var session = new TrainingSession<T>(network, Create(optimizerKind), clipNorm, threads, parallelThreshold: 1);
        int start = 0;
        for (int b = 0; b < sizes.Length; b++)
        {
            int count = sizes[b];
            session.TrainBatch(data, order, start, count, measureAccuracy: b % 2 == 0, 1, b + 1, sizes.Length);
            ReferenceStep(referenceNetwork, referenceOptimizer, data, order, start, count, session.LastParts, clipNorm);
            FusedStepTests.AssertBitIdentical(referenceNetwork.Parameters.ToArray(), network.Parameters.ToArray(),
                $"{optimizerKind} {typeof(T).Name} threads {threads} clip {clip} batch {b + 1} ({count} rows, {session.LastParts} parts)");
            if (b == 2)
            {
                // Evaluation uses the gradient buffers as scratch; the next step must still start from zeros.
                session.Evaluate(data, CancellationToken.None);
            }
            start = (start + count) % (Rows - 32);
        }
    }

    private static void ReferenceStep<T>(
        INetwork<T> network, IOptimizer optimizer, TrainingData<T> data, int[] rows, int start, int count, int parts, double? clipNorm)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = network.ParameterCount;
        var sum = new T[n];
        for (int part = 0; part < parts; part++)
        {
            int from = start + (int)((long)count * part / parts);
            int to = start + (int)((long)count * (part + 1) / parts);
            var inputs = new T[(to - from) * data.InputSize];
            var labels = new int[to - from];
            for (int i = from; i < to; i++)
            {
                data.Input(rows[i]).CopyTo(inputs.AsSpan((i - from) * data.InputSize));
                labels[i - from] = data.LabelArray![rows[i]];
            }
            var gradient = new T[n];
            network.AccumulateGradientBatch(inputs, labels, gradient);
            for (int i = 0; i < n; i++)
            {
                sum[i] = part == 0 ? gradient[i] : sum[i] + gradient[i];
            }
        }
        T divisor = T.CreateTruncating(count);
        for (int i = 0; i < n; i++)
        {
            sum[i] /= divisor;
        }
        if (clipNorm is double maxNorm)
        {
            // torch.nn.utils.clip_grad_norm_ with the scalar sum of squares the trainer used before.
            double norm = Math.Sqrt(SpanMathFusionTests.ScalarSumOfSquares<T>(sum));
            double coefficient = maxNorm / (norm + 1e-6);
            if (coefficient < 1)
            {
                T factor = T.CreateTruncating(coefficient);
                for (int i = 0; i < n; i++)
                {
                    sum[i] *= factor;
                }
            }
        }
        optimizer.Step<T>(network.Parameters, sum);
    }

    private static INetwork<T> CreateNetwork<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? (INetwork<T>)(object)new TrainerDigits(seed: 5)
            : new LinearNetwork<T>(64, 10, Activation.Softmax, seed: 5);

    private static TrainingData<T> Digits<T>(int count, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new SeededRandom(seed);
        var inputs = new T[count * 64];
        var labels = new int[count];
        for (int r = 0; r < count; r++)
        {
            labels[r] = r % 10;
            for (int i = 0; i < 64; i++)
            {
                inputs[r * 64 + i] = T.CreateTruncating(random.NextNormal() + (i % 10 == labels[r] ? 1.5 : 0));
            }
        }
        return TrainingData<T>.FromLabels(inputs, labels, 64);
    }
}

/// <summary>The internal helpers of the fused step: exact-reciprocal division, the clearing reduction, the norm.</summary>
public sealed class SpanMathFusionTests
{
    [Fact]
    public void DivideIsATrueDivisionForEveryDivisorAndValue()
    {
        float[] values =
        [
            0f, -0f, 1f, -1f, 3f, 0.1f, float.MaxValue, -float.MaxValue, float.Epsilon, -float.Epsilon, 1.17549435e-38f,
            1.5e-38f, 3e-45f, 123456.789f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 7f, 1e-30f, 0.333f,
        ];
        float[] divisors =
        [
            1f, 2f, 32f, 0.25f, 0.5f, 1024f, 3f, 7f, 0.1f, -2f, -3f, 0f, float.Epsilon, 1.17549435e-38f, MathF.ScaleB(1, 126),
            MathF.ScaleB(1, 127), MathF.ScaleB(1, -126), MathF.ScaleB(1, -127), float.MaxValue, float.PositiveInfinity, float.NaN,
        ];
        foreach (float divisor in divisors)
        {
            float[] actual = (float[])values.Clone();
            SpanMath.Divide<float>(actual, divisor);
            float[] expected = Array.ConvertAll(values, v => v / divisor);
            for (int i = 0; i < values.Length; i++)
            {
                // NaN payloads aside (x / 1 is skipped), every result has the division's bits.
                Assert.True(
                    BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]) || (float.IsNaN(expected[i]) && float.IsNaN(actual[i])),
                    $"{values[i]:R} / {divisor:R}: {actual[i]:R}, expected {expected[i]:R}");
            }
        }

        double[] doubleValues = [0, -0d, 1, 3, 0.1, double.MaxValue, double.Epsilon, 2.2250738585072014e-308, 5e-324, 1e-300, -7.25];
        foreach (double divisor in new[] { 1, 2, 64, 0.125, 3, 10, Math.ScaleB(1, 1022), Math.ScaleB(1, 1023), Math.ScaleB(1, -1050) })
        {
            double[] actual = (double[])doubleValues.Clone();
            SpanMath.Divide<double>(actual, divisor);
            FusedStepTests.AssertBitIdentical(Array.ConvertAll(doubleValues, v => v / divisor), actual, $"double / {divisor:R}");
        }
    }

    /// <summary>The scalar loop SpanMath.SumOfSquares was before it was vectorized.</summary>
    internal static double ScalarSumOfSquares<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= values.Length; i += 4)
        {
            double a = double.CreateTruncating(values[i]);
            double b = double.CreateTruncating(values[i + 1]);
            double c = double.CreateTruncating(values[i + 2]);
            double d = double.CreateTruncating(values[i + 3]);
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < values.Length; i++)
        {
            double a = double.CreateTruncating(values[i]);
            s0 += a * a;
        }
        return (s0 + s1) + (s2 + s3);
    }

    [Fact]
    public void SumOfSquaresIsTheScalarFourAccumulatorSumBitForBit()
    {
        var random = new SeededRandom(3);
        foreach (int length in new[] { 0, 1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 31, 33, 1003, 4099 })
        {
            var floats = new float[length];
            var doubles = new double[length];
            for (int i = 0; i < length; i++)
            {
                // Magnitudes spread over many decades, so any change in the order of the additions shows.
                double value = random.NextNormal() * Math.Pow(10, random.NextNormal() * 4);
                floats[i] = (float)value;
                doubles[i] = value;
            }
            Assert.Equal(BitConverter.DoubleToInt64Bits(ScalarSumOfSquares<float>(floats)), BitConverter.DoubleToInt64Bits(SpanMath.SumOfSquares<float>(floats)));
            Assert.Equal(BitConverter.DoubleToInt64Bits(ScalarSumOfSquares<double>(doubles)), BitConverter.DoubleToInt64Bits(SpanMath.SumOfSquares<double>(doubles)));

            foreach (double divisor in new[] { 1.0, 32, 7, 0.1 })
            {
                float[] dividedFloats = Array.ConvertAll(floats, v => v / (float)divisor);
                float[] actualFloats = (float[])floats.Clone();
                double sumFloats = SpanMath.DivideAndSumOfSquares<float>(actualFloats, (float)divisor);
                FusedStepTests.AssertBitIdentical(dividedFloats, actualFloats, $"float[{length}] / {divisor}");
                Assert.Equal(BitConverter.DoubleToInt64Bits(ScalarSumOfSquares<float>(dividedFloats)), BitConverter.DoubleToInt64Bits(sumFloats));

                double[] dividedDoubles = Array.ConvertAll(doubles, v => v / divisor);
                double[] actualDoubles = (double[])doubles.Clone();
                double sumDoubles = SpanMath.DivideAndSumOfSquares<double>(actualDoubles, divisor);
                FusedStepTests.AssertBitIdentical(dividedDoubles, actualDoubles, $"double[{length}] / {divisor}");
                Assert.Equal(BitConverter.DoubleToInt64Bits(ScalarSumOfSquares<double>(dividedDoubles)), BitConverter.DoubleToInt64Bits(sumDoubles));
            }
        }
    }

    [Theory]
    [InlineData(1003, 3)]
    [InlineData(5000, 4)]    // several blocks
    [InlineData(3, 2)]
    public void AddAndClearEqualsOneAddPerSourceAndZeroesTheSources(int length, int parts)
    {
        var random = new SeededRandom(length);
        var buffers = new float[parts][];
        for (int p = 0; p < parts; p++)
        {
            buffers[p] = new float[length];
            for (int i = 0; i < length; i++)
            {
                buffers[p][i] = (float)(random.NextNormal() * Math.Pow(10, p - 1));
            }
        }
        float[] expected = (float[])buffers[0].Clone();
        for (int p = 1; p < parts; p++)
        {
            SpanMath.Add<float>(expected, buffers[p]);
        }

        SpanMath.AddAndClear<float>(buffers[0], buffers, 1, parts);
        FusedStepTests.AssertBitIdentical(expected, buffers[0], "sum");
        for (int p = 1; p < parts; p++)
        {
            Assert.All(buffers[p], v => Assert.Equal(0f, v));
        }
        Assert.Throws<ArgumentException>(() => SpanMath.AddAndClear<float>(new float[length + 1], buffers, 1, parts));
    }
}
