using Microsoft.CodeAnalysis;

namespace StaticNet.Generator.Diagnostics;

/// <summary>Every diagnostic the StaticNet generator reports. Ids are stable; the README lists them.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "StaticNet";

    public static readonly DiagnosticDescriptor MalformedJson = Error(
        "SN0001", "Malformed JSON", "The spec is not valid JSON: {0}");

    public static readonly DiagnosticDescriptor UnknownField = Error(
        "SN0002", "Unknown field", "Unknown field '{0}' in {1}{2}; allowed fields are: {3}");

    public static readonly DiagnosticDescriptor MissingField = Error(
        "SN0003", "Missing required field", "Missing required field '{0}' in {1}");

    public static readonly DiagnosticDescriptor WrongType = Error(
        "SN0004", "Wrong type", "'{0}' must be {1}, but is {2}");

    public static readonly DiagnosticDescriptor OutOfRange = Error(
        "SN0005", "Value out of range", "'{0}' must be between {1} and {2}, but is {3}");

    public static readonly DiagnosticDescriptor InvalidIdentifier = Error(
        "SN0006", "Invalid C# identifier", "{0} '{1}' does not give a valid C# identifier{2}");

    public static readonly DiagnosticDescriptor CountMismatch = Error(
        "SN0007", "Wrong number of entries", "'{0}' has {1} entries, but {2}");

    public static readonly DiagnosticDescriptor SoftmaxNotLast = Error(
        "SN0008", "Softmax before the last layer", "'softmax' is only allowed on the last layer, but layer {0} of {1} uses it");

    public static readonly DiagnosticDescriptor UnknownActivation = Error(
        "SN0009", "Unknown activation", "Unknown activation '{0}'{1}; valid activations are: {2}");

    public static readonly DiagnosticDescriptor UnknownValue = Error(
        "SN0010", "Unknown value", "Unknown {0} '{1}'{2}; expected one of: {3}");

    public static readonly DiagnosticDescriptor IncompatibleLoss = Error(
        "SN0011", "Loss incompatible with the output layer", "Loss '{0}' cannot follow a '{1}' output layer; {2}");

    public static readonly DiagnosticDescriptor DuplicateNetwork = Error(
        "SN0012", "Duplicate network name", "Another spec ({0}) already defines the network '{1}'; class names must be unique within a namespace");

    public static readonly DiagnosticDescriptor DuplicateField = Error(
        "SN0013", "Duplicate field", "Field '{0}' appears more than once in {1}");

    public static readonly DiagnosticDescriptor EmptyLayers = Error(
        "SN0014", "No layers", "'layers' must contain at least one layer");

    public static readonly DiagnosticDescriptor IgnoredAlpha = Warning(
        "SN0015", "Ignored alpha", "'alpha' has no effect on a '{0}' layer; only leaky_relu and elu use it");

    public static readonly DiagnosticDescriptor DuplicateEntry = Error(
        "SN0016", "Duplicate entry", "{0} '{1}' appears more than once{2}");

    public static readonly DiagnosticDescriptor InvalidLayerName = Error(
        "SN0017", "Invalid layer name", "Layer name '{0}' must start with a letter or '_' and contain only letters, digits and '_'");

    public static readonly DiagnosticDescriptor WeightsNotFound = Error(
        "SN0018", "Weight file not found", "Weight file '{0}' is not among the project's AdditionalFiles (looked for '{1}'); weight files next to specs are included by StaticNet.props");

    public static readonly DiagnosticDescriptor InvalidWeights = Error(
        "SN0019", "Weight file does not fit", "Weight file '{0}' cannot be baked into {1}: {2}");

    public static readonly DiagnosticDescriptor OnnxConflict = Error(
        "SN0020", "Field not allowed with onnx", "'{0}' cannot be given together with 'onnx': {1}");

    public static readonly DiagnosticDescriptor OnnxNotFound = Error(
        "SN0021", "ONNX file not found", "ONNX file '{0}' is not among the project's AdditionalFiles (looked for '{1}'); ONNX files next to specs are included by StaticNet.targets");

    public static readonly DiagnosticDescriptor InvalidOnnx = Error(
        "SN0022", "Invalid ONNX file", "ONNX file '{0}' cannot be read: {1}");

    public static readonly DiagnosticDescriptor UnsupportedOnnxOperator = Error(
        "SN0023", "Unsupported ONNX operator", "ONNX file '{0}': node '{1}' uses operator {2}, which StaticNet cannot import; supported: {3}");

    public static readonly DiagnosticDescriptor UnsupportedOnnxGraph = Error(
        "SN0024", "ONNX graph cannot be imported", "ONNX file '{0}' cannot be imported: {1}");

    public static readonly DiagnosticDescriptor OnnxPrecisionMismatch = Error(
        "SN0025", "Precision differs from the ONNX graph", "'precision' is '{0}', but the ONNX graph is {1} ({2}); leave 'precision' out to take the graph's");

    public static readonly DiagnosticDescriptor NameConflict = Error(
        "SN0026", "Network name conflicts with a namespace or type", "{0} '{1}' {2}; rename the network or change its namespace");

    public static readonly DiagnosticDescriptor NonFiniteWeight = Warning(
        "SN0027", "Non-finite baked weight", "{0}: tensor '{1}' has {2} at index {3}; it is baked in as is, and the network will compute NaN or infinity");

    public static readonly DiagnosticDescriptor InferenceOnly = new(
        "SN0100", "Inference-only network",
        "Network '{0}' uses the 'step' activation, whose gradient is zero almost everywhere: no AccumulateGradient is generated and it cannot be trained",
        Category, DiagnosticSeverity.Info, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InternalError = Error(
        "SN0999", "Internal generator error", "The StaticNet generator failed on this spec; please report it: {0}");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}
