using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// Resolves a spec's <c>weights</c> file among the additional files, checks it against the topology (every
/// tensor present with the layer's shape, a supported dtype, nothing unexpected) and bakes its values into the
/// model in canonical order. Problems become diagnostics at the spec's <c>weights</c> value.
/// </summary>
internal static class WeightBaker
{
    public static SpecResult Bake(SpecResult spec, ImmutableArray<BinaryFile> files)
    {
        if (spec.Network is null || spec.Weights is null)
        {
            return spec;
        }

        WeightsReference reference = spec.Weights;
        BinaryFile? file = files.FirstOrDefault(f => string.Equals(f.Path, reference.FullPath, StringComparison.Ordinal))
            ?? files.FirstOrDefault(f => string.Equals(f.Path, reference.FullPath, StringComparison.OrdinalIgnoreCase));
        if (file is null)
        {
            return Fail(spec, DiagnosticDescriptors.WeightsNotFound, reference.RelativePath, reference.FullPath);
        }

        try
        {
            Dictionary<string, SafeTensor> tensors = SafeTensorsReader.Read(file.Bytes.ToArray());
            double[] parameters = new double[spec.Network.ParameterCount];
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (LayerModel layer in spec.Network.Layers)
            {
                Copy(tensors, layer.WeightKey, new long[] { layer.Units, layer.FanIn }, parameters, layer.WeightOffset, used);
                if (layer.BiasKey is not null)
                {
                    Copy(tensors, layer.BiasKey, new long[] { layer.Units }, parameters, layer.BiasOffset, used);
                }
            }
            string? unexpected = tensors.Keys.FirstOrDefault(key => !used.Contains(key));
            if (unexpected is not null)
            {
                throw new WeightFileFormatException($"it holds tensor '{unexpected}', which no layer of the network has");
            }
            NetworkModel baked = spec.Network with { Pretrained = new EquatableArray<double>(parameters) };
            List<DiagnosticInfo> warnings = BakedValues.Check(baked, "Weight file '" + reference.RelativePath + "'", spec.FilePath, reference.Span, reference.LineSpan);
            return spec with
            {
                Network = baked,
                Diagnostics = warnings.Count == 0 ? spec.Diagnostics : new EquatableArray<DiagnosticInfo>(spec.Diagnostics.Concat(warnings)),
            };
        }
        catch (WeightFileFormatException exception)
        {
            return Fail(spec, DiagnosticDescriptors.InvalidWeights, reference.RelativePath, spec.Network.ClassName, exception.Message);
        }
    }

    private static void Copy(Dictionary<string, SafeTensor> tensors, string key, long[] shape, double[] parameters, int offset, HashSet<string> used)
    {
        if (!tensors.TryGetValue(key, out SafeTensor? tensor))
        {
            throw new WeightFileFormatException($"tensor '{key}' is missing (expected shape [{string.Join(", ", shape)}])");
        }
        if (!tensor.Shape.SequenceEqual(shape))
        {
            throw new WeightFileFormatException($"tensor '{key}' has shape {tensor.ShapeText}, expected {SafeTensorsReader.FormatShape(shape)}");
        }
        Array.Copy(tensor.Values, 0, parameters, offset, tensor.Values.Length);
        used.Add(key);
    }

    private static SpecResult Fail(SpecResult spec, Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, params string[] arguments)
    {
        WeightsReference reference = spec.Weights!;
        var diagnostic = new DiagnosticInfo(descriptor, spec.FilePath, reference.Span, reference.LineSpan, new EquatableArray<string>(arguments));
        return spec with { Network = null, Diagnostics = new EquatableArray<DiagnosticInfo>(spec.Diagnostics.Concat(new[] { diagnostic })) };
    }
}
