using System;
using System.Numerics;

namespace StaticNet;

/// <summary>
/// What code that only runs a network needs: its sizes, its description, and inference. Generated networks,
/// <see cref="DynamicNetwork{T}"/> and (with later layer kinds) frozen inference forms implement it;
/// <see cref="BatchPredictor{T}"/> takes it.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IPredictor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The topology this network was generated from.</summary>
    NetworkDescription Description { get; }

    /// <summary>Input width.</summary>
    int InputSize { get; }

    /// <summary>Output width.</summary>
    int OutputSize { get; }

    /// <summary>Runs the forward pass for one sample (always inference).</summary>
    void Predict(ReadOnlySpan<T> input, Span<T> output);

    /// <summary>Runs the forward pass for <c>inputs.Length / InputSize</c> samples stored row-major.</summary>
    void PredictBatch(ReadOnlySpan<T> inputs, Span<T> outputs);

    /// <summary>Predicted class index: argmax of the outputs, or the 0/1 decision of a single output.</summary>
    int Classify(ReadOnlySpan<T> input);
}

/// <summary>
/// A trainable network: what the trainer, the optimizers and weight files need beyond inference (its parameters
/// and the gradient of a sample's loss). Every class generated from a <c>*.staticnet.json</c> spec implements it
/// for its precision. Optional abilities are separate interfaces a network may also implement, tested with
/// <c>is</c>: <see cref="IFusedSgdStep{T}"/> (plain SGD backpropagated straight into the parameters).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public interface INetwork<T> : IPredictor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Number of trainable parameters.</summary>
    int ParameterCount { get; }

    /// <summary>All parameters in canonical order: per layer its weight <c>[units x fanIn]</c> row-major, then its bias.</summary>
    Span<T> Parameters { get; }

    /// <summary>
    /// The non-trainable input normalization, <c>2 * InputSize</c> values: the shift of every input, then its
    /// scale (the network computes <c>(x - shift) * scale</c> before the first layer). Empty when the spec asks
    /// for no normalization. Weight files save and load it; <see cref="InputNormalization.Fit{T}(INetwork{T}, ReadOnlySpan{T})"/> fits it.
    /// </summary>
    Span<T> NormalizationParameters => Span<T>.Empty;

    /// <summary>Whether <c>AccumulateGradient</c> is available (false for networks with a <c>step</c> activation).</summary>
    bool IsTrainable { get; }

    /// <summary>Adds the gradient of this sample's loss against <paramref name="target"/> to <paramref name="gradient"/> and returns the loss.</summary>
    T AccumulateGradient(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradient);

    /// <summary>Adds the gradient of this sample's loss against class <paramref name="label"/> to <paramref name="gradient"/> and returns the loss.</summary>
    T AccumulateGradient(ReadOnlySpan<T> input, int label, Span<T> gradient);

    /// <summary>
    /// Adds the gradients of many samples (<paramref name="inputs"/> <c>[count x InputSize]</c>, <paramref name="targets"/>
    /// <c>[count x OutputSize]</c>, row-major) to <paramref name="gradient"/> and returns the sum of their losses.
    /// Generated networks compute it with batch kernels; this default calls <c>AccumulateGradient</c> per sample.
    /// </summary>
    T AccumulateGradientBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradient)
    {
        int count = inputs.Length / InputSize;
        T loss = T.Zero;
        for (int s = 0; s < count; s++)
        {
            loss += AccumulateGradient(inputs.Slice(s * InputSize, InputSize), targets.Slice(s * OutputSize, OutputSize), gradient);
        }
        return loss;
    }

    /// <summary>Adds the gradients of many samples against class labels and returns the sum of their losses.</summary>
    T AccumulateGradientBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels, Span<T> gradient)
    {
        T loss = T.Zero;
        for (int s = 0; s < labels.Length; s++)
        {
            loss += AccumulateGradient(inputs.Slice(s * InputSize, InputSize), labels[s], gradient);
        }
        return loss;
    }
}

/// <summary>
/// The ability to take one plain SGD step on a mini-batch fused with backpropagation, with no gradient buffer and
/// no optimizer pass. Generated networks implement it; the trainer uses it (tested with <c>is</c>) for plain SGD
/// without clipping on batches the network accepts, and the optimizers' fused step otherwise.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IFusedSgdStep<T> : INetwork<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// One step of plain stochastic gradient descent on a mini-batch, fused with backpropagation:
    /// <c>p -= learningRate * (mean gradient of the samples' losses)</c> computed into the parameters directly, with
    /// no gradient buffer and no separate pass of an optimizer. Each layer's delta for the layer below is computed
    /// before that layer's weights change, so the result is the unfused step's up to rounding. When the loss is not
    /// finite the parameters are left unchanged (and the loss returned, so the caller can report it).
    /// </summary>
    /// <param name="inputs"><c>[count x InputSize]</c>, row-major.</param>
    /// <param name="targets"><c>[count x OutputSize]</c>, row-major.</param>
    /// <param name="learningRate">The step size, finite and non-negative.</param>
    /// <param name="lossSum">The sum of the samples' losses.</param>
    /// <returns>
    /// False, having done nothing, when this network cannot fuse a batch of this size (generated networks fuse
    /// batches that fit one tile of their batch kernels): take the unfused path then.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative, infinite or NaN; nothing is changed.</exception>
    bool TrySgdStep(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T learningRate, out T lossSum);

    /// <summary>One fused step of plain SGD on a mini-batch against class labels; see the overload with targets.</summary>
    /// <param name="inputs"><c>[count x InputSize]</c>, row-major.</param>
    /// <param name="labels">One class per sample.</param>
    /// <param name="learningRate">The step size, finite and non-negative.</param>
    /// <param name="lossSum">The sum of the samples' losses.</param>
    /// <returns>False, having done nothing, when this network cannot fuse a batch of this size.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative, infinite or NaN; nothing is changed.</exception>
    bool TrySgdStep(ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels, T learningRate, out T lossSum);
}
