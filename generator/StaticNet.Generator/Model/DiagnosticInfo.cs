using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using StaticNet.Generator.Diagnostics;

namespace StaticNet.Generator.Model;

/// <summary>
/// A diagnostic as plain data (descriptor id, arguments, file position), so it can live in a cached pipeline
/// model; <see cref="ToDiagnostic"/> turns it into a Roslyn diagnostic at the very end.
/// </summary>
internal sealed record DiagnosticInfo(
    DiagnosticDescriptor Descriptor,
    string FilePath,
    TextSpan Span,
    LinePositionSpan LineSpan,
    EquatableArray<string> Arguments)
{
    /// <summary>The message arguments, each bounded (<see cref="MessageText"/>): user text may be megabytes long.</summary>
    public EquatableArray<string> Arguments { get; init; } = MessageText.Bound(Arguments);

    public Diagnostic ToDiagnostic()
    {
        object[] arguments = new object[Arguments.Count];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = Arguments[i];
        }
        return Diagnostic.Create(Descriptor, Location.Create(FilePath, Span, LineSpan), arguments);
    }
}

/// <summary>The outcome of parsing one spec file: a model when it is valid, and its diagnostics.</summary>
internal sealed record SpecResult(NetworkModel? Network, EquatableArray<DiagnosticInfo> Diagnostics, string FilePath, TextSpan NameSpan, LinePositionSpan NameLineSpan)
{
    /// <summary>Where the spec names a weight file to bake in, or null.</summary>
    public WeightsReference? Weights { get; init; }

    /// <summary>Where the spec names an ONNX file to import its topology and weights from, or null.</summary>
    public OnnxReference? Onnx { get; init; }
}

/// <summary>A spec's <c>weights</c> field: the file it names (resolved against the spec's folder) and where it says so.</summary>
internal sealed record WeightsReference(string RelativePath, string FullPath, TextSpan Span, LinePositionSpan LineSpan);

/// <summary>The bytes of a binary additional file (a weight file), compared by content.</summary>
internal sealed record BinaryFile(string Path, EquatableArray<byte> Bytes);
