using System;
using System.Collections.Generic;
using System.Numerics;

namespace StaticNet;

/// <summary>
/// Input normalization baked into a network (<c>"normalize"</c> in the spec): the network computes
/// <c>(x - shift) * scale</c> per input before its first layer, so a deployed model takes raw features. The
/// shift and scale are not trained; <see cref="Fit{T}(INetwork{T}, ReadOnlySpan{T})"/> computes them from training data and weight files
/// store them as the tensors <see cref="ShiftKey"/> and <see cref="ScaleKey"/>.
/// </summary>
public static class InputNormalization
{
    /// <summary>Weight-file tensor holding the per-input shift (mean or minimum).</summary>
    public const string ShiftKey = "input_normalization.shift";

    /// <summary>Weight-file tensor holding the per-input scale (1 / deviation or 1 / range).</summary>
    public const string ScaleKey = "input_normalization.scale";

    /// <summary>
    /// Fits a network's normalization to <paramref name="inputs"/> (row-major, <c>[count x InputSize]</c>):
    /// <see cref="NormalizationKind.Standard"/> inputs get the mean and 1 / population standard deviation
    /// (like scikit-learn's StandardScaler), <see cref="NormalizationKind.MinMax"/> inputs the minimum and
    /// 1 / range; constant inputs get scale 1. Not thread-safe with concurrent predictions.
    /// </summary>
    /// <exception cref="InvalidOperationException">The network was generated without normalization.</exception>
    /// <exception cref="ArgumentException">The inputs are empty, not whole rows, or not finite.</exception>
    public static void Fit<T>(INetwork<T> network, ReadOnlySpan<T> inputs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        IReadOnlyList<NormalizationKind> kinds = network.Description.Normalization
            ?? throw new InvalidOperationException($"Network {network.Description.Name} has no input normalization; add \"normalize\" to its spec.");
        Fit(inputs, kinds, network.NormalizationParameters);
    }

    /// <summary>Fits shift and scale (<paramref name="parameters"/>: shift[n] then scale[n]) to row-major <paramref name="inputs"/>.</summary>
    public static void Fit<T>(ReadOnlySpan<T> inputs, IReadOnlyList<NormalizationKind> kinds, Span<T> parameters) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(kinds);
        int width = kinds.Count;
        if (parameters.Length != 2 * width)
        {
            throw new ArgumentException($"Expected {2 * width} normalization parameters, got {parameters.Length}.", nameof(parameters));
        }
        if (inputs.Length == 0 || inputs.Length % width != 0)
        {
            throw new ArgumentException($"Expected whole rows of {width} inputs, got {inputs.Length} values.", nameof(inputs));
        }
        int rows = inputs.Length / width;
        Span<T> shift = parameters.Slice(0, width);
        Span<T> scale = parameters.Slice(width, width);
        for (int i = 0; i < width; i++)
        {
            double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (int r = 0; r < rows; r++)
            {
                double value = double.CreateChecked(inputs[r * width + i]);
                if (!double.IsFinite(value))
                {
                    throw new ArgumentException($"Input {i} of row {r} is {value}; normalization needs finite values.", nameof(inputs));
                }
                sum += value;
                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }
            double mean = sum / rows;
            double squares = 0;
            for (int r = 0; r < rows; r++)
            {
                double deviation = double.CreateChecked(inputs[r * width + i]) - mean;
                squares += deviation * deviation;
            }
            double standardDeviation = Math.Sqrt(squares / rows);
            (double s, double k) = kinds[i] switch
            {
                NormalizationKind.Standard => (mean, standardDeviation > 0 ? 1 / standardDeviation : 1),
                NormalizationKind.MinMax => (min, max > min ? 1 / (max - min) : 1),
                _ => (0d, 1d),
            };
            shift[i] = T.CreateChecked(s);
            scale[i] = T.CreateChecked(k);
        }
    }

    /// <summary>Identity normalization parameters for <paramref name="inputSize"/> inputs: shift 0, scale 1.</summary>
    public static T[] CreateIdentity<T>(int inputSize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var parameters = new T[2 * inputSize];
        Reset<T>(parameters);
        return parameters;
    }

    /// <summary>Resets <paramref name="parameters"/> to the identity: shift 0, scale 1.</summary>
    public static void Reset<T>(Span<T> parameters) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = parameters.Length / 2;
        parameters.Slice(0, width).Clear();
        parameters.Slice(width).Fill(T.One);
    }

    /// <summary><c>destination[i] = (x[i] - shift[i]) * scale[i]</c>; generated networks call this before their first layer.</summary>
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> parameters, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = destination.Length;
        ReadOnlySpan<T> shift = parameters.Slice(0, width);
        ReadOnlySpan<T> scale = parameters.Slice(width, width);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= width - Vector<T>.Count; i += Vector<T>.Count)
            {
                ((new Vector<T>(x.Slice(i)) - new Vector<T>(shift.Slice(i))) * new Vector<T>(scale.Slice(i))).CopyTo(destination.Slice(i));
            }
        }
        for (; i < width; i++)
        {
            destination[i] = (x[i] - shift[i]) * scale[i];
        }
    }
}
