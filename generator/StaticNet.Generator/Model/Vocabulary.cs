using System;

namespace StaticNet.Generator.Model;

/// <summary>The spec format's names of activations and losses: read by the parser, written in generated documentation.</summary>
internal static class Vocabulary
{
    public static readonly (string Name, ActivationKind Kind)[] Activations =
    {
        ("identity", ActivationKind.Identity),
        ("sigmoid", ActivationKind.Sigmoid),
        ("tanh", ActivationKind.Tanh),
        ("relu", ActivationKind.Relu),
        ("leaky_relu", ActivationKind.LeakyRelu),
        ("elu", ActivationKind.Elu),
        ("gelu", ActivationKind.Gelu),
        ("silu", ActivationKind.Silu),
        ("softplus", ActivationKind.Softplus),
        ("softmax", ActivationKind.Softmax),
        ("step", ActivationKind.Step),
    };

    public static readonly (string Name, LossKind Kind)[] Losses =
    {
        ("mse", LossKind.MeanSquaredError),
        ("cross_entropy", LossKind.CrossEntropy),
        ("binary_cross_entropy", LossKind.BinaryCrossEntropy),
    };

    public static string ActivationName(ActivationKind kind)
    {
        foreach ((string name, ActivationKind value) in Activations)
        {
            if (value == kind)
            {
                return name;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(kind));
    }

    public static string LossName(LossKind kind)
    {
        foreach ((string name, LossKind value) in Losses)
        {
            if (value == kind)
            {
                return name;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(kind));
    }
}
