using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Parsing;

/// <summary>A network derived from an ONNX graph: the topology the spec leaves out, and its parameters.</summary>
internal sealed class ImportedNetwork
{
    public ImportedNetwork(PrecisionKind precision, string precisionSource, int inputSize, List<LayerModel> layers, double[] parameters)
    {
        Precision = precision;
        PrecisionSource = precisionSource;
        InputSize = inputSize;
        Layers = layers;
        Parameters = parameters;
    }

    public PrecisionKind Precision { get; }

    /// <summary>What the precision was derived from, for messages ("input 'x' is FLOAT").</summary>
    public string PrecisionSource { get; }

    public int InputSize { get; }

    public List<LayerModel> Layers { get; }

    /// <summary>All parameters in canonical order.</summary>
    public double[] Parameters { get; }
}

/// <summary>Thrown with the diagnostic that says why a graph cannot be imported.</summary>
internal sealed class OnnxImportException : Exception
{
    public OnnxImportException(DiagnosticDescriptor descriptor, params string[] arguments) : base(string.Join(" ", arguments))
    {
        Descriptor = descriptor;
        Arguments = arguments;
    }

    public DiagnosticDescriptor Descriptor { get; }

    /// <summary>The descriptor's arguments after the file name.</summary>
    public string[] Arguments { get; }
}

/// <summary>
/// Imports a spec's <c>onnx</c> file at build time: finds it among the additional files, reads it with
/// <see cref="OnnxReader"/>, recognises the chain that <c>torch.onnx.export</c> writes for an
/// <c>nn.Sequential</c> MLP (Gemm, or MatMul + Add, per layer, each followed by an optional activation) and
/// parses the spec again with that topology and its weights. Problems become diagnostics at the spec's
/// <c>onnx</c> value.
/// </summary>
internal static class OnnxImporter
{
    public const string SupportedOperators =
        "Gemm, MatMul (with an Add of the bias), Flatten (before the first layer), Relu, Sigmoid, Tanh, LeakyRelu, Elu, Softmax (last axis), Softplus, Gelu, Identity, Constant, " +
        "and the patterns that torch exports for GELU (Div by √2, Erf, Add 1, Mul, Mul 0.5) and SiLU (Sigmoid, Mul)";

    public static SpecResult Import(SpecResult spec, ImmutableArray<BinaryFile> files, CancellationToken cancellationToken)
    {
        if (spec.Onnx is not { } reference)
        {
            return spec;
        }

        BinaryFile? file = files.FirstOrDefault(f => string.Equals(f.Path, reference.FullPath, StringComparison.Ordinal))
            ?? files.FirstOrDefault(f => string.Equals(f.Path, reference.FullPath, StringComparison.OrdinalIgnoreCase));
        if (file is null)
        {
            return Fail(spec, DiagnosticDescriptors.OnnxNotFound, reference.RelativePath, reference.FullPath);
        }

        ImportedNetwork network;
        try
        {
            OnnxModel model = OnnxReader.Read(file.Bytes.ToArray());
            cancellationToken.ThrowIfCancellationRequested();
            network = Convert(model);
        }
        catch (OnnxFormatException exception)
        {
            return Fail(spec, DiagnosticDescriptors.InvalidOnnx, reference.RelativePath, exception.Message);
        }
        catch (OnnxImportException exception)
        {
            return Fail(spec, exception.Descriptor, new[] { reference.RelativePath }.Concat(exception.Arguments).ToArray());
        }

        // The topology is known now: parse the spec again, so labels, loss and normalization are checked
        // against it exactly as for a spec with layers.
        SpecResult result = SpecParser.Parse(spec.FilePath, SourceText.From(reference.SpecText), reference.DefaultNamespace, network, cancellationToken);
        if (result.Network is not null)
        {
            List<DiagnosticInfo> warnings = BakedValues.Check(result.Network, "ONNX file '" + reference.RelativePath + "'", spec.FilePath, reference.Span, reference.LineSpan);
            if (warnings.Count > 0)
            {
                result = result with { Diagnostics = new EquatableArray<DiagnosticInfo>(result.Diagnostics.Concat(warnings)) };
            }
        }
        return result with { Onnx = null };
    }

    private static SpecResult Fail(SpecResult spec, DiagnosticDescriptor descriptor, params string[] arguments)
    {
        OnnxReference reference = spec.Onnx!;
        var diagnostic = new DiagnosticInfo(descriptor, spec.FilePath, reference.Span, reference.LineSpan, new EquatableArray<string>(arguments));
        return spec with { Network = null, Onnx = null, Diagnostics = new EquatableArray<DiagnosticInfo>(spec.Diagnostics.Concat(new[] { diagnostic })) };
    }

    // ---- graph to layers ------------------------------------------------------------------------------

    private sealed class PendingLayer
    {
        public OnnxNode Node = null!;
        public int FanIn;
        public int Units;
        public double[] Weights = Array.Empty<double>();
        public double[]? Bias;
        public string WeightName = "";
        public int WeightType;
        public string BiasName = "";
        public ActivationKind Activation = ActivationKind.Identity;
        public double Alpha;
        public OnnxNode? ActivationNode;
    }

    internal static ImportedNetwork Convert(OnnxModel model)
    {
        OnnxGraph graph = model.Graph;
        var constants = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        foreach (OnnxTensor initializer in graph.Initializers)
        {
            constants[initializer.Name] = initializer;
        }

        var nodes = new List<OnnxNode>();
        foreach (OnnxNode node in graph.Nodes)
        {
            if (node.Domain.Length > 0 && node.Domain != "ai.onnx")
            {
                throw new OnnxImportException(DiagnosticDescriptors.UnsupportedOnnxOperator, node.DisplayName, node.Domain + "." + node.OpType, SupportedOperators);
            }
            if (node.OpType == "Constant")
            {
                if (node.Outputs.Count == 1 && ConstantValue(node) is { } value)
                {
                    constants[node.Outputs[0]] = value;
                    continue;
                }
                throw Graph(node, "holds no numeric value attribute");
            }
            nodes.Add(node);
        }

        List<OnnxValueInfo> inputs = graph.Inputs.Where(input => !constants.ContainsKey(input.Name)).ToList();
        if (inputs.Count != 1)
        {
            throw new OnnxImportException(DiagnosticDescriptors.UnsupportedOnnxGraph,
                $"the graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => "'" + i.Name + "'"))}); StaticNet imports graphs with one input tensor");
        }
        if (graph.Outputs.Count != 1)
        {
            throw new OnnxImportException(DiagnosticDescriptors.UnsupportedOnnxGraph,
                $"the graph has {graph.Outputs.Count} outputs; StaticNet imports graphs with one output tensor");
        }
        OnnxValueInfo input = inputs[0];
        string output = graph.Outputs[0].Name;

        int rank = input.Shape?.Count ?? 2;
        int? width = null;
        if (input.Shape is { Count: > 0 } shape && shape[shape.Count - 1] is long last)
        {
            if (last < 1 || last > SpecVocabulary.MaxWidth)
            {
                throw new OnnxImportException(DiagnosticDescriptors.UnsupportedOnnxGraph,
                    $"input '{input.Name}' has {last} features; StaticNet supports 1 to {SpecVocabulary.MaxWidth}");
            }
            width = (int)last;
        }

        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (OnnxNode node in nodes)
        {
            foreach (string name in node.Inputs)
            {
                uses[name] = Uses(uses, name) + 1;
            }
        }
        uses[output] = Uses(uses, output) + 1;

        long opset = model.Opset;
        var layers = new List<PendingLayer>();
        PendingLayer? open = null;
        string current = input.Name;
        int i = 0;
        while (i < nodes.Count)
        {
            OnnxNode node = nodes[i];
            switch (node.OpType)
            {
                case "Identity":
                    RequireChain(node, 0, current, uses, 1);
                    current = Output(node);
                    i++;
                    break;

                case "Flatten":
                    // nn.Flatten() in front of the first Linear: [batch, d1, d2, ...] becomes [batch, d1 * d2 * ...].
                    RequireChain(node, 0, current, uses, 1);
                    if (layers.Count > 0 || (node.Attribute("axis")?.I ?? 1) != 1)
                    {
                        throw Graph(node, "is supported only with axis=1 before the first layer, where it flattens each sample");
                    }
                    width = FlattenedWidth(input);
                    rank = 2;
                    current = Output(node);
                    i++;
                    break;

                case "Gemm":
                case "MatMul":
                    if (layers.Count > 0 && layers[layers.Count - 1].Activation == ActivationKind.Softmax)
                    {
                        OnnxNode softmax = layers[layers.Count - 1].ActivationNode!;
                        throw Graph(softmax, "is followed by another layer; softmax is only supported on the last layer");
                    }
                    if (layers.Count >= SpecVocabulary.MaxLayers)
                    {
                        throw Graph(node, $"would be layer {layers.Count + 1}; StaticNet supports at most {SpecVocabulary.MaxLayers} layers");
                    }
                    RequireChain(node, 0, current, uses, 1);
                    open = node.OpType == "Gemm" ? Gemm(node, constants, width) : MatMul(nodes, ref i, constants, width, uses);
                    layers.Add(open);
                    width = open.Units;
                    current = Output(nodes[i]); // the Add of a MatMul's bias, if there is one
                    i++;
                    break;

                case "Relu":
                case "Tanh":
                case "Softplus":
                    RequireChain(node, 0, current, uses, 1);
                    SetActivation(ref open, layers, node, node.OpType switch
                    {
                        "Relu" => ActivationKind.Relu,
                        "Tanh" => ActivationKind.Tanh,
                        _ => ActivationKind.Softplus,
                    }, 0);
                    current = Output(node);
                    i++;
                    break;

                case "LeakyRelu":
                case "Elu":
                    RequireChain(node, 0, current, uses, 1);
                    bool leaky = node.OpType == "LeakyRelu";
                    double alpha = node.Attribute("alpha") is { } alphaAttribute ? FloatAttribute(alphaAttribute) : leaky ? 0.01 : 1.0;
                    if (double.IsNaN(alpha) || double.IsInfinity(alpha))
                    {
                        throw Graph(node, $"has alpha {alpha.ToString(CultureInfo.InvariantCulture)}; alpha must be a finite number");
                    }
                    SetActivation(ref open, layers, node, leaky ? ActivationKind.LeakyRelu : ActivationKind.Elu, alpha);
                    current = Output(node);
                    i++;
                    break;

                case "Softmax":
                    RequireChain(node, 0, current, uses, 1);
                    long axis = node.Attribute("axis")?.I ?? (opset is > 0 and < 13 ? 1 : -1);
                    if (axis != -1 && axis != rank - 1)
                    {
                        throw Graph(node, $"normalizes over axis {axis} of a rank-{rank} tensor; StaticNet's softmax runs over the last axis (-1)");
                    }
                    SetActivation(ref open, layers, node, ActivationKind.Softmax, 0);
                    current = Output(node);
                    i++;
                    break;

                case "Gelu":
                    RequireChain(node, 0, current, uses, 1);
                    string approximate = node.Attribute("approximate")?.StringValue ?? "none";
                    if (approximate != "none")
                    {
                        throw Graph(node, $"uses approximate='{approximate}'; StaticNet's gelu is the exact erf form (approximate='none')");
                    }
                    SetActivation(ref open, layers, node, ActivationKind.Gelu, 0);
                    current = Output(node);
                    i++;
                    break;

                case "Sigmoid":
                    if (i + 1 < nodes.Count && IsSilu(node, nodes[i + 1], current, uses))
                    {
                        SetActivation(ref open, layers, node, ActivationKind.Silu, 0);
                        current = Output(nodes[i + 1]);
                        i += 2;
                    }
                    else
                    {
                        RequireChain(node, 0, current, uses, 1);
                        SetActivation(ref open, layers, node, ActivationKind.Sigmoid, 0);
                        current = Output(node);
                        i++;
                    }
                    break;

                case "Div":
                    if (!IsGelu(nodes, i, current, constants, uses))
                    {
                        throw Graph(node, "does not start the GELU pattern x * 0.5 * (1 + Erf(x / √2)) that torch exports; Div is only imported as part of it");
                    }
                    SetActivation(ref open, layers, node, ActivationKind.Gelu, 0);
                    current = Output(nodes[i + 4]);
                    i += 5;
                    break;

                case "Add":
                case "Mul":
                case "Erf":
                    throw Graph(node, node.OpType == "Add"
                        ? "does not add a constant bias right after a MatMul; Add is only imported as a MatMul's bias or inside the GELU pattern"
                        : $"is not part of the GELU or SiLU pattern that torch exports; {node.OpType} is only imported inside them");

                default:
                    throw new OnnxImportException(DiagnosticDescriptors.UnsupportedOnnxOperator, node.DisplayName, node.OpType, SupportedOperators);
            }
        }

        if (layers.Count == 0)
        {
            throw new OnnxImportException(DiagnosticDescriptors.UnsupportedOnnxGraph, "the graph has no Gemm or MatMul node, so there is no dense layer to import");
        }
        if (current != output)
        {
            throw new OnnxImportException(DiagnosticDescriptors.UnsupportedOnnxGraph,
                $"the chain of layers ends in '{current}', but the graph's output is '{output}'");
        }
        if (Uses(uses, current) != 1)
        {
            throw new OnnxImportException(DiagnosticDescriptors.UnsupportedOnnxGraph,
                $"the graph's output '{output}' also feeds other nodes; StaticNet imports a chain of layers without branches");
        }
        (PrecisionKind precision, string source) = Precision(input, layers[0]);
        return Build(precision, source, layers);
    }

    private static int? FlattenedWidth(OnnxValueInfo input)
    {
        if (input.Shape is not { Count: >= 2 } shape)
        {
            return null;
        }
        long width = 1;
        for (int d = 1; d < shape.Count; d++)
        {
            if (shape[d] is not long dimension)
            {
                return null;
            }
            // Checked before multiplying: a crafted dimension must not wrap the product to a small width.
            if (dimension < 1 || dimension > SpecVocabulary.MaxWidth / width || (width *= dimension) > SpecVocabulary.MaxWidth)
            {
                throw new OnnxImportException(DiagnosticDescriptors.UnsupportedOnnxGraph,
                    $"input '{input.Name}' of shape [{string.Join(", ", shape.Select(x => x?.ToString(CultureInfo.InvariantCulture) ?? "?"))}] flattens to more than {SpecVocabulary.MaxWidth} features or has an empty dimension");
            }
        }
        return (int)width;
    }

    private static (PrecisionKind Precision, string Source) Precision(OnnxValueInfo input, PendingLayer first)
    {
        int elemType = input.ElemType;
        string source = $"input '{input.Name}' is {OnnxTensor.DataTypeName(elemType)}";
        if (elemType == 0)
        {
            elemType = first.WeightType;
            source = $"the first layer's weights are {OnnxTensor.DataTypeName(elemType)}";
        }
        return elemType switch
        {
            OnnxTensor.Float => (PrecisionKind.Float, source),
            OnnxTensor.Double => (PrecisionKind.Double, source),
            _ => throw new OnnxImportException(DiagnosticDescriptors.UnsupportedOnnxGraph,
                $"{source}; StaticNet imports FLOAT (float) and DOUBLE (double) graphs"),
        };
    }

    private static ImportedNetwork Build(PrecisionKind precision, string precisionSource, List<PendingLayer> pending)
    {
        // Keys: PyTorch's own names when the initializers carry them ("0.weight" from nn.Sequential,
        // "fc1.weight" from a module attribute), else nn.Sequential numbering as for a spec with layers.
        var prefixes = new List<string>();
        int moduleIndex = 0;
        foreach (PendingLayer layer in pending)
        {
            prefixes.Add(Prefix(layer) ?? moduleIndex.ToString(CultureInfo.InvariantCulture));
            moduleIndex += layer.Activation == ActivationKind.Identity ? 1 : 2;
        }
        if (prefixes.Distinct(StringComparer.Ordinal).Count() != prefixes.Count)
        {
            moduleIndex = 0;
            for (int k = 0; k < pending.Count; k++)
            {
                prefixes[k] = moduleIndex.ToString(CultureInfo.InvariantCulture);
                moduleIndex += pending[k].Activation == ActivationKind.Identity ? 1 : 2;
            }
        }

        var layers = new List<LayerModel>();
        var parameters = new List<double>();
        for (int k = 0; k < pending.Count; k++)
        {
            PendingLayer layer = pending[k];
            int weightOffset = parameters.Count;
            parameters.AddRange(layer.Weights);
            int biasOffset = -1;
            if (layer.Bias is not null)
            {
                biasOffset = parameters.Count;
                parameters.AddRange(layer.Bias);
            }
            if (parameters.Count > SpecVocabulary.MaxParameters)
            {
                throw Graph(layer.Node, $"brings the parameter count to {parameters.Count}; StaticNet supports at most {SpecVocabulary.MaxParameters}");
            }
            double alpha = layer.Activation is ActivationKind.LeakyRelu or ActivationKind.Elu ? layer.Alpha : SpecVocabulary.DefaultAlpha(layer.Activation);
            layers.Add(new LayerModel(k, layer.FanIn, layer.Units, layer.Activation, alpha, layer.Bias is not null, weightOffset, biasOffset,
                prefixes[k] + ".weight", layer.Bias is not null ? prefixes[k] + ".bias" : null));
        }
        return new ImportedNetwork(precision, precisionSource, pending[0].FanIn, layers, parameters.ToArray());
    }

    private static string? Prefix(PendingLayer layer)
    {
        string? prefix = Strip(layer.WeightName, ".weight") ?? Strip(layer.BiasName, ".bias");
        return prefix is not null && prefix.All(c => c < 128 && (char.IsLetterOrDigit(c) || c == '_' || c == '.')) ? prefix : null;
    }

    private static string? Strip(string name, string suffix) =>
        name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal) ? name.Substring(0, name.Length - suffix.Length) : null;

    private static PendingLayer Gemm(OnnxNode node, Dictionary<string, OnnxTensor> constants, int? width)
    {
        if (node.Inputs.Count < 2)
        {
            throw Graph(node, "has fewer than two inputs");
        }
        if ((node.Attribute("transA")?.I ?? 0) != 0)
        {
            throw Graph(node, "transposes its input (transA=1); StaticNet imports Gemm with transA=0");
        }
        bool transB = (node.Attribute("transB")?.I ?? 0) != 0;
        double alpha = node.Attribute("alpha") is { } a ? FloatAttribute(a) : 1.0;
        double beta = node.Attribute("beta") is { } b ? FloatAttribute(b) : 1.0;
        foreach ((string name, double value) in new[] { ("alpha", alpha), ("beta", beta) })
        {
            if (double.IsNaN(value) || double.IsInfinity(value))
            {
                throw Graph(node, $"has {name} {value.ToString(CultureInfo.InvariantCulture)}; {name} must be a finite number");
            }
        }
        OnnxTensor weights = Constant(node, 1, "B", constants);
        PendingLayer layer = Dense(node, weights, transposed: !transB, alpha, width);
        if (node.Inputs.Count > 2 && node.Inputs[2].Length > 0)
        {
            layer.Bias = Bias(node, Constant(node, 2, "C", constants), layer.Units, beta);
            layer.BiasName = node.Inputs[2];
        }
        return layer;
    }

    private static PendingLayer MatMul(List<OnnxNode> nodes, ref int i, Dictionary<string, OnnxTensor> constants, int? width, Dictionary<string, int> uses)
    {
        OnnxNode node = nodes[i];
        if (node.Inputs.Count != 2)
        {
            throw Graph(node, "does not have two inputs");
        }
        PendingLayer layer = Dense(node, Constant(node, 1, "B", constants), transposed: true, 1.0, width);
        string product = Output(node);
        if (i + 1 < nodes.Count && nodes[i + 1] is { OpType: "Add" } add && add.Inputs.Count == 2 && add.Inputs.Contains(product)
            && Uses(uses, product) == 1)
        {
            int biasIndex = add.Inputs[0] == product ? 1 : 0;
            if (constants.ContainsKey(add.Inputs[biasIndex]))
            {
                layer.Bias = Bias(add, constants[add.Inputs[biasIndex]], layer.Units, 1.0);
                layer.BiasName = add.Inputs[biasIndex];
                i++;
            }
        }
        return layer;
    }

    /// <summary>A layer from a weight matrix: [units, fanIn] as PyTorch stores it, or [fanIn, units] when transposed.</summary>
    private static PendingLayer Dense(OnnxNode node, OnnxTensor matrix, bool transposed, double scale, int? width)
    {
        if (matrix.Dims.Count != 2)
        {
            throw Graph(node, $"multiplies by '{matrix.Name}' of shape {matrix.ShapeText}; StaticNet imports 2-D weight matrices");
        }
        RequireReal(node, matrix);
        long fanIn = transposed ? matrix.Dims[0] : matrix.Dims[1];
        long units = transposed ? matrix.Dims[1] : matrix.Dims[0];
        if (units < 1 || units > SpecVocabulary.MaxWidth || fanIn < 1 || fanIn > SpecVocabulary.MaxWidth)
        {
            throw Graph(node, $"multiplies by '{matrix.Name}' of shape {matrix.ShapeText}; StaticNet supports 1 to {SpecVocabulary.MaxWidth} units and inputs");
        }
        if (width is not null && fanIn != width)
        {
            throw Graph(node, $"multiplies by '{matrix.Name}' of shape {matrix.ShapeText}, which takes {fanIn} inputs, but its input has {width}");
        }
        var layer = new PendingLayer { Node = node, FanIn = (int)fanIn, Units = (int)units, WeightName = matrix.Name, WeightType = matrix.DataType };
        layer.Weights = new double[units * fanIn];
        for (int u = 0; u < units; u++)
        {
            for (int k = 0; k < fanIn; k++)
            {
                double value = transposed ? matrix.Values[k * units + u] : matrix.Values[u * fanIn + k];
                layer.Weights[u * fanIn + k] = scale == 1.0 ? value : scale * value;
            }
        }
        return layer;
    }

    private static double[] Bias(OnnxNode node, OnnxTensor tensor, int units, double scale)
    {
        RequireReal(node, tensor);
        bool broadcast = tensor.Values.Length == 1 && units > 1;
        if (tensor.Values.Length != units && !broadcast || tensor.Dims.Count > 2 || tensor.Dims.Count == 2 && tensor.Dims[0] != 1)
        {
            throw Graph(node, $"adds '{tensor.Name}' of shape {tensor.ShapeText}; a bias of {units} units must have shape [{units}]");
        }
        var bias = new double[units];
        for (int u = 0; u < units; u++)
        {
            double value = tensor.Values[broadcast ? 0 : u];
            bias[u] = scale == 1.0 ? value : scale * value;
        }
        return bias;
    }

    private static void RequireReal(OnnxNode node, OnnxTensor tensor)
    {
        if (tensor.DataType is not (OnnxTensor.Float or OnnxTensor.Double or OnnxTensor.Float16))
        {
            throw Graph(node, $"uses '{tensor.Name}' of element type {OnnxTensor.DataTypeName(tensor.DataType)}; weights must be FLOAT, DOUBLE or FLOAT16");
        }
    }

    private static OnnxTensor Constant(OnnxNode node, int index, string role, Dictionary<string, OnnxTensor> constants)
    {
        string name = node.Inputs[index];
        if (!constants.TryGetValue(name, out OnnxTensor? tensor))
        {
            throw Graph(node, $"takes its {role} ('{name}') from another node; StaticNet imports weights stored as initializers or constants");
        }
        return tensor;
    }

    private static void SetActivation(ref PendingLayer? open, List<PendingLayer> layers, OnnxNode node, ActivationKind activation, double alpha)
    {
        if (open is null)
        {
            throw Graph(node, layers.Count == 0
                ? "comes before the first Gemm or MatMul; a StaticNet network starts with a dense layer"
                : "follows another activation; each StaticNet layer has at most one activation");
        }
        open.Activation = activation;
        open.Alpha = alpha;
        open.ActivationNode = node;
        open = null;
    }

    /// <summary>Sigmoid(x) then Mul(x, sigmoid): SiLU.</summary>
    private static bool IsSilu(OnnxNode sigmoid, OnnxNode next, string x, Dictionary<string, int> uses)
    {
        if (sigmoid.Inputs.Count != 1 || sigmoid.Inputs[0] != x || next.OpType != "Mul" || next.Inputs.Count != 2)
        {
            return false;
        }
        string s = Output(sigmoid);
        bool operands = (next.Inputs[0] == x && next.Inputs[1] == s) || (next.Inputs[0] == s && next.Inputs[1] == x);
        return operands && Uses(uses, x) == 2 && Uses(uses, s) == 1;
    }

    /// <summary>torch 1.13's nn.GELU: Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5), operands in either order.</summary>
    private static bool IsGelu(List<OnnxNode> nodes, int i, string x, Dictionary<string, OnnxTensor> constants, Dictionary<string, int> uses)
    {
        if (i + 4 >= nodes.Count)
        {
            return false;
        }
        OnnxNode div = nodes[i], erf = nodes[i + 1], add = nodes[i + 2], mul = nodes[i + 3], half = nodes[i + 4];
        if (div.Inputs.Count != 2 || div.Inputs[0] != x || !IsScalar(div.Inputs[1], Math.Sqrt(2), constants) || Uses(uses, x) != 2)
        {
            return false;
        }
        string d = Output(div);
        if (erf.OpType != "Erf" || erf.Inputs.Count != 1 || erf.Inputs[0] != d || Uses(uses, d) != 1)
        {
            return false;
        }
        string e = Output(erf);
        if (add.OpType != "Add" || !Operands(add, e, name => IsScalar(name, 1.0, constants)) || Uses(uses, e) != 1)
        {
            return false;
        }
        string a = Output(add);
        if (mul.OpType != "Mul" || !Operands(mul, a, name => name == x) || Uses(uses, a) != 1)
        {
            return false;
        }
        string m = Output(mul);
        return half.OpType == "Mul" && Operands(half, m, name => IsScalar(name, 0.5, constants)) && Uses(uses, m) == 1;
    }

    private static bool Operands(OnnxNode node, string value, Func<string, bool> other) =>
        node.Inputs.Count == 2 && ((node.Inputs[0] == value && other(node.Inputs[1])) || (node.Inputs[1] == value && other(node.Inputs[0])));

    private static bool IsScalar(string name, double expected, Dictionary<string, OnnxTensor> constants) =>
        constants.TryGetValue(name, out OnnxTensor? tensor) && tensor.Values.Length == 1
        && Math.Abs(tensor.Values[0] - expected) <= 1e-6 * Math.Max(1.0, Math.Abs(expected));

    private static void RequireChain(OnnxNode node, int index, string current, Dictionary<string, int> uses, int expectedUses)
    {
        if (node.Inputs.Count <= index || node.Inputs[index] != current)
        {
            throw Graph(node, $"does not take '{current}', the output of the layer before it; StaticNet imports a single chain of layers");
        }
        if (Uses(uses, current) != expectedUses)
        {
            throw Graph(node, $"reads '{current}', which {Uses(uses, current)} nodes use; StaticNet imports a single chain of layers without branches");
        }
        if (node.Outputs.Count < 1 || node.Outputs[0].Length == 0)
        {
            throw Graph(node, "has no output");
        }
    }

    private static string Output(OnnxNode node) =>
        node.Outputs.Count > 0 ? node.Outputs[0] : throw Graph(node, "has no output");

    private static int Uses(Dictionary<string, int> uses, string name) => uses.TryGetValue(name, out int count) ? count : 0;

    /// <summary>
    /// An attribute float as the decimal it was written as: 0.2f is stored as 0.20000000298..., but PyTorch's
    /// double network used 0.2. The shortest round-trip text of the float gives the intended value.
    /// </summary>
    private static double FloatAttribute(OnnxAttribute attribute) =>
        attribute.Type == 2 ? attribute.I : double.Parse(attribute.F.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static OnnxTensor? ConstantValue(OnnxNode node)
    {
        foreach (OnnxAttribute attribute in node.Attributes)
        {
            switch (attribute.Name)
            {
                case "value" when attribute.T is not null:
                    return attribute.T;
                case "value_float":
                    return Scalar(attribute.F);
                case "value_int":
                    return Scalar(attribute.I);
                case "value_floats":
                    return Vector(attribute.Floats.Select(f => (double)f).ToArray());
                case "value_ints":
                    return Vector(attribute.Ints.Select(v => (double)v).ToArray());
            }
        }
        return null;

        OnnxTensor Scalar(double value) => new() { Name = node.Outputs[0], DataType = OnnxTensor.Double, Values = new[] { value } };

        OnnxTensor Vector(double[] values)
        {
            var tensor = new OnnxTensor { Name = node.Outputs[0], DataType = OnnxTensor.Double, Values = values };
            tensor.Dims.Add(values.Length);
            return tensor;
        }
    }

    private static OnnxImportException Graph(OnnxNode node, string problem) =>
        new(DiagnosticDescriptors.UnsupportedOnnxGraph, $"node '{node.DisplayName}' ({node.OpType}) {problem}");
}
