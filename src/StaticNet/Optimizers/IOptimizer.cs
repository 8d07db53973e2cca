using System;
using System.Numerics;

namespace StaticNet.Optimizers;

/// <summary>
/// Updates a flat parameter array from its gradient, like a <c>torch.optim</c> optimizer over one parameter group.
/// State (moments, step count) is sized on the first step and kept until <see cref="Reset"/>.
/// </summary>
public interface IOptimizer
{
    /// <summary>Learning rate of the next step; learning-rate schedules set it between epochs.</summary>
    double LearningRate { get; set; }

    /// <summary>Number of steps taken since construction or the last <see cref="Reset"/>.</summary>
    long StepCount { get; }

    /// <summary>Applies one update to <paramref name="parameters"/> using <paramref name="gradient"/> (same length).</summary>
    void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Forgets all state, as if newly constructed.</summary>
    void Reset();
}
