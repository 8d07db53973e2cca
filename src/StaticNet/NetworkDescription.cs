using System;
using System.Collections.Generic;

namespace StaticNet;

/// <summary>Activation functions a dense layer can apply (the spec's <c>activation</c> field).</summary>
public enum Activation
{
    /// <summary>f(x) = x.</summary>
    Identity,
    /// <summary>1 / (1 + e^-x).</summary>
    Sigmoid,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>max(0, x).</summary>
    Relu,
    /// <summary>x if x &gt; 0, else alpha * x.</summary>
    LeakyRelu,
    /// <summary>x if x &gt; 0, else alpha * (e^x - 1).</summary>
    Elu,
    /// <summary>x * Phi(x), the exact (erf) form.</summary>
    Gelu,
    /// <summary>x * sigmoid(x).</summary>
    Silu,
    /// <summary>log(1 + e^x).</summary>
    Softplus,
    /// <summary>e^x_i / sum_j e^x_j over the layer (last layer only).</summary>
    Softmax,
    /// <summary>Heaviside: 1 if x &gt; 0, else 0. Inference only.</summary>
    Step,
}

/// <summary>Training losses (the spec's <c>loss</c> field).</summary>
public enum Loss
{
    /// <summary>Mean squared error, averaged over the outputs.</summary>
    MeanSquaredError,
    /// <summary>Cross-entropy of a softmax output, or of identity outputs treated as logits.</summary>
    CrossEntropy,
    /// <summary>Binary cross-entropy of sigmoid outputs, averaged over the outputs.</summary>
    BinaryCrossEntropy,
}

/// <summary>How one input is normalized inside a network (the spec's <c>normalize</c> field).</summary>
public enum NormalizationKind
{
    /// <summary>Passed through unchanged.</summary>
    None,
    /// <summary>(x - mean) / standard deviation, fitted on training data.</summary>
    Standard,
    /// <summary>(x - min) / (max - min), fitted on training data.</summary>
    MinMax,
}

/// <summary>Element type of a network's parameters and activations.</summary>
public enum Precision
{
    /// <summary>32-bit IEEE floats.</summary>
    Float,
    /// <summary>64-bit IEEE floats.</summary>
    Double,
}

/// <summary>One dense layer: <c>y = activation(W x + b)</c>.</summary>
/// <param name="Index">Position of the layer in the spec, from 0.</param>
/// <param name="FanIn">Input width of the layer.</param>
/// <param name="Units">Output width of the layer.</param>
/// <param name="Activation">Activation applied to <c>W x + b</c>.</param>
/// <param name="Alpha">Slope (leaky_relu) or scale (elu); 0 for other activations.</param>
/// <param name="HasBias">Whether the layer has a bias vector.</param>
/// <param name="WeightOffset">Offset of the weight matrix in the canonical parameter array.</param>
/// <param name="BiasOffset">Offset of the bias in the canonical parameter array, or -1.</param>
/// <param name="WeightKey">Tensor name of the weight in weight files (<c>0.weight</c> or <c>name.weight</c>).</param>
/// <param name="BiasKey">Tensor name of the bias in weight files, or null.</param>
public sealed record LayerDescription(
    int Index,
    int FanIn,
    int Units,
    Activation Activation,
    double Alpha,
    bool HasBias,
    int WeightOffset,
    int BiasOffset,
    string WeightKey,
    string? BiasKey)
{
    /// <summary>Number of weights, <c>Units * FanIn</c>.</summary>
    public int WeightCount => Units * FanIn;

    /// <summary>Number of parameters of this layer.</summary>
    public int ParameterCount => WeightCount + (HasBias ? Units : 0);
}

/// <summary>The topology of a generated network, as its spec described it.</summary>
/// <param name="Name">Class name.</param>
/// <param name="Precision">Element type.</param>
/// <param name="InputSize">Input width.</param>
/// <param name="Layers">Dense layers in order.</param>
/// <param name="Loss">Training loss.</param>
/// <param name="Labels">Class labels, one per output (or two for a single sigmoid output), or empty.</param>
/// <param name="InputNames">Names of the inputs, or empty.</param>
/// <param name="TopologyHash">Hex digest of the topology; weight files record it.</param>
public sealed record NetworkDescription(
    string Name,
    Precision Precision,
    int InputSize,
    IReadOnlyList<LayerDescription> Layers,
    Loss Loss,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> InputNames,
    string TopologyHash)
{
    /// <summary>
    /// How each input is normalized inside the network before the first layer (one entry per input), or null
    /// when the spec asks for no normalization. See <see cref="InputNormalization"/>.
    /// </summary>
    public IReadOnlyList<NormalizationKind>? Normalization { get; init; }

    /// <summary>Output width (units of the last layer).</summary>
    public int OutputSize => Layers[Layers.Count - 1].Units;

    /// <summary>Total number of parameters.</summary>
    public int ParameterCount
    {
        get
        {
            int count = 0;
            foreach (LayerDescription layer in Layers)
            {
                count += layer.ParameterCount;
            }
            return count;
        }
    }

    /// <summary>Whether some layer uses <see cref="Activation.Step"/>, which has no useful gradient.</summary>
    public bool IsInferenceOnly
    {
        get
        {
            foreach (LayerDescription layer in Layers)
            {
                if (layer.Activation == Activation.Step)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
