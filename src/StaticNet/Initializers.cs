using System;
using System.Numerics;

namespace StaticNet;

/// <summary>
/// Parameter initialization, with the distributions of <c>torch.nn.init</c>. All are seeded and deterministic.
/// </summary>
public static class Initializers
{
    /// <summary>
    /// PyTorch's default for <c>nn.Linear</c>: weight and bias uniform in <c>±1/sqrt(fanIn)</c>
    /// (<c>kaiming_uniform_(a=sqrt(5))</c> on the weight). Generated constructors call this.
    /// </summary>
    public static void PyTorchDefault<T>(Span<T> parameters, NetworkDescription network, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLength(parameters, network);
        var random = new SeededRandom(seed);
        foreach (LayerDescription layer in network.Layers)
        {
            double bound = 1.0 / Math.Sqrt(layer.FanIn);
            FillUniform(parameters.Slice(layer.WeightOffset, layer.WeightCount), random, bound);
            if (layer.HasBias)
            {
                FillUniform(parameters.Slice(layer.BiasOffset, layer.Units), random, bound);
            }
        }
    }

    internal static void CheckLength<T>(Span<T> parameters, NetworkDescription network)
    {
        int expected = network.ParameterCount;
        if (parameters.Length != expected)
        {
            throw new ArgumentException(
                $"The parameter span has {parameters.Length} elements; network {network.Name} has {expected} parameters.",
                nameof(parameters));
        }
    }

    internal static void FillUniform<T>(Span<T> values, SeededRandom random, double bound)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateTruncating(random.NextUniform(-bound, bound));
        }
    }

    internal static void FillNormal<T>(Span<T> values, SeededRandom random, double deviation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateTruncating(random.NextNormal() * deviation);
        }
    }
}
