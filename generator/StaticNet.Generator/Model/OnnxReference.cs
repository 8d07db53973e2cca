using Microsoft.CodeAnalysis.Text;

namespace StaticNet.Generator.Model;

/// <summary>
/// A spec's <c>onnx</c> field: the file it names (resolved against the spec's folder), where it says so, and the
/// spec's text and default namespace, so the spec can be parsed again once the graph gives its topology.
/// </summary>
internal sealed record OnnxReference(string RelativePath, string FullPath, TextSpan Span, LinePositionSpan LineSpan, string SpecText, string? DefaultNamespace);
