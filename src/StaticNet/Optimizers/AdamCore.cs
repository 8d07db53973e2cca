using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace StaticNet.Optimizers;

/// <summary>
/// The state and update shared by <see cref="Adam"/> and <see cref="AdamW"/> (they differ only in how the
/// weight decay enters): <c>_single_tensor_adam</c> / <c>_single_tensor_adamw</c> of PyTorch 1.13.
/// </summary>
internal sealed class AdamCore
{
    private const string ExpAvgName = "exp_avg";
    private const string ExpAvgSqName = "exp_avg_sq";
    private const string MaxExpAvgSqName = "max_exp_avg_sq";

    private readonly string _kind;
    private readonly bool _decoupled;
    private double _learningRate;
    private StateShape _shape;
    private Array? _expAvg, _expAvgSq, _maxExpAvgSq;
    private long _stepCount;

    public AdamCore(string kind, bool decoupled, double learningRate, double beta1, double beta2, double epsilon, double weightDecay, bool amsgrad)
    {
        OptimizerStorage.CheckLearningRate(learningRate, nameof(learningRate));
        OptimizerStorage.CheckNonNegative(epsilon, nameof(epsilon), "epsilon");
        if (!(beta1 >= 0 && beta1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "Invalid beta parameter: must be in [0, 1).");
        }
        if (!(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "Invalid beta parameter: must be in [0, 1).");
        }
        OptimizerStorage.CheckNonNegative(weightDecay, nameof(weightDecay), "weight_decay");

        _kind = kind;
        _decoupled = decoupled;
        _learningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        Amsgrad = amsgrad;
    }

    public double LearningRate
    {
        get => _learningRate;
        set
        {
            OptimizerStorage.CheckLearningRate(value, nameof(value));
            _learningRate = value;
        }
    }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Epsilon { get; }

    public double WeightDecay { get; }

    public bool Amsgrad { get; }

    public long StepCount => _stepCount;

    public void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradient) where T : unmanaged, IFloatingPointIeee754<T> =>
        Step(parameters, MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(gradient), gradient.Length), new AsIs<T>());

    public void Step<T>(Span<T> parameters, Span<T> gradient, T gradientDivisor, bool clearGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        OptimizerStorage.CheckGradientDivisor(gradientDivisor);
        GradientScaling scaling = GradientReaders.Classify(gradientDivisor, out T factor);
        switch (scaling)
        {
            case GradientScaling.None when clearGradient:
                Step(parameters, gradient, new Cleared<T, AsIs<T>>(default));
                break;
            case GradientScaling.None:
                Step(parameters, gradient, new AsIs<T>());
                break;
            case GradientScaling.Multiply when clearGradient:
                Step(parameters, gradient, new Cleared<T, Multiplied<T>>(new Multiplied<T>(factor)));
                break;
            case GradientScaling.Multiply:
                Step(parameters, gradient, new Multiplied<T>(factor));
                break;
            case GradientScaling.Divide when clearGradient:
                Step(parameters, gradient, new Cleared<T, Divided<T>>(new Divided<T>(gradientDivisor)));
                break;
            default:
                Step(parameters, gradient, new Divided<T>(gradientDivisor));
                break;
        }
    }

    private void Step<T, TReader>(Span<T> parameters, Span<T> gradient, TReader reader)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReader : struct, IGradientReader<T>
    {
        if (_shape.Check<T>(parameters.Length, gradient.Length) || _expAvg is null)
        {
            _expAvg = new T[parameters.Length];
            _expAvgSq = new T[parameters.Length];
            _maxExpAvgSq = Amsgrad ? new T[parameters.Length] : null;
        }
        Span<T> expAvg = (T[])_expAvg;
        Span<T> expAvgSq = (T[])_expAvgSq!;
        Span<T> maxExpAvgSq = Amsgrad ? (T[])_maxExpAvgSq! : default;

        _stepCount++;
        // Scalars in double, as PyTorch computes them in Python; then rounded to T like its tensor kernels do.
        double step = _stepCount;
        double biasCorrection1 = 1 - Math.Pow(Beta1, step);
        double biasCorrection2 = 1 - Math.Pow(Beta2, step);
        double stepSize = _learningRate / biasCorrection1;
        var scalars = new Scalars<T>
        {
            Beta1 = T.CreateTruncating(Beta1),
            OneMinusBeta1 = T.CreateTruncating(1 - Beta1),
            Beta2 = T.CreateTruncating(Beta2),
            OneMinusBeta2 = T.CreateTruncating(1 - Beta2),
            BiasCorrection2Sqrt = T.CreateTruncating(Math.Sqrt(biasCorrection2)),
            Epsilon = T.CreateTruncating(Epsilon),
            NegativeStepSize = T.CreateTruncating(-stepSize),
            WeightDecay = T.CreateTruncating(WeightDecay),
            DecayFactor = T.CreateTruncating(1 - _learningRate * WeightDecay),
        };
        Mode mode = WeightDecay == 0 ? Mode.None : _decoupled ? Mode.Decoupled : Mode.Coupled;
        Update(parameters, gradient, reader, expAvg, expAvgSq, maxExpAvgSq, scalars, mode, Amsgrad);
    }

    public void Reset()
    {
        _shape.Clear();
        _expAvg = _expAvgSq = _maxExpAvgSq = null;
        _stepCount = 0;
    }

    public OptimizerState ExportState() =>
        OptimizerStorage.Export(_kind, _stepCount, _learningRate,
            [ExpAvgName, ExpAvgSqName, MaxExpAvgSqName], [_expAvg, _expAvgSq, _maxExpAvgSq]);

    public void ImportState(OptimizerState state)
    {
        Array[] buffers = OptimizerStorage.Import(state, _kind,
            Amsgrad ? [ExpAvgName, ExpAvgSqName, MaxExpAvgSqName] : [ExpAvgName, ExpAvgSqName]);
        _shape.Set(state.ElementType, state.Length);
        _expAvg = buffers.Length > 0 ? buffers[0] : null;
        _expAvgSq = buffers.Length > 1 ? buffers[1] : null;
        _maxExpAvgSq = buffers.Length > 2 ? buffers[2] : null;
        _stepCount = state.StepCount;
        _learningRate = state.LearningRate;
    }

    private enum Mode
    {
        None,
        Coupled,
        Decoupled,
    }

    private struct Scalars<T>
    {
        public T Beta1, OneMinusBeta1, Beta2, OneMinusBeta2, BiasCorrection2Sqrt, Epsilon, NegativeStepSize, WeightDecay, DecayFactor;
    }

    // Per element, in PyTorch's order of operations:
    //   Adam:  g += wd * p                 AdamW: p *= 1 - lr * wd
    //   m = m * beta1 + (1 - beta1) * g
    //   v = v * beta2 + (1 - beta2) * g * g
    //   vmax = max(vmax, v)                (amsgrad; then used instead of v)
    //   p = p + (-lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)
    private static void Update<T, TReader>(
        Span<T> parameters, Span<T> gradient, TReader reader, Span<T> expAvg, Span<T> expAvgSq, Span<T> maxExpAvgSq,
        in Scalars<T> s, Mode mode, bool amsgrad)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReader : struct, IGradientReader<T>
    {
        int n = parameters.Length;
        gradient = gradient.Slice(0, n);
        expAvg = expAvg.Slice(0, n);
        expAvgSq = expAvgSq.Slice(0, n);
        if (amsgrad)
        {
            maxExpAvgSq = maxExpAvgSq.Slice(0, n);
        }

        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            Span<Vector<T>> p = MemoryMarshal.Cast<T, Vector<T>>(parameters);
            Span<Vector<T>> g = MemoryMarshal.Cast<T, Vector<T>>(gradient);
            Span<Vector<T>> m = MemoryMarshal.Cast<T, Vector<T>>(expAvg);
            Span<Vector<T>> v = MemoryMarshal.Cast<T, Vector<T>>(expAvgSq);
            Span<Vector<T>> vmax = MemoryMarshal.Cast<T, Vector<T>>(maxExpAvgSq);
            var beta1 = new Vector<T>(s.Beta1);
            var oneMinusBeta1 = new Vector<T>(s.OneMinusBeta1);
            var beta2 = new Vector<T>(s.Beta2);
            var oneMinusBeta2 = new Vector<T>(s.OneMinusBeta2);
            var biasCorrection2Sqrt = new Vector<T>(s.BiasCorrection2Sqrt);
            var epsilon = new Vector<T>(s.Epsilon);
            var negativeStepSize = new Vector<T>(s.NegativeStepSize);
            var weightDecay = new Vector<T>(s.WeightDecay);
            var decayFactor = new Vector<T>(s.DecayFactor);
            for (int k = 0; k < p.Length && k < g.Length && k < m.Length && k < v.Length; k++)
            {
                Vector<T> pk = p[k];
                Vector<T> gk = reader.Read(ref g[k]);
                if (mode == Mode.Coupled)
                {
                    gk += weightDecay * pk;
                }
                else if (mode == Mode.Decoupled)
                {
                    pk *= decayFactor;
                }
                Vector<T> mk = m[k] * beta1 + oneMinusBeta1 * gk;
                m[k] = mk;
                Vector<T> vk = v[k] * beta2 + oneMinusBeta2 * gk * gk;
                v[k] = vk;
                if (amsgrad)
                {
                    vk = Vector.Max(vmax[k], vk);
                    vmax[k] = vk;
                }
                Vector<T> denominator = Vector.SquareRoot(vk) / biasCorrection2Sqrt + epsilon;
                p[k] = pk + negativeStepSize * mk / denominator;
            }
            i = p.Length * Vector<T>.Count;
        }
        for (; i < n; i++)
        {
            T pi = parameters[i];
            T gi = reader.Read(ref gradient[i]);
            if (mode == Mode.Coupled)
            {
                gi += s.WeightDecay * pi;
            }
            else if (mode == Mode.Decoupled)
            {
                pi *= s.DecayFactor;
            }
            T mi = expAvg[i] * s.Beta1 + s.OneMinusBeta1 * gi;
            expAvg[i] = mi;
            T vi = expAvgSq[i] * s.Beta2 + s.OneMinusBeta2 * gi * gi;
            expAvgSq[i] = vi;
            if (amsgrad)
            {
                vi = T.Max(maxExpAvgSq[i], vi);
                maxExpAvgSq[i] = vi;
            }
            T denominator = T.Sqrt(vi) / s.BiasCorrection2Sqrt + s.Epsilon;
            parameters[i] = pi + s.NegativeStepSize * mi / denominator;
        }
    }
}
