using System.Collections.Generic;

namespace StaticNet.Generator.Tests;

/// <summary>The specs whose generated code is snapshot-tested and compiled.</summary>
internal static class SampleSpecs
{
    /// <summary>2-2-1 sigmoid network for XOR: every layer unrolled into scalar code.</summary>
    public const string Tiny = """
        {
          "name": "XorNet",
          "inputs": 2,
          "layers": [
            { "units": 2, "activation": "sigmoid" },
            { "units": 1, "activation": "sigmoid" }
          ]
        }
        """;

    /// <summary>63-97(tanh)-5(softmax): vectorized layers with a scalar tail (63 inputs), a leftover row block (97 and 5 rows).</summary>
    public const string Wide = """
        {
          "name": "WideNet",
          "inputs": 63,
          "layers": [
            { "units": 97, "activation": "tanh" },
            { "units": 5, "activation": "softmax" }
          ]
        }
        """;

    /// <summary>Six layers, every trainable element-wise activation, alphas given, vectorized and unrolled layers mixed.</summary>
    public const string Deep = """
        {
          "name": "DeepNet",
          "inputs": 20,
          "layers": [
            { "units": 24, "activation": "leaky_relu", "alpha": 0.2 },
            { "units": 10, "activation": "elu", "alpha": 0.5 },
            { "units": 9, "activation": "gelu" },
            { "units": 7, "activation": "silu" },
            { "units": 6, "activation": "softplus" },
            { "units": 40, "activation": "leaky_relu" },
            { "units": 3 }
          ]
        }
        """;

    /// <summary>Double precision, a vectorized and an unrolled softmax layer, cross-entropy.</summary>
    public const string Double = """
        {
          "name": "DoubleNet",
          "precision": "double",
          "inputs": 30,
          "layers": [
            { "units": 20, "activation": "relu" },
            { "units": 3, "activation": "softmax" }
          ],
          "loss": "cross_entropy"
        }
        """;

    /// <summary>Layers without bias, vectorized and unrolled, with an explicit mse loss after a sigmoid.</summary>
    public const string NoBias = """
        {
          "name": "NoBiasNet",
          "inputs": 40,
          "layers": [
            { "units": 10, "activation": "relu", "bias": false },
            { "units": 4, "activation": "tanh", "bias": true, "name": "hidden" },
            { "units": 2, "activation": "sigmoid", "bias": false }
          ],
          "loss": "mse"
        }
        """;

    /// <summary>Iris: labels become the nested Label enum; input names document Predict.</summary>
    public const string Labels = """
        {
          "name": "IrisNet",
          "inputs": 4,
          "inputNames": ["sepal_length", "sepal_width", "petal_length", "petal_width"],
          "layers": [
            { "units": 16, "activation": "relu" },
            { "units": 3, "activation": "softmax", "name": "out" }
          ],
          "labels": ["Iris-setosa", "Iris-versicolor", "Iris-virginica"]
        }
        """;

    /// <summary>A binary classifier: one sigmoid output, two labels.</summary>
    public const string BinaryLabels = """
        {
          "name": "SpamFilter",
          "inputs": 3,
          "layers": [
            { "units": 1, "activation": "sigmoid" }
          ],
          "labels": ["ham", "spam"]
        }
        """;

    /// <summary>The perceptron of the introduction: step activations, inference only.</summary>
    public const string Step = """
        {
          "name": "AndGate",
          "inputs": 2,
          "layers": [
            { "units": 2, "activation": "step" },
            { "units": 1, "activation": "step" }
          ]
        }
        """;

    /// <summary>The spec's namespace overrides the project's RootNamespace; identity output with cross-entropy on logits.</summary>
    public const string Namespace = """
        {
          "$schema": "https://example.invalid/staticnet.schema.json",
          "name": "LogitNet",
          "namespace": "Acme.Vision.Models",
          "inputs": 5,
          "layers": [
            { "type": "dense", "units": 8, "activation": "relu" },
            { "type": "dense", "units": 4 }
          ],
          "loss": "cross_entropy"
        }
        """;

    /// <summary>Input normalization, one kind per input ("none" included), with a vectorized first layer.</summary>
    public const string Normalized = """
        {
          "name": "NormalizedNet",
          "inputs": 3,
          "normalize": ["standard", "none", "min_max"],
          "layers": [
            { "units": 90, "activation": "relu" },
            { "units": 2, "activation": "softmax" }
          ]
        }
        """;

    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        ["Tiny"] = Tiny,
        ["Wide"] = Wide,
        ["Deep"] = Deep,
        ["Double"] = Double,
        ["NoBias"] = NoBias,
        ["Labels"] = Labels,
        ["BinaryLabels"] = BinaryLabels,
        ["Step"] = Step,
        ["Namespace"] = Namespace,
        ["Normalized"] = Normalized,
    };
}
