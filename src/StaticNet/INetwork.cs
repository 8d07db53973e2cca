using System;
using System.Numerics;

namespace StaticNet;

/// <summary>
/// What generic code (the trainer, weight files, benchmarks) needs from a generated network.
/// Every class generated from a <c>*.staticnet.json</c> spec implements it for its precision.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public interface INetwork<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The topology this network was generated from.</summary>
    NetworkDescription Description { get; }

    /// <summary>Input width.</summary>
    int InputSize { get; }

    /// <summary>Output width.</summary>
    int OutputSize { get; }

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

    /// <summary>Runs the forward pass for one sample.</summary>
    void Predict(ReadOnlySpan<T> input, Span<T> output);

    /// <summary>Runs the forward pass for <c>inputs.Length / InputSize</c> samples stored row-major.</summary>
    void PredictBatch(ReadOnlySpan<T> inputs, Span<T> outputs);

    /// <summary>Predicted class index: argmax of the outputs, or the 0/1 decision of a single output.</summary>
    int Classify(ReadOnlySpan<T> input);

    /// <summary>Adds the gradient of this sample's loss against <paramref name="target"/> to <paramref name="gradient"/> and returns the loss.</summary>
    T AccumulateGradient(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradient);

    /// <summary>Adds the gradient of this sample's loss against class <paramref name="label"/> to <paramref name="gradient"/> and returns the loss.</summary>
    T AccumulateGradient(ReadOnlySpan<T> input, int label, Span<T> gradient);
}
