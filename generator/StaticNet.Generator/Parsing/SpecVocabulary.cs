using System;
using System.Collections.Generic;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Parsing;

/// <summary>The words of the spec format: field names, activation and loss names, and their limits.</summary>
internal static class SpecVocabulary
{
    public const int MaxWidth = 1 << 20;
    public const int MaxLayers = 256;
    public const long MaxParameters = 1L << 28;

    public static readonly string[] RootFields =
        { "$schema", "name", "namespace", "precision", "inputs", "inputNames", "layers", "labels", "loss", "weights", "normalize", "onnx" };

    public static readonly string[] NormalizationKinds = { "none", "standard", "min_max" };

    public static readonly string[] LayerFields = { "type", "units", "activation", "bias", "name", "alpha" };

    public static readonly string[] LayerTypes = { "dense" };

    public static readonly string[] Precisions = { "float", "double" };

    public static readonly (string Name, ActivationKind Kind)[] Activations = Vocabulary.Activations;

    public static readonly (string Name, LossKind Kind)[] Losses = Vocabulary.Losses;

    /// <summary>
    /// Members of the generated class, public and private; a network may not take these names (CS0542). The
    /// per-layer offset constants <c>Layer{i}Weights</c> and <c>Layer{i}Bias</c> are checked by <see cref="IsGeneratedMemberName"/>.
    /// </summary>
    public static readonly HashSet<string> GeneratedMemberNames = new(StringComparer.Ordinal)
    {
        "Label", "InputSize", "OutputSize", "ParameterCount", "Description", "Parameters", "Predict",
        "PredictBatch", "Classify", "AccumulateGradient", "Save", "Load", "IsTrainable",
        "Forward", "Backpropagate", "_parameters", "Pretrained", "PretrainedParameters",
        "NormalizationParameters", "FitNormalization", "_normalization", "ForwardTile", "BackpropagateTile",
        "TileWidth", "TrySgdStep", "AccumulateGradientBatch", "Fma",
    };

    public static bool IsGeneratedMemberName(string name)
    {
        if (GeneratedMemberNames.Contains(name))
        {
            return true;
        }
        if (name.Length > 5 && name.StartsWith("Layer", StringComparison.Ordinal) && IsDigits(name, 5))
        {
            // The nested structs that carry each layer's sizes and offsets as a type.
            return true;
        }
        string? rest = name.EndsWith("Weights", StringComparison.Ordinal) ? name.Substring(0, name.Length - 7)
            : name.EndsWith("Bias", StringComparison.Ordinal) ? name.Substring(0, name.Length - 4)
            : null;
        if (rest is null || !rest.StartsWith("Layer", StringComparison.Ordinal) || rest.Length == 5)
        {
            return false;
        }
        for (int i = 5; i < rest.Length; i++)
        {
            if (rest[i] < '0' || rest[i] > '9')
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsDigits(string text, int start)
    {
        for (int i = start; i < text.Length; i++)
        {
            if (text[i] < '0' || text[i] > '9')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>C# warns about type names made only of lowercase ASCII letters (CS8981; CS8860 for "record").</summary>
    public static bool IsReservedTypeName(string name)
    {
        foreach (char c in name)
        {
            if (c < 'a' || c > 'z')
            {
                return false;
            }
        }
        return true;
    }

    public static string ActivationName(ActivationKind kind) => Vocabulary.ActivationName(kind);

    public static string LossName(LossKind kind) => Vocabulary.LossName(kind);

    public static double DefaultAlpha(ActivationKind kind) => kind switch
    {
        ActivationKind.LeakyRelu => 0.01,
        ActivationKind.Elu => 1.0,
        _ => 0.0,
    };

    /// <summary>" (did you mean 'x'?)" for the closest candidate within a small edit distance, else "".</summary>
    public static string Suggestion(string value, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        int limit = Math.Max(2, value.Length / 3);
        string lower = value.ToLowerInvariant();
        foreach (string candidate in candidates)
        {
            // The distance is at least the difference in length: a name far longer than every candidate (a
            // megabyte of text) gets no suggestion without an O(n * m) search.
            if (Math.Abs(value.Length - candidate.Length) > limit)
            {
                continue;
            }
            int distance = EditDistance(lower, candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best is not null && bestDistance <= limit ? $" (did you mean '{best}'?)" : "";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
