using System.Collections.Generic;

namespace StaticNet.Onnx;

/// <summary>Optional settings of <see cref="OnnxExport.ExportOnnx{T}(INetwork{T}, string, OnnxExportOptions?)"/>.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>Name of the graph input <c>[batch, InputSize]</c>. Default <c>"input"</c>.</summary>
    public string InputName { get; init; } = "input";

    /// <summary>Name of the graph output <c>[batch, OutputSize]</c>. Default <c>"output"</c>.</summary>
    public string OutputName { get; init; } = "output";

    /// <summary>Symbolic name (<c>dim_param</c>) of the dynamic batch dimension. Default <c>"batch"</c>.</summary>
    public string BatchDimensionName { get; init; } = "batch";

    /// <summary>Name of the graph. Default: the network's class name.</summary>
    public string? GraphName { get; init; }

    /// <summary>The model's <c>doc_string</c>. Default: a one-line summary of the topology.</summary>
    public string? DocString { get; init; }

    /// <summary>The model's <c>model_version</c>. Default 0 (unset).</summary>
    public long ModelVersion { get; init; }

    /// <summary>
    /// Extra <c>metadata_props</c> entries, written after the ones StaticNet writes
    /// (<c>staticnet.name</c>, <c>staticnet.topology_hash</c>, <c>staticnet.precision</c>, <c>staticnet.loss</c>,
    /// <c>labels</c>, <c>input_names</c>). A key StaticNet already wrote is rejected.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
