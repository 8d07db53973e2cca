using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis.Text;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// Checks baked parameters (from a weight file or an ONNX graph) for values the network cannot compute with:
/// NaN, infinities, and doubles too large for a float network (they would become infinities). One warning per
/// tensor, naming it and its first bad element.
/// </summary>
internal static class BakedValues
{
    public static List<DiagnosticInfo> Check(NetworkModel network, string source, string filePath, TextSpan span, LinePositionSpan lineSpan)
    {
        var warnings = new List<DiagnosticInfo>();
        if (network.Pretrained.Count != network.ParameterCount)
        {
            return warnings;
        }
        bool isFloat = network.Precision == PrecisionKind.Float;
        foreach (LayerModel layer in network.Layers)
        {
            Check(network, layer.WeightKey, layer.WeightOffset, layer.Units, layer.FanIn, isFloat, source, filePath, span, lineSpan, warnings);
            if (layer.BiasKey is not null)
            {
                Check(network, layer.BiasKey, layer.BiasOffset, layer.Units, 0, isFloat, source, filePath, span, lineSpan, warnings);
            }
        }
        return warnings;
    }

    private static void Check(NetworkModel network, string key, int offset, int rows, int columns, bool isFloat, string source,
        string filePath, TextSpan span, LinePositionSpan lineSpan, List<DiagnosticInfo> warnings)
    {
        int count = columns == 0 ? rows : rows * columns;
        for (int i = 0; i < count; i++)
        {
            double value = network.Pretrained[offset + i];
            bool nonFinite = double.IsNaN(value) || double.IsInfinity(value);
            if (!nonFinite && !(isFloat && (value > float.MaxValue || value < -float.MaxValue)))
            {
                continue;
            }
            string index = columns == 0
                ? "[" + i.ToString(CultureInfo.InvariantCulture) + "]"
                : "[" + (i / columns).ToString(CultureInfo.InvariantCulture) + ", " + (i % columns).ToString(CultureInfo.InvariantCulture) + "]";
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            string what = nonFinite ? text : text + " (too large for float)";
            warnings.Add(new DiagnosticInfo(DiagnosticDescriptors.NonFiniteWeight, filePath, span, lineSpan,
                new EquatableArray<string>(new[] { source, key, what, index })));
            return;
        }
    }
}
