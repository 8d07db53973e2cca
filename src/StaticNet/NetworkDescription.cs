using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

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
/// <param name="TopologyHash">
/// Hex digest of the topology; weight files record it. Generated networks carry the one the generator computed;
/// <see cref="ComputeTopologyHash"/> computes the same, and the constructor without this parameter uses it.
/// </param>
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
    /// <summary>Describes a network whose <see cref="TopologyHash"/> is computed from its input width and layers.</summary>
    /// <param name="Name">Class name.</param>
    /// <param name="Precision">Element type.</param>
    /// <param name="InputSize">Input width.</param>
    /// <param name="Layers">Dense layers in order.</param>
    /// <param name="Loss">Training loss.</param>
    /// <param name="Labels">Class labels, one per output (or two for a single sigmoid output), or empty.</param>
    /// <param name="InputNames">Names of the inputs, or empty.</param>
    public NetworkDescription(
        string Name,
        Precision Precision,
        int InputSize,
        IReadOnlyList<LayerDescription> Layers,
        Loss Loss,
        IReadOnlyList<string> Labels,
        IReadOnlyList<string> InputNames)
        : this(Name, Precision, InputSize, Layers, Loss, Labels, InputNames, ComputeTopologyHash(InputSize, Layers))
    {
    }

    /// <summary>
    /// The topology hash of a network with <paramref name="inputSize"/> inputs and <paramref name="layers"/>, as the
    /// generator computes it for generated networks (so a description built at run time gets the hash a generated
    /// network of the same topology has): FNV-1a (64 bits) over the UTF-16 code units of
    /// <c>staticnet/1;inputs=N</c> followed, per layer, by <c>;dense(units,activation,alpha,bias|nobias)</c>, where
    /// the activation is the spec's name (<c>leaky_relu</c>, ...) and alpha is formatted round-trip ("R"), as 16
    /// lower-case hex digits. Layer names, labels, the loss, the precision and input normalization do not enter it.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> or one of its layers is null.</exception>
    public static string ComputeTopologyHash(int inputSize, IReadOnlyList<LayerDescription> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var text = new StringBuilder();
        text.Append("staticnet/1;inputs=").Append(inputSize.ToString(CultureInfo.InvariantCulture));
        foreach (LayerDescription layer in layers)
        {
            ArgumentNullException.ThrowIfNull(layer, nameof(layers));
            text.Append(";dense(").Append(layer.Units.ToString(CultureInfo.InvariantCulture)).Append(',').Append(SpecName(layer.Activation))
                .Append(',').Append(layer.Alpha.ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(layer.HasBias ? "bias" : "nobias").Append(')');
        }
        ulong hash = 14695981039346656037UL;
        foreach (ReadOnlyMemory<char> chunk in text.GetChunks())
        {
            foreach (char c in chunk.Span)
            {
                hash = unchecked((hash ^ c) * 1099511628211UL);
            }
        }
        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    /// <summary>The spec's name of an activation (<c>leaky_relu</c>, ...).</summary>
    internal static string SpecName(Activation activation) => activation switch
    {
        Activation.Identity => "identity",
        Activation.Sigmoid => "sigmoid",
        Activation.Tanh => "tanh",
        Activation.Relu => "relu",
        Activation.LeakyRelu => "leaky_relu",
        Activation.Elu => "elu",
        Activation.Gelu => "gelu",
        Activation.Silu => "silu",
        Activation.Softplus => "softplus",
        Activation.Softmax => "softmax",
        Activation.Step => "step",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not an activation."),
    };

    /// <summary>The spec's name of a loss (<c>cross_entropy</c>, ...).</summary>
    internal static string SpecName(Loss loss) => loss switch
    {
        Loss.MeanSquaredError => "mse",
        Loss.CrossEntropy => "cross_entropy",
        Loss.BinaryCrossEntropy => "binary_cross_entropy",
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "Not a loss."),
    };

    /// <summary>
    /// A summary of the network in the manner of Keras' <c>summary()</c>: one row per layer with its weight-file
    /// name, output shape, activation and parameter count, then the totals, the loss and the labels.
    /// </summary>
    /// <example>
    /// <code>
    /// IrisClassifier (float): 4 inputs, loss cross_entropy
    /// Layer         Output shape   Activation      Param #
    /// ====================================================
    /// input         (batch, 4)
    /// 0 (Dense)     (batch, 16)    relu                 80
    /// 2 (Dense)     (batch, 3)     softmax              51
    /// ====================================================
    /// Total params: 131 (524 B)
    /// Labels: setosa, versicolor, virginica
    /// </code>
    /// </example>
    public override string ToString()
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        int elementSize = Precision == Precision.Double ? 8 : 4;
        var rows = new List<string[]> { new[] { "input", $"(batch, {InputSize.ToString(c)})", Normalization is null ? "" : "normalized", "" } };
        long total = 0;
        foreach (LayerDescription layer in Layers)
        {
            string name = layer.WeightKey.EndsWith(".weight", StringComparison.Ordinal) ? layer.WeightKey[..^".weight".Length] : layer.WeightKey;
            string activation = SpecName(layer.Activation);
            if (layer.Activation is Activation.LeakyRelu or Activation.Elu)
            {
                activation += "(" + layer.Alpha.ToString("R", c) + ")";
            }
            string bias = layer.HasBias ? "" : ", no bias";
            rows.Add(new[] { $"{name} (Dense{bias})", $"(batch, {layer.Units.ToString(c)})", activation, layer.ParameterCount.ToString("N0", c) });
            total += layer.ParameterCount;
        }

        string[] headers = { "Layer", "Output shape", "Activation", "Param #" };
        var widths = new int[headers.Length];
        for (int column = 0; column < headers.Length; column++)
        {
            widths[column] = headers[column].Length;
            foreach (string[] row in rows)
            {
                widths[column] = Math.Max(widths[column], row[column].Length);
            }
        }
        int lineWidth = widths[0] + widths[1] + widths[2] + widths[3] + 6;

        var text = new StringBuilder();
        text.Append(c, $"{Name} ({(Precision == Precision.Double ? "double" : "float")}): {InputSize} input{(InputSize == 1 ? "" : "s")}, loss {SpecName(Loss)}").Append('\n');
        AppendRow(text, headers, widths);
        text.Append('=', lineWidth).Append('\n');
        foreach (string[] row in rows)
        {
            AppendRow(text, row, widths);
        }
        text.Append('=', lineWidth).Append('\n');
        text.Append(c, $"Total params: {total:N0} ({FormatBytes(total * elementSize)})");
        if (Labels.Count > 0)
        {
            text.Append('\n').Append("Labels: ").AppendJoin(", ", Labels);
        }
        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        line.Append(cells[0].PadRight(widths[0])).Append("  ")
            .Append(cells[1].PadRight(widths[1])).Append("  ")
            .Append(cells[2].PadRight(widths[2])).Append("  ")
            .Append(cells[3].PadLeft(widths[3]));
        text.Append(line.ToString().TrimEnd()).Append('\n');
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):F1} MB"),
    };
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
