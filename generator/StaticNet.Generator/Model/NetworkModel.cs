using System;

namespace StaticNet.Generator.Model;

/// <summary>Activation of a dense layer; names and order mirror <c>StaticNet.Activation</c> in the runtime.</summary>
internal enum ActivationKind
{
    Identity,
    Sigmoid,
    Tanh,
    Relu,
    LeakyRelu,
    Elu,
    Gelu,
    Silu,
    Softplus,
    Softmax,
    Step,
}

/// <summary>Training loss; names and order mirror <c>StaticNet.Loss</c> in the runtime.</summary>
internal enum LossKind
{
    MeanSquaredError,
    CrossEntropy,
    BinaryCrossEntropy,
}

/// <summary>Element type of the generated network; mirrors <c>StaticNet.Precision</c>.</summary>
internal enum PrecisionKind
{
    Float,
    Double,
}

/// <summary>One dense layer after validation, with its place in the canonical parameter layout.</summary>
internal sealed record LayerModel(
    int Index,
    int FanIn,
    int Units,
    ActivationKind Activation,
    double Alpha,
    bool HasBias,
    int WeightOffset,
    int BiasOffset,
    string WeightKey,
    string? BiasKey)
{
    public int ParameterCount => Units * FanIn + (HasBias ? Units : 0);
}

/// <summary>
/// A validated network spec: everything the emitter needs and nothing from the compilation, so equal specs
/// give equal models and the pipeline caches them.
/// </summary>
internal sealed record NetworkModel(
    string SpecFileName,
    string? Namespace,
    string ClassName,
    PrecisionKind Precision,
    int InputSize,
    EquatableArray<string> InputNames,
    EquatableArray<LayerModel> Layers,
    EquatableArray<string> Labels,
    EquatableArray<string> LabelMembers,
    LossKind Loss)
{
    /// <summary>Per input: "none", "standard" or "min_max"; empty when the spec asks for no normalization.</summary>
    public EquatableArray<string> Normalization { get; init; } = EquatableArray<string>.Empty;

    /// <summary>The spec's <c>weights</c> file as written, or null.</summary>
    public string? WeightsFile { get; init; }

    /// <summary>Parameters baked in from <see cref="WeightsFile"/> in canonical order, or empty.</summary>
    public EquatableArray<double> Pretrained { get; init; } = EquatableArray<double>.Empty;

    public int OutputSize => Layers[Layers.Count - 1].Units;

    public int ParameterCount
    {
        get
        {
            LayerModel last = Layers[Layers.Count - 1];
            return last.HasBias ? last.BiasOffset + last.Units : last.WeightOffset + last.Units * last.FanIn;
        }
    }

    public bool IsTrainable
    {
        get
        {
            foreach (LayerModel layer in Layers)
            {
                if (layer.Activation == ActivationKind.Step)
                {
                    return false;
                }
            }
            return true;
        }
    }

    public string FullName => Namespace is null ? ClassName : Namespace + "." + ClassName;
}
