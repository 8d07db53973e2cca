using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Numerics;
using System.Threading;
using StaticNet.Optimizers;

namespace StaticNet.Tests.Training;

/// <summary>
/// A hand-written one-layer network (<c>activation(W x + b)</c>) with exact gradients, standing in for
/// generated networks: identity + mse, softmax + cross-entropy, sigmoid + binary cross-entropy, or step
/// (not trainable). Thread-safe like generated code; counts calls and can misbehave on purpose.
/// </summary>
internal sealed class LinearNetwork<T> : INetwork<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _parameters;
    private readonly Activation _activation;
    private long _calls;

    public LinearNetwork(int inputs, int outputs, Activation activation, int seed = 1)
    {
        InputSize = inputs;
        OutputSize = outputs;
        _activation = activation;
        Loss loss = activation switch
        {
            Activation.Softmax => Loss.CrossEntropy,
            Activation.Sigmoid => Loss.BinaryCrossEntropy,
            _ => Loss.MeanSquaredError,
        };
        var layer = new LayerDescription(0, inputs, outputs, activation, 0, true, 0, inputs * outputs, "0.weight", "0.bias");
        Description = new NetworkDescription(
            "Linear", typeof(T) == typeof(float) ? Precision.Float : Precision.Double, inputs,
            new[] { layer }, loss, Array.Empty<string>(), Array.Empty<string>(), "fake");
        _parameters = new T[Description.ParameterCount];
        Initializers.PyTorchDefault<T>(_parameters, Description, seed);
    }

    public NetworkDescription Description { get; }
    public int InputSize { get; }
    public int OutputSize { get; }
    public int ParameterCount => _parameters.Length;
    public Span<T> Parameters => _parameters;
    public bool IsTrainable => _activation != Activation.Step;

    /// <summary>Number of AccumulateGradient calls so far.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Called with the 1-based call number; returning a value replaces the loss.</summary>
    public Func<long, T?>? LossOverride { get; set; }

    /// <summary>Managed thread ids that called AccumulateGradient, when non-null.</summary>
    public ConcurrentDictionary<int, bool>? Threads { get; set; }

    public void Predict(ReadOnlySpan<T> input, Span<T> output)
    {
        if (input.Length != InputSize) ThrowHelper.WrongLength(nameof(input), input.Length, InputSize);
        if (output.Length != OutputSize) ThrowHelper.WrongLength(nameof(output), output.Length, OutputSize);
        int n = InputSize;
        for (int o = 0; o < OutputSize; o++)
        {
            T z = _parameters[OutputSize * n + o];
            for (int i = 0; i < n; i++)
            {
                z += _parameters[o * n + i] * input[i];
            }
            output[o] = z;
        }
        switch (_activation)
        {
            case Activation.Sigmoid:
                for (int o = 0; o < OutputSize; o++) output[o] = T.One / (T.One + T.Exp(-output[o]));
                break;
            case Activation.Step:
                for (int o = 0; o < OutputSize; o++) output[o] = output[o] > T.Zero ? T.One : T.Zero;
                break;
            case Activation.Softmax:
                T max = output[0];
                for (int o = 1; o < OutputSize; o++) max = T.Max(max, output[o]);
                T sum = T.Zero;
                for (int o = 0; o < OutputSize; o++) { output[o] = T.Exp(output[o] - max); sum += output[o]; }
                for (int o = 0; o < OutputSize; o++) output[o] /= sum;
                break;
        }
    }

    public void PredictBatch(ReadOnlySpan<T> inputs, Span<T> outputs)
    {
        int count = inputs.Length / InputSize;
        for (int r = 0; r < count; r++)
        {
            Predict(inputs.Slice(r * InputSize, InputSize), outputs.Slice(r * OutputSize, OutputSize));
        }
    }

    public int Classify(ReadOnlySpan<T> input)
    {
        Span<T> output = stackalloc T[OutputSize];
        Predict(input, output);
        if (OutputSize == 1)
        {
            T threshold = _activation is Activation.Sigmoid or Activation.Step ? T.CreateTruncating(0.5) : T.Zero;
            return output[0] > threshold ? 1 : 0;
        }
        int best = 0;
        for (int o = 1; o < OutputSize; o++)
        {
            if (output[o] > output[best]) best = o;
        }
        return best;
    }

    public T AccumulateGradient(ReadOnlySpan<T> input, int label, Span<T> gradient)
    {
        if (OutputSize == 1)
        {
            Span<T> single = stackalloc T[1];
            single[0] = T.CreateTruncating(label);
            return AccumulateGradient(input, single, gradient);
        }
        Span<T> target = stackalloc T[OutputSize];
        target.Clear();
        target[label] = T.One;
        return AccumulateGradient(input, target, gradient);
    }

    public T AccumulateGradient(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradient)
    {
        if (!IsTrainable) throw new NotSupportedException("step");
        if (gradient.Length != ParameterCount) ThrowHelper.WrongLength(nameof(gradient), gradient.Length, ParameterCount);
        if (target.Length != OutputSize) ThrowHelper.WrongLength(nameof(target), target.Length, OutputSize);
        long call = Interlocked.Increment(ref _calls);
        Threads?.TryAdd(Environment.CurrentManagedThreadId, true);

        Span<T> y = stackalloc T[OutputSize];
        Predict(input, y);
        Span<T> dz = stackalloc T[OutputSize];
        T loss = T.Zero;
        T outputs = T.CreateTruncating(OutputSize);
        for (int o = 0; o < OutputSize; o++)
        {
            switch (_activation)
            {
                case Activation.Softmax:
                    if (target[o] != T.Zero) loss -= target[o] * T.Log(y[o]);
                    dz[o] = y[o] - target[o];
                    break;
                case Activation.Sigmoid:
                    loss -= (target[o] * T.Log(y[o]) + (T.One - target[o]) * T.Log(T.One - y[o])) / outputs;
                    dz[o] = (y[o] - target[o]) / outputs;
                    break;
                default:
                    T d = y[o] - target[o];
                    loss += d * d / outputs;
                    dz[o] = (d + d) / outputs;
                    break;
            }
        }

        int n = InputSize;
        for (int o = 0; o < OutputSize; o++)
        {
            for (int i = 0; i < n; i++)
            {
                gradient[o * n + i] += dz[o] * input[i];
            }
            gradient[OutputSize * n + o] += dz[o];
        }

        if (LossOverride?.Invoke(call) is T replaced)
        {
            return replaced;
        }
        return loss;
    }
}

/// <summary>Plain gradient descent, <c>p -= lr * g</c>.</summary>
internal sealed class GradientDescent(double learningRate) : IOptimizer
{
    public double LearningRate { get; set; } = learningRate;
    public long StepCount { get; private set; }

    public void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T rate = T.CreateTruncating(LearningRate);
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] -= rate * gradient[i];
        }
        StepCount++;
    }

    public void Reset() => StepCount = 0;
}

/// <summary>Gradient descent that records each step's gradient and learning rate.</summary>
internal sealed class RecordingOptimizer(double learningRate) : IOptimizer
{
    private readonly GradientDescent _inner = new(learningRate);

    public List<double[]> Gradients { get; } = new();
    public List<double> Rates { get; } = new();
    public double LearningRate { get => _inner.LearningRate; set => _inner.LearningRate = value; }
    public long StepCount => _inner.StepCount;

    public void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var copy = new double[gradient.Length];
        for (int i = 0; i < copy.Length; i++) copy[i] = double.CreateTruncating(gradient[i]);
        Gradients.Add(copy);
        Rates.Add(LearningRate);
        _inner.Step(parameters, gradient);
    }

    public void Reset() => _inner.Reset();
}

/// <summary>An <see cref="IProgress{T}"/> that records synchronously (unlike <see cref="Progress{T}"/>).</summary>
internal sealed class ListProgress(Action<EpochMetrics>? onReport = null) : IProgress<EpochMetrics>
{
    public List<EpochMetrics> Reports { get; } = new();

    public void Report(EpochMetrics value)
    {
        Reports.Add(value);
        onReport?.Invoke(value);
    }
}

/// <summary>Seeded synthetic data sets.</summary>
internal static class SyntheticData
{
    /// <summary>Gaussian blobs in 2-D around well-separated centres, one per class.</summary>
    public static TrainingData<T> Blobs<T>(int count, int classes, int seed, double spread = 0.5)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new SeededRandom(seed);
        var inputs = new T[count * 2];
        var labels = new int[count];
        for (int r = 0; r < count; r++)
        {
            int c = r % classes;
            double angle = 2 * Math.PI * c / classes;
            inputs[2 * r] = T.CreateTruncating(3 * Math.Cos(angle) + spread * random.NextNormal());
            inputs[2 * r + 1] = T.CreateTruncating(3 * Math.Sin(angle) + spread * random.NextNormal());
            labels[r] = c;
        }
        return TrainingData<T>.FromLabels(inputs, labels, 2);
    }

    /// <summary><c>y = 2 x0 - x1 + 0.5 + noise</c>.</summary>
    public static TrainingData<T> Regression<T>(int count, int seed, double noise = 0.1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new SeededRandom(seed);
        var inputs = new T[count * 2];
        var targets = new T[count];
        for (int r = 0; r < count; r++)
        {
            double x0 = random.NextNormal(), x1 = random.NextNormal();
            inputs[2 * r] = T.CreateTruncating(x0);
            inputs[2 * r + 1] = T.CreateTruncating(x1);
            targets[r] = T.CreateTruncating(2 * x0 - x1 + 0.5 + noise * random.NextNormal());
        }
        return TrainingData<T>.FromTargets(inputs, targets, 2, 1);
    }
}
