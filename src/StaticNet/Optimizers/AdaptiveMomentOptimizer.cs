using System;
using System.Numerics;

namespace StaticNet.Optimizers;

/// <summary>
/// What <see cref="Adam"/> and <see cref="AdamW"/> share: the hyperparameters, the moment state and the update,
/// which differ only in how weight decay is applied.
/// </summary>
public abstract class AdaptiveMomentOptimizer : IOptimizer
{
    private readonly AdamCore _core;

    private protected AdaptiveMomentOptimizer(AdamCore core) => _core = core;

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, infinite or NaN; the rate is unchanged.</exception>
    public double LearningRate
    {
        get => _core.LearningRate;
        set => _core.LearningRate = value;
    }

    /// <summary>Decay rate of the first moment.</summary>
    public double Beta1 => _core.Beta1;

    /// <summary>Decay rate of the second moment.</summary>
    public double Beta2 => _core.Beta2;

    /// <summary>Added to the denominator for stability.</summary>
    public double Epsilon => _core.Epsilon;

    /// <summary>Weight decay factor.</summary>
    public double WeightDecay => _core.WeightDecay;

    /// <summary>Whether AMSGrad is used.</summary>
    public bool Amsgrad => _core.Amsgrad;

    /// <inheritdoc />
    public long StepCount => _core.StepCount;

    /// <inheritdoc />
    /// <remarks>
    /// The first step allocates the moment arrays (<c>exp_avg</c>, <c>exp_avg_sq</c>, and <c>max_exp_avg_sq</c>
    /// with AMSGrad) and fixes their element type and length; a later step with another length or type
    /// throws <see cref="ArgumentException"/> until <see cref="Reset"/>. No allocation happens after the first step.
    /// </remarks>
    /// <exception cref="ArgumentException">The spans differ in length, or do not match the state's length or type.</exception>
    public void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradient) where T : unmanaged, IFloatingPointIeee754<T> =>
        _core.Step(parameters, gradient);

    /// <inheritdoc />
    /// <remarks>
    /// One pass over the parameters, the gradient and the moments: each gradient element is read, divided, zeroed
    /// if asked, and used in the update formula. State and allocation as for
    /// <see cref="Step{T}(Span{T}, ReadOnlySpan{T})"/>.
    /// </remarks>
    /// <exception cref="ArgumentException">The spans differ in length, or do not match the state's length or type; nothing is changed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gradientDivisor"/> is zero, negative, infinite or NaN; nothing is changed.</exception>
    public void Step<T>(Span<T> parameters, Span<T> gradient, T gradientDivisor, bool clearGradient)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        _core.Step(parameters, gradient, gradientDivisor, clearGradient);

    /// <inheritdoc />
    public void Reset() => _core.Reset();

    /// <inheritdoc />
    public OptimizerState ExportState() => _core.ExportState();

    /// <inheritdoc />
    public void ImportState(OptimizerState state) => _core.ImportState(state);
}
