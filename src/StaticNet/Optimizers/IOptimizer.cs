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

    /// <summary>
    /// Copies the optimizer's state (step count, learning rate and the per-parameter buffers, named as in
    /// <c>torch.optim</c>'s <c>state_dict</c>) so that a checkpoint can store it. The returned object shares
    /// no array with the optimizer; <see cref="ImportState"/> on an optimizer constructed with the same
    /// hyperparameters continues training exactly where this one stands.
    /// </summary>
    /// <remarks>
    /// <see cref="Sgd"/>, <see cref="Adam"/> and <see cref="AdamW"/> implement this. The default implementation,
    /// for other optimizers (it keeps this interface addition non-breaking), throws <see cref="NotSupportedException"/>.
    /// </remarks>
    OptimizerState ExportState() =>
        throw new NotSupportedException($"{GetType().Name} does not support exporting its state for checkpoints.");

    /// <summary>
    /// Replaces the optimizer's state by a copy of <paramref name="state"/>, as exported by
    /// <see cref="ExportState"/> from an optimizer of the same kind and configuration. The learning rate is
    /// restored too (as <c>load_state_dict</c> does). Throws <see cref="ArgumentException"/> when the state was
    /// written by another kind of optimizer or lacks (or has extra) buffers for this configuration, for
    /// example momentum or amsgrad; the optimizer is then left unchanged.
    /// </summary>
    /// <remarks>The default implementation, for optimizers other than StaticNet's, throws <see cref="NotSupportedException"/>.</remarks>
    void ImportState(OptimizerState state) =>
        throw new NotSupportedException($"{GetType().Name} does not support importing a checkpointed state.");
}
