using System;
using System.Numerics;

namespace StaticNet;

/// <summary>Which fan of a weight matrix Kaiming initialization scales by (torch's <c>mode</c>).</summary>
public enum FanMode
{
    /// <summary>The layer's input width (<c>fan_in</c>): preserves the variance of the activations in the forward pass.</summary>
    FanIn,
    /// <summary>The layer's output width, its units (<c>fan_out</c>): preserves the variance of the gradients in the backward pass.</summary>
    FanOut,
}

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

    /// <summary>
    /// Xavier (Glorot) uniform initialization of every layer, as <c>torch.nn.init.xavier_uniform_</c> on each
    /// weight: uniform in <c>±gain * sqrt(6 / (fanIn + fanOut))</c>, where <c>fanOut</c> is the layer's units.
    /// Biases are set to zero (PyTorch leaves them to the caller; zero is the usual choice with this scheme).
    /// Weights are drawn layer by layer in canonical order from one <see cref="SeededRandom"/>(<paramref name="seed"/>).
    /// </summary>
    /// <param name="parameters">The network's parameters in canonical order (<c>network.Parameters</c>).</param>
    /// <param name="network">The network's description, which gives the layer shapes.</param>
    /// <param name="seed">Seed of the random sequence.</param>
    /// <param name="gain">Scale factor, at least 0; see <see cref="CalculateGain"/>.</param>
    public static void XavierUniform<T>(Span<T> parameters, NetworkDescription network, int seed, double gain = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLength(parameters, network);
        CheckGain(gain);
        var random = new SeededRandom(seed);
        foreach (LayerDescription layer in network.Layers)
        {
            XavierUniform(parameters, layer, random, gain);
        }
    }

    /// <summary>
    /// Xavier (Glorot) uniform initialization of one layer: its weight uniform in
    /// <c>±gain * sqrt(6 / (fanIn + units))</c> (<c>torch.nn.init.xavier_uniform_</c>), its bias zero.
    /// </summary>
    /// <param name="parameters">The whole network's parameters in canonical order; only this layer's part is written.</param>
    /// <param name="layer">The layer, whose offsets locate its weight and bias in <paramref name="parameters"/>.</param>
    /// <param name="random">Source of the random numbers; one draw per weight.</param>
    /// <param name="gain">Scale factor, at least 0; see <see cref="CalculateGain"/>.</param>
    public static void XavierUniform<T>(Span<T> parameters, LayerDescription layer, SeededRandom random, double gain = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLayer(parameters, layer, random);
        CheckGain(gain);
        double deviation = gain * Math.Sqrt(2.0 / (layer.FanIn + layer.Units));
        FillUniform(parameters.Slice(layer.WeightOffset, layer.WeightCount), random, Math.Sqrt(3.0) * deviation);
        ClearBias(parameters, layer);
    }

    /// <summary>
    /// Xavier (Glorot) normal initialization of every layer, as <c>torch.nn.init.xavier_normal_</c> on each
    /// weight: normal with mean 0 and deviation <c>gain * sqrt(2 / (fanIn + fanOut))</c>, where <c>fanOut</c>
    /// is the layer's units. Biases are set to zero. Weights are drawn layer by layer in canonical order from
    /// one <see cref="SeededRandom"/>(<paramref name="seed"/>).
    /// </summary>
    /// <param name="parameters">The network's parameters in canonical order (<c>network.Parameters</c>).</param>
    /// <param name="network">The network's description, which gives the layer shapes.</param>
    /// <param name="seed">Seed of the random sequence.</param>
    /// <param name="gain">Scale factor, at least 0; see <see cref="CalculateGain"/>.</param>
    public static void XavierNormal<T>(Span<T> parameters, NetworkDescription network, int seed, double gain = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLength(parameters, network);
        CheckGain(gain);
        var random = new SeededRandom(seed);
        foreach (LayerDescription layer in network.Layers)
        {
            XavierNormal(parameters, layer, random, gain);
        }
    }

    /// <summary>
    /// Xavier (Glorot) normal initialization of one layer: its weight normal with deviation
    /// <c>gain * sqrt(2 / (fanIn + units))</c> (<c>torch.nn.init.xavier_normal_</c>), its bias zero.
    /// </summary>
    /// <param name="parameters">The whole network's parameters in canonical order; only this layer's part is written.</param>
    /// <param name="layer">The layer, whose offsets locate its weight and bias in <paramref name="parameters"/>.</param>
    /// <param name="random">Source of the random numbers.</param>
    /// <param name="gain">Scale factor, at least 0; see <see cref="CalculateGain"/>.</param>
    public static void XavierNormal<T>(Span<T> parameters, LayerDescription layer, SeededRandom random, double gain = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLayer(parameters, layer, random);
        CheckGain(gain);
        double deviation = gain * Math.Sqrt(2.0 / (layer.FanIn + layer.Units));
        FillNormal(parameters.Slice(layer.WeightOffset, layer.WeightCount), random, deviation);
        ClearBias(parameters, layer);
    }

    /// <summary>
    /// Kaiming (He) uniform initialization of every layer, as <c>torch.nn.init.kaiming_uniform_(w, a, mode)</c>
    /// with its default <c>nonlinearity="leaky_relu"</c>: uniform in <c>±sqrt(3) * gain / sqrt(fan)</c> with
    /// <c>gain = sqrt(2 / (1 + negativeSlope²))</c>, which is <c>sqrt(2)</c>, ReLU's gain, for the default slope 0.
    /// Biases are set to zero. Weights are drawn layer by layer in canonical order from one
    /// <see cref="SeededRandom"/>(<paramref name="seed"/>).
    /// </summary>
    /// <param name="parameters">The network's parameters in canonical order (<c>network.Parameters</c>).</param>
    /// <param name="network">The network's description, which gives the layer shapes.</param>
    /// <param name="seed">Seed of the random sequence.</param>
    /// <param name="negativeSlope">Negative slope of the leaky ReLU that follows (torch's <c>a</c>); 0 for ReLU.</param>
    /// <param name="mode">Scale by the input width (default) or the output width of each layer.</param>
    public static void KaimingUniform<T>(Span<T> parameters, NetworkDescription network, int seed, double negativeSlope = 0, FanMode mode = FanMode.FanIn)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLength(parameters, network);
        CheckKaiming(negativeSlope, mode);
        var random = new SeededRandom(seed);
        foreach (LayerDescription layer in network.Layers)
        {
            KaimingUniform(parameters, layer, random, negativeSlope, mode);
        }
    }

    /// <summary>
    /// Kaiming (He) uniform initialization of one layer: its weight uniform in <c>±sqrt(3) * gain / sqrt(fan)</c>
    /// with <c>gain = sqrt(2 / (1 + negativeSlope²))</c> (<c>torch.nn.init.kaiming_uniform_</c>), its bias zero.
    /// </summary>
    /// <param name="parameters">The whole network's parameters in canonical order; only this layer's part is written.</param>
    /// <param name="layer">The layer, whose offsets locate its weight and bias in <paramref name="parameters"/>.</param>
    /// <param name="random">Source of the random numbers; one draw per weight.</param>
    /// <param name="negativeSlope">Negative slope of the leaky ReLU that follows (torch's <c>a</c>); 0 for ReLU.</param>
    /// <param name="mode">Scale by the input width (default) or the output width of the layer.</param>
    public static void KaimingUniform<T>(Span<T> parameters, LayerDescription layer, SeededRandom random, double negativeSlope = 0, FanMode mode = FanMode.FanIn)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLayer(parameters, layer, random);
        CheckKaiming(negativeSlope, mode);
        double deviation = KaimingDeviation(layer, negativeSlope, mode);
        FillUniform(parameters.Slice(layer.WeightOffset, layer.WeightCount), random, Math.Sqrt(3.0) * deviation);
        ClearBias(parameters, layer);
    }

    /// <summary>
    /// Kaiming (He) normal initialization of every layer, as <c>torch.nn.init.kaiming_normal_(w, a, mode)</c>
    /// with its default <c>nonlinearity="leaky_relu"</c>: normal with mean 0 and deviation <c>gain / sqrt(fan)</c>,
    /// <c>gain = sqrt(2 / (1 + negativeSlope²))</c> (<c>sqrt(2)</c> for the default slope 0, as for ReLU).
    /// Biases are set to zero. Weights are drawn layer by layer in canonical order from one
    /// <see cref="SeededRandom"/>(<paramref name="seed"/>).
    /// </summary>
    /// <param name="parameters">The network's parameters in canonical order (<c>network.Parameters</c>).</param>
    /// <param name="network">The network's description, which gives the layer shapes.</param>
    /// <param name="seed">Seed of the random sequence.</param>
    /// <param name="negativeSlope">Negative slope of the leaky ReLU that follows (torch's <c>a</c>); 0 for ReLU.</param>
    /// <param name="mode">Scale by the input width (default) or the output width of each layer.</param>
    public static void KaimingNormal<T>(Span<T> parameters, NetworkDescription network, int seed, double negativeSlope = 0, FanMode mode = FanMode.FanIn)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLength(parameters, network);
        CheckKaiming(negativeSlope, mode);
        var random = new SeededRandom(seed);
        foreach (LayerDescription layer in network.Layers)
        {
            KaimingNormal(parameters, layer, random, negativeSlope, mode);
        }
    }

    /// <summary>
    /// Kaiming (He) normal initialization of one layer: its weight normal with deviation <c>gain / sqrt(fan)</c>,
    /// <c>gain = sqrt(2 / (1 + negativeSlope²))</c> (<c>torch.nn.init.kaiming_normal_</c>), its bias zero.
    /// </summary>
    /// <param name="parameters">The whole network's parameters in canonical order; only this layer's part is written.</param>
    /// <param name="layer">The layer, whose offsets locate its weight and bias in <paramref name="parameters"/>.</param>
    /// <param name="random">Source of the random numbers.</param>
    /// <param name="negativeSlope">Negative slope of the leaky ReLU that follows (torch's <c>a</c>); 0 for ReLU.</param>
    /// <param name="mode">Scale by the input width (default) or the output width of the layer.</param>
    public static void KaimingNormal<T>(Span<T> parameters, LayerDescription layer, SeededRandom random, double negativeSlope = 0, FanMode mode = FanMode.FanIn)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLayer(parameters, layer, random);
        CheckKaiming(negativeSlope, mode);
        FillNormal(parameters.Slice(layer.WeightOffset, layer.WeightCount), random, KaimingDeviation(layer, negativeSlope, mode));
        ClearBias(parameters, layer);
    }

    /// <summary>
    /// The gain <c>torch.nn.init.calculate_gain</c> recommends for an activation: 1 for identity and sigmoid,
    /// 5/3 for tanh, <c>sqrt(2)</c> for ReLU, <c>sqrt(2 / (1 + slope²))</c> for leaky ReLU (slope
    /// <paramref name="parameter"/>, default 0.01 as in PyTorch).
    /// </summary>
    /// <param name="activation">The activation that follows the layer.</param>
    /// <param name="parameter">The leaky ReLU's negative slope; ignored for the others.</param>
    /// <exception cref="ArgumentException">PyTorch recommends no gain for <paramref name="activation"/> (elu, gelu, silu, softplus, softmax, step).</exception>
    public static double CalculateGain(Activation activation, double? parameter = null) => activation switch
    {
        Activation.Identity or Activation.Sigmoid => 1.0,
        Activation.Tanh => 5.0 / 3,
        Activation.Relu => Math.Sqrt(2.0),
        Activation.LeakyRelu => Math.Sqrt(2.0 / (1 + (parameter ?? 0.01) * (parameter ?? 0.01))),
        _ => throw new ArgumentException($"torch.nn.init.calculate_gain has no recommended gain for {activation}.", nameof(activation)),
    };

    private static double KaimingDeviation(LayerDescription layer, double negativeSlope, FanMode mode)
    {
        int fan = mode == FanMode.FanIn ? layer.FanIn : layer.Units;
        double gain = Math.Sqrt(2.0 / (1 + negativeSlope * negativeSlope));
        return gain / Math.Sqrt(fan);
    }

    private static void CheckGain(double gain)
    {
        if (!(gain >= 0) || double.IsInfinity(gain))
        {
            throw new ArgumentOutOfRangeException(nameof(gain), gain, "The gain must be a finite number, at least 0.");
        }
    }

    private static void CheckKaiming(double negativeSlope, FanMode mode)
    {
        if (!double.IsFinite(negativeSlope))
        {
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, "The negative slope must be a finite number.");
        }
        if (mode is not (FanMode.FanIn or FanMode.FanOut))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown fan mode.");
        }
    }

    private static void CheckLayer<T>(Span<T> parameters, LayerDescription layer, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(random);
        int end = layer.HasBias ? layer.BiasOffset + layer.Units : layer.WeightOffset + layer.WeightCount;
        if (layer.WeightOffset < 0 || (layer.HasBias && layer.BiasOffset < 0) || end > parameters.Length)
        {
            throw new ArgumentException(
                $"The parameter span has {parameters.Length} elements, but layer {layer.Index} lies at [{layer.WeightOffset}, {end}); pass the whole network's parameters.",
                nameof(parameters));
        }
    }

    private static void ClearBias<T>(Span<T> parameters, LayerDescription layer)
    {
        if (layer.HasBias)
        {
            parameters.Slice(layer.BiasOffset, layer.Units).Clear();
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
