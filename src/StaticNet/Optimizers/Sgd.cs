using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace StaticNet.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay:
/// exactly <c>torch.optim.SGD</c> (PyTorch 1.13, single-tensor path). Per element, with <c>g</c> the gradient:
/// <code>
/// d = g + weightDecay * p                            (if weightDecay != 0)
/// if momentum != 0:
///     b = d                                          (first step: a copy, no dampening)
///     b = momentum * b + (1 - dampening) * d         (later steps)
///     d = nesterov ? d + momentum * b : b
/// p = p - learningRate * d
/// </code>
/// The arithmetic is done in the parameters' type <c>T</c>, with the hyperparameters rounded to <c>T</c>, as
/// PyTorch does for <c>float32</c> tensors.
/// </summary>
public sealed class Sgd : IOptimizer
{
    private const string Kind = "SGD";
    private const string MomentumBufferName = "momentum_buffer";

    private double _learningRate;
    private StateShape _shape;
    private Array? _momentumBuffer;
    private long _stepCount;

    /// <summary>Creates the optimizer; the arguments mean what they mean for <c>torch.optim.SGD</c>.</summary>
    /// <param name="learningRate">Step size, finite and at least 0.</param>
    /// <param name="momentum">Momentum factor, finite and at least 0; 0 keeps no momentum buffer.</param>
    /// <param name="dampening">Dampening of the momentum (the new gradient is weighted by <c>1 - dampening</c>), finite.</param>
    /// <param name="nesterov">Nesterov momentum; needs a positive momentum and zero dampening.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient as <c>weightDecay * p</c>, finite and at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range, infinite or NaN (the exception names it), or Nesterov momentum is asked for without momentum or with dampening.</exception>
    public Sgd(double learningRate, double momentum = 0, double dampening = 0, bool nesterov = false, double weightDecay = 0)
    {
        OptimizerStorage.CheckLearningRate(learningRate, nameof(learningRate));
        OptimizerStorage.CheckNonNegative(momentum, nameof(momentum), "momentum");
        if (!double.IsFinite(dampening))
        {
            throw new ArgumentOutOfRangeException(nameof(dampening), dampening, "Invalid dampening value: must be a finite number.");
        }
        OptimizerStorage.CheckNonNegative(weightDecay, nameof(weightDecay), "weight_decay");
        if (nesterov && momentum <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Nesterov momentum requires a momentum and zero dampening.");
        }
        if (nesterov && dampening != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(dampening), dampening, "Nesterov momentum requires a momentum and zero dampening.");
        }

        _learningRate = learningRate;
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, infinite or NaN; the rate is unchanged.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            OptimizerStorage.CheckLearningRate(value, nameof(value));
            _learningRate = value;
        }
    }

    /// <summary>Momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>Dampening of the momentum.</summary>
    public double Dampening { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>L2 weight decay added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc />
    public long StepCount => _stepCount;

    /// <inheritdoc />
    /// <remarks>
    /// The first step fixes the element type and length of the state (the momentum buffer is allocated then);
    /// a later step with another length or type throws <see cref="ArgumentException"/> until <see cref="Reset"/>.
    /// No allocation happens after the first step.
    /// </remarks>
    /// <exception cref="ArgumentException">The spans differ in length, or do not match the state's length or type.</exception>
    public void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradient) where T : unmanaged, IFloatingPointIeee754<T> =>
        Update(parameters, MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(gradient), gradient.Length), new AsIs<T>());

    /// <inheritdoc />
    /// <remarks>
    /// One pass over the parameters, the gradient and the momentum buffer: each gradient element is read, divided,
    /// zeroed if asked, and used in the update formula above. State and allocation as for
    /// <see cref="Step{T}(Span{T}, ReadOnlySpan{T})"/>.
    /// </remarks>
    /// <exception cref="ArgumentException">The spans differ in length, or do not match the state's length or type; nothing is changed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gradientDivisor"/> is zero, negative, infinite or NaN; nothing is changed.</exception>
    public void Step<T>(Span<T> parameters, Span<T> gradient, T gradientDivisor, bool clearGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        OptimizerStorage.CheckGradientDivisor(gradientDivisor);
        GradientScaling scaling = GradientReaders.Classify(gradientDivisor, out T factor);
        switch (scaling)
        {
            case GradientScaling.None when clearGradient:
                Update(parameters, gradient, new Cleared<T, AsIs<T>>(default));
                break;
            case GradientScaling.None:
                Update(parameters, gradient, new AsIs<T>());
                break;
            case GradientScaling.Multiply when clearGradient:
                Update(parameters, gradient, new Cleared<T, Multiplied<T>>(new Multiplied<T>(factor)));
                break;
            case GradientScaling.Multiply:
                Update(parameters, gradient, new Multiplied<T>(factor));
                break;
            case GradientScaling.Divide when clearGradient:
                Update(parameters, gradient, new Cleared<T, Divided<T>>(new Divided<T>(gradientDivisor)));
                break;
            default:
                Update(parameters, gradient, new Divided<T>(gradientDivisor));
                break;
        }
    }

    private void Update<T, TReader>(Span<T> parameters, Span<T> gradient, TReader reader)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReader : struct, IGradientReader<T>
    {
        _shape.Check<T>(parameters.Length, gradient.Length);
        T negativeLearningRate = T.CreateTruncating(-_learningRate);
        T weightDecay = T.CreateTruncating(WeightDecay);
        bool decay = WeightDecay != 0;

        if (Momentum == 0)
        {
            PlainStep(parameters, gradient, reader, negativeLearningRate, decay, weightDecay);
        }
        else
        {
            bool first = _momentumBuffer is null;
            _momentumBuffer ??= new T[parameters.Length];
            Span<T> buffer = (T[])_momentumBuffer;
            MomentumStep(parameters, gradient, reader, buffer, first, negativeLearningRate, decay, weightDecay,
                T.CreateTruncating(Momentum), T.CreateTruncating(1 - Dampening));
        }
        _stepCount++;
    }

    /// <summary>
    /// Counts a step that the network took itself (<see cref="IFusedSgdStep{T}.TrySgdStep(ReadOnlySpan{T}, ReadOnlySpan{int}, T, out T)"/>,
    /// plain SGD fused with backpropagation), so the step count and the state's shape stay what <see cref="Step{T}(Span{T}, ReadOnlySpan{T})"/> would leave.
    /// </summary>
    internal void RecordFusedStep<T>(int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        _shape.Check<T>(length, length);
        _stepCount++;
    }

    /// <inheritdoc />
    public void Reset()
    {
        _shape.Clear();
        _momentumBuffer = null;
        _stepCount = 0;
    }

    /// <inheritdoc />
    public OptimizerState ExportState() =>
        OptimizerStorage.Export(Kind, _stepCount, _learningRate, [MomentumBufferName], [_momentumBuffer]);

    /// <inheritdoc />
    public void ImportState(OptimizerState state)
    {
        Array[] buffers = OptimizerStorage.Import(state, Kind, Momentum == 0 ? [] : [MomentumBufferName]);
        _shape.Set(state.ElementType, state.Length);
        _momentumBuffer = buffers.Length == 0 ? null : buffers[0];
        _stepCount = state.StepCount;
        _learningRate = state.LearningRate;
    }

    private static void PlainStep<T, TReader>(Span<T> parameters, Span<T> gradient, TReader reader, T negativeLearningRate, bool decay, T weightDecay)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReader : struct, IGradientReader<T>
    {
        gradient = gradient.Slice(0, parameters.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            Span<Vector<T>> p = MemoryMarshal.Cast<T, Vector<T>>(parameters);
            Span<Vector<T>> g = MemoryMarshal.Cast<T, Vector<T>>(gradient);
            var lr = new Vector<T>(negativeLearningRate);
            var wd = new Vector<T>(weightDecay);
            for (int k = 0; k < p.Length && k < g.Length; k++)
            {
                Vector<T> pk = p[k];
                Vector<T> d = reader.Read(ref g[k]);
                if (decay)
                {
                    d += wd * pk;
                }
                p[k] = pk + lr * d;
            }
            i = p.Length * Vector<T>.Count;
        }
        for (; i < parameters.Length; i++)
        {
            T pi = parameters[i];
            T d = reader.Read(ref gradient[i]);
            if (decay)
            {
                d += weightDecay * pi;
            }
            parameters[i] = pi + negativeLearningRate * d;
        }
    }

    private void MomentumStep<T, TReader>(
        Span<T> parameters, Span<T> gradient, TReader reader, Span<T> buffer, bool first,
        T negativeLearningRate, bool decay, T weightDecay, T momentum, T oneMinusDampening)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReader : struct, IGradientReader<T>
    {
        bool nesterov = Nesterov;
        int n = parameters.Length;
        buffer = buffer.Slice(0, n);
        gradient = gradient.Slice(0, n);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            Span<Vector<T>> p = MemoryMarshal.Cast<T, Vector<T>>(parameters);
            Span<Vector<T>> g = MemoryMarshal.Cast<T, Vector<T>>(gradient);
            Span<Vector<T>> b = MemoryMarshal.Cast<T, Vector<T>>(buffer);
            var lr = new Vector<T>(negativeLearningRate);
            var wd = new Vector<T>(weightDecay);
            var mu = new Vector<T>(momentum);
            var keep = new Vector<T>(oneMinusDampening);
            for (int k = 0; k < p.Length && k < g.Length && k < b.Length; k++)
            {
                Vector<T> pk = p[k];
                Vector<T> d = reader.Read(ref g[k]);
                if (decay)
                {
                    d += wd * pk;
                }
                Vector<T> bk = first ? d : b[k] * mu + keep * d;
                b[k] = bk;
                d = nesterov ? d + mu * bk : bk;
                p[k] = pk + lr * d;
            }
            i = p.Length * Vector<T>.Count;
        }
        for (; i < n; i++)
        {
            T pi = parameters[i];
            T d = reader.Read(ref gradient[i]);
            if (decay)
            {
                d += weightDecay * pi;
            }
            T bi = first ? d : buffer[i] * momentum + oneMinusDampening * d;
            buffer[i] = bi;
            d = nesterov ? d + momentum * bi : bi;
            parameters[i] = pi + negativeLearningRate * d;
        }
    }
}
