using System;
using System.Buffers;
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

    /// <summary>
    /// Applies one update to <paramref name="parameters"/> using <c>gradient / gradientDivisor</c>, then, if
    /// <paramref name="clearGradient"/> is true, sets <paramref name="gradient"/> to zero. The result is the same,
    /// bit for bit, as dividing every gradient element by <paramref name="gradientDivisor"/> in
    /// <typeparamref name="T"/>, calling <see cref="Step{T}(Span{T}, ReadOnlySpan{T})"/> and clearing the gradient;
    /// <see cref="Sgd"/>, <see cref="Adam"/> and <see cref="AdamW"/> do all of it in their one pass over the arrays
    /// instead of three.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A training step with a summed mini-batch gradient is then: accumulate, then one fused pass, and the
    /// gradient is ready for the next accumulation:
    /// </para>
    /// <code>
    /// T loss = network.AccumulateGradientBatch(inputs, labels, gradient);   // gradient is zero before
    /// optimizer.Step(network.Parameters, gradient, T.CreateTruncating(count), clearGradient: true);
    /// </code>
    /// <para>
    /// The default implementation, for optimizers other than StaticNet's (it keeps this interface addition
    /// non-breaking), does exactly that sequence: it divides the gradient in place (into a pooled copy when the
    /// gradient is to be kept), calls <see cref="Step{T}(Span{T}, ReadOnlySpan{T})"/>, then clears the gradient.
    /// </para>
    /// </remarks>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="gradient">
    /// The gradient, as long as <paramref name="parameters"/>. It is not modified when <paramref name="clearGradient"/>
    /// is false; its elements are all zero afterwards when it is true.
    /// </param>
    /// <param name="gradientDivisor">
    /// Every gradient element is divided by this (a true division, correctly rounded in <typeparamref name="T"/>,
    /// like the mean reduction of PyTorch's losses) before the update: the mini-batch size turns a summed gradient
    /// into the mean one; 1 uses the gradient as it is. It must be finite and positive.
    /// </param>
    /// <param name="clearGradient">Whether to set every element of <paramref name="gradient"/> to zero.</param>
    /// <exception cref="ArgumentException">The spans differ in length (the gradient is then left unchanged).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gradientDivisor"/> is zero, negative, infinite or NaN; nothing is changed.</exception>
    void Step<T>(Span<T> parameters, Span<T> gradient, T gradientDivisor, bool clearGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GradientReaders.CheckLengths(parameters.Length, gradient.Length);
        OptimizerStorage.CheckGradientDivisor(gradientDivisor);
        if (gradientDivisor == T.One)
        {
            Step(parameters, (ReadOnlySpan<T>)gradient);
        }
        else if (clearGradient)
        {
            SpanMath.Divide(gradient, gradientDivisor);
            Step(parameters, (ReadOnlySpan<T>)gradient);
        }
        else
        {
            T[] rented = ArrayPool<T>.Shared.Rent(gradient.Length);
            try
            {
                Span<T> copy = rented.AsSpan(0, gradient.Length);
                gradient.CopyTo(copy);
                SpanMath.Divide(copy, gradientDivisor);
                Step(parameters, (ReadOnlySpan<T>)copy);
            }
            finally
            {
                ArrayPool<T>.Shared.Return(rented);
            }
        }
        if (clearGradient)
        {
            gradient.Clear();
        }
    }

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
