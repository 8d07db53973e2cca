using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;
using Onnx;

namespace StaticNet.Onnx;

/// <summary>Builds the ONNX <see cref="ModelProto"/> of a network from its description and canonical parameters.</summary>
internal sealed class OnnxModelBuilder
{
    /// <summary>The operator set the graph is written against (ONNX 1.12).</summary>
    internal const long OpsetVersion = 17;

    /// <summary>IR version 8, the one that goes with opset 17.</summary>
    internal const long IrVersion = 8;

    /// <summary>Protobuf refuses messages of 2 GiB and more; leave room for everything that is not a weight.</summary>
    private const long MaxInitializerBytes = int.MaxValue - (16L << 20);

    /// <summary>Metadata is not HTML: keep labels such as "café" or "猫" readable instead of \u-escaped.</summary>
    private static readonly JsonSerializerOptions MetadataJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly NetworkDescription description;
    private readonly OnnxExportOptions options;
    private readonly int elementType;
    private readonly GraphProto graph = new();
    private readonly HashSet<string> tensorNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> nodeNames = new(StringComparer.Ordinal);

    private OnnxModelBuilder(NetworkDescription description, OnnxExportOptions options, int elementType)
    {
        this.description = description;
        this.options = options;
        this.elementType = elementType;
    }

    /// <summary>Builds the model of <paramref name="network"/>, copying its parameters.</summary>
    internal static ModelProto Build<T>(INetwork<T> network, OnnxExportOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        NetworkDescription description = network.Description
            ?? throw new ArgumentException("The network has no description.", nameof(network));
        int elementType = ElementTypeOf<T>(description);
        ReadOnlySpan<T> parameters = network.Parameters;
        if (parameters.Length != description.ParameterCount)
        {
            throw new ArgumentException(
                $"The network has {parameters.Length} parameters but its description calls for {description.ParameterCount}.",
                nameof(network));
        }
        if ((long)parameters.Length * Marshal.SizeOf<T>() > MaxInitializerBytes)
        {
            throw new NotSupportedException(
                $"'{description.Name}' has {parameters.Length} parameters; ONNX models of 2 GiB and more need external data, which the exporter does not write.");
        }
        ValidateLayers(description, parameters.Length);
        ValidateOptions(options);

        var builder = new OnnxModelBuilder(description, options, elementType);
        builder.BuildGraph(parameters, network.NormalizationParameters);
        return builder.BuildModel();
    }

    private static int ElementTypeOf<T>(NetworkDescription description)
    {
        (int type, Precision precision) = typeof(T) == typeof(float)
            ? ((int)TensorProto.Types.DataType.Float, Precision.Float)
            : typeof(T) == typeof(double)
                ? ((int)TensorProto.Types.DataType.Double, Precision.Double)
                : throw new NotSupportedException($"ONNX export supports float and double networks, not {typeof(T).Name}.");
        if (description.Precision != precision)
        {
            throw new ArgumentException(
                $"The network is an INetwork<{typeof(T).Name}> but its description says {description.Precision}.", "network");
        }
        return type;
    }

    /// <summary>A hand-written description could disagree with itself; refuse it rather than write a graph no runtime loads.</summary>
    private static void ValidateLayers(NetworkDescription description, int parameterCount)
    {
        IReadOnlyList<LayerDescription> layers = description.Layers;
        if (layers is null || layers.Count == 0)
        {
            throw new ArgumentException($"'{description.Name}' has no layers.", "network");
        }
        int fanIn = description.InputSize;
        foreach (LayerDescription layer in layers)
        {
            bool consistent = layer.FanIn == fanIn && layer.Units > 0 && layer.FanIn > 0
                && layer.WeightOffset >= 0 && (long)layer.WeightOffset + layer.WeightCount <= parameterCount
                && (!layer.HasBias || (layer.BiasOffset >= 0 && (long)layer.BiasOffset + layer.Units <= parameterCount))
                && !string.IsNullOrEmpty(layer.WeightKey);
            if (!consistent)
            {
                throw new ArgumentException(
                    $"Layer {layer.Index} of '{description.Name}' is inconsistent: fan-in {layer.FanIn} (expected {fanIn}), {layer.Units} units, " +
                    $"weight at {layer.WeightOffset}, bias at {layer.BiasOffset}, {parameterCount} parameters.", "network");
            }
            fanIn = layer.Units;
        }
    }

    private static void ValidateOptions(OnnxExportOptions options)
    {
        RequireName(options.InputName, nameof(OnnxExportOptions.InputName));
        RequireName(options.OutputName, nameof(OnnxExportOptions.OutputName));
        RequireName(options.BatchDimensionName, nameof(OnnxExportOptions.BatchDimensionName));
        if (string.Equals(options.InputName, options.OutputName, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Input and output are both named '{options.InputName}'.", "options");
        }

        static void RequireName(string? value, string property)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"{nameof(OnnxExportOptions)}.{property} must not be empty.", "options");
            }
        }
    }

    private void BuildGraph<T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> normalization)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        graph.Name = options.GraphName ?? description.Name;
        graph.Input.Add(BatchTensor(options.InputName, description.InputSize, InputDoc()));
        Reserve(options.InputName);
        Reserve(options.OutputName);

        IReadOnlyList<LayerDescription> layers = description.Layers;
        string current = options.InputName;
        if (!normalization.IsEmpty)
        {
            // The network's input normalization, (x - shift) * scale, so the exported model takes raw features too.
            int width = description.InputSize;
            string shift = AddInitializer(InputNormalization.ShiftKey, normalization.Slice(0, width), width);
            string scale = AddInitializer(InputNormalization.ScaleKey, normalization.Slice(width, width), width);
            string centered = NewTensor("normalization/centered");
            string normalized = NewTensor("normalization/output");
            AddNode("Sub", "normalization/Sub", [current, shift], centered);
            AddNode("Mul", "normalization/Mul", [centered, scale], normalized);
            current = normalized;
        }
        for (int i = 0; i < layers.Count; i++)
        {
            LayerDescription layer = layers[i];
            string scope = $"layer{layer.Index}";
            string result = i == layers.Count - 1 ? options.OutputName : $"{scope}/output";
            if (i != layers.Count - 1)
            {
                Reserve(result);
            }

            string weight = AddInitializer(layer.WeightKey, parameters.Slice(layer.WeightOffset, layer.WeightCount), layer.Units, layer.FanIn);
            var gemmInputs = new List<string> { current, weight };
            if (layer.HasBias)
            {
                gemmInputs.Add(AddInitializer(layer.BiasKey ?? $"{scope}.bias", parameters.Slice(layer.BiasOffset, layer.Units), layer.Units));
            }
            string linear = layer.Activation == Activation.Identity ? result : NewTensor($"{scope}/linear");
            // Y = X W^T (+ b): the weight stays [units, fanIn] as in the weight file and PyTorch's nn.Linear.
            AddNode("Gemm", $"{scope}/Gemm", gemmInputs, linear, IntAttribute("transB", 1));
            EmitActivation(layer, scope, linear, result);
            current = result;
        }

        graph.Output.Add(BatchTensor(options.OutputName, description.OutputSize, OutputDoc()));
    }

    private void EmitActivation(LayerDescription layer, string scope, string x, string result)
    {
        switch (layer.Activation)
        {
            case Activation.Identity:
                break;
            case Activation.Sigmoid:
                AddNode("Sigmoid", $"{scope}/Sigmoid", [x], result);
                break;
            case Activation.Tanh:
                AddNode("Tanh", $"{scope}/Tanh", [x], result);
                break;
            case Activation.Relu:
                AddNode("Relu", $"{scope}/Relu", [x], result);
                break;
            case Activation.LeakyRelu when !IsDouble:
                AddNode("LeakyRelu", $"{scope}/LeakyRelu", [x], result, FloatAttribute("alpha", layer.Alpha));
                break;
            case Activation.LeakyRelu:
                // The alpha attribute of LeakyRelu is a float, which would round a double alpha (0.2 becomes
                // 0.20000000298): PRelu takes its slope as a tensor, here a double scalar, and is otherwise the same.
                AddNode("PRelu", $"{scope}/PRelu", [x, AddScalar($"{scope}/alpha", layer.Alpha)], result);
                break;
            case Activation.Elu when !IsDouble:
                AddNode("Elu", $"{scope}/Elu", [x], result, FloatAttribute("alpha", layer.Alpha));
                break;
            case Activation.Elu:
            {
                // ONNX Runtime has no double Elu kernel (and alpha would be a float): where(x > 0, x, (exp(x) - 1) * alpha).
                string positive = NewTensor($"{scope}/elu/greater");
                AddNode("Greater", $"{scope}/elu/Greater", [x, Constant("const/zero", 0.0)], positive);
                string exp = NewTensor($"{scope}/elu/exp");
                AddNode("Exp", $"{scope}/elu/Exp", [x], exp);
                string shifted = NewTensor($"{scope}/elu/sub");
                AddNode("Sub", $"{scope}/elu/Sub", [exp, Constant("const/one", 1.0)], shifted);
                string scaled = NewTensor($"{scope}/elu/mul");
                AddNode("Mul", $"{scope}/elu/Mul", [shifted, AddScalar($"{scope}/alpha", layer.Alpha)], scaled);
                AddNode("Where", $"{scope}/elu/Where", [positive, x, scaled], result);
                break;
            }
            case Activation.Gelu:
            {
                // GELU is a standard operator only from opset 20: write its erf form x * (1 + erf(x / sqrt 2)) * 0.5,
                // in the node order torch.onnx writes it, which ONNX Runtime's Gelu fusion recognizes.
                string scaled = NewTensor($"{scope}/gelu/div");
                AddNode("Div", $"{scope}/gelu/Div", [x, Constant("const/sqrt2", Math.Sqrt(2.0))], scaled);
                string erf = NewTensor($"{scope}/gelu/erf");
                AddNode("Erf", $"{scope}/gelu/Erf", [scaled], erf);
                string shifted = NewTensor($"{scope}/gelu/add");
                AddNode("Add", $"{scope}/gelu/Add", [erf, Constant("const/one", 1.0)], shifted);
                string product = NewTensor($"{scope}/gelu/mul");
                AddNode("Mul", $"{scope}/gelu/Mul", [x, shifted], product);
                AddNode("Mul", $"{scope}/gelu/Mul_half", [product, Constant("const/half", 0.5)], result);
                break;
            }
            case Activation.Silu:
            {
                string sigmoid = NewTensor($"{scope}/silu/sigmoid");
                AddNode("Sigmoid", $"{scope}/silu/Sigmoid", [x], sigmoid);
                AddNode("Mul", $"{scope}/silu/Mul", [x, sigmoid], result);
                break;
            }
            case Activation.Softplus when !IsDouble:
                AddNode("Softplus", $"{scope}/Softplus", [x], result);
                break;
            case Activation.Softplus:
            {
                // No double Softplus kernel in ONNX Runtime: where(x > 20, x, log(exp(x) + 1)), which is also
                // PyTorch's (and StaticNet's) definition with its threshold.
                string large = NewTensor($"{scope}/softplus/greater");
                AddNode("Greater", $"{scope}/softplus/Greater", [x, Constant("const/softplus_threshold", 20.0)], large);
                string exp = NewTensor($"{scope}/softplus/exp");
                AddNode("Exp", $"{scope}/softplus/Exp", [x], exp);
                string shifted = NewTensor($"{scope}/softplus/add");
                AddNode("Add", $"{scope}/softplus/Add", [exp, Constant("const/one", 1.0)], shifted);
                string log = NewTensor($"{scope}/softplus/log");
                AddNode("Log", $"{scope}/softplus/Log", [shifted], log);
                AddNode("Where", $"{scope}/softplus/Where", [large, x, log], result);
                break;
            }
            case Activation.Softmax:
                AddNode("Softmax", $"{scope}/Softmax", [x], result, IntAttribute("axis", -1));
                break;
            case Activation.Step:
            {
                // Heaviside: 1 where x > 0, else 0 (NaN gives 0, as in the generated code).
                string positive = NewTensor($"{scope}/step/greater");
                AddNode("Greater", $"{scope}/step/Greater", [x, Constant("const/zero", 0.0)], positive);
                AddNode("Cast", $"{scope}/step/Cast", [positive], result, IntAttribute("to", elementType));
                break;
            }
            default:
                throw new NotSupportedException($"Layer {layer.Index} of '{description.Name}' uses activation {layer.Activation}, which the ONNX exporter does not know.");
        }
    }

    private ModelProto BuildModel()
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "StaticNet",
            ProducerVersion = ProducerVersion(),
            ModelVersion = options.ModelVersion,
            DocString = options.DocString ?? Summary(),
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });

        var written = new HashSet<string>(StringComparer.Ordinal);
        void Add(string key, string value)
        {
            if (!written.Add(key))
            {
                throw new ArgumentException($"Metadata key '{key}' is written by StaticNet and cannot be given in the options.", "options");
            }
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        Add("staticnet.name", description.Name);
        Add("staticnet.topology_hash", description.TopologyHash);
        Add("staticnet.precision", description.Precision == Precision.Double ? "double" : "float");
        Add("staticnet.loss", LossName(description.Loss));
        if (description.Labels.Count > 0)
        {
            Add("labels", JsonSerializer.Serialize(description.Labels, MetadataJson));
        }
        if (description.InputNames.Count > 0)
        {
            Add("input_names", JsonSerializer.Serialize(description.InputNames, MetadataJson));
        }
        if (options.Metadata is not null)
        {
            foreach (KeyValuePair<string, string> entry in options.Metadata)
            {
                Add(entry.Key, entry.Value ?? string.Empty);
            }
        }
        return model;
    }

    // ---- graph pieces ----------------------------------------------------------------------------------------

    private ValueInfoProto BatchTensor(string name, int width, string? doc)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = options.BatchDimensionName });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        var info = new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } },
        };
        if (doc is not null)
        {
            info.DocString = doc;
        }
        return info;
    }

    private string AddInitializer<T>(string name, ReadOnlySpan<T> values, params long[] dims)
        where T : unmanaged
    {
        Reserve(name);
        var tensor = new TensorProto { Name = name, DataType = elementType };
        tensor.Dims.AddRange(dims);
        tensor.RawData = LittleEndianBytes(values);
        graph.Initializer.Add(tensor);
        return name;
    }

    private bool IsDouble => elementType == (int)TensorProto.Types.DataType.Double;

    /// <summary>A scalar initializer of the graph's element type, shared by every node that needs the value.</summary>
    private string Constant(string name, double value) => tensorNames.Contains(name) ? name : AddScalar(name, value);

    /// <summary>A new scalar initializer of the graph's element type.</summary>
    private string AddScalar(string name, double value)
    {
        if (IsDouble)
        {
            return AddInitializer(name, new ReadOnlySpan<double>(in value));
        }
        float single = (float)value;
        return AddInitializer(name, new ReadOnlySpan<float>(in single));
    }

    private void AddNode(string opType, string name, IReadOnlyList<string> inputs, string output, params AttributeProto[] attributes)
    {
        if (!nodeNames.Add(name))
        {
            throw new InvalidOperationException($"Duplicate ONNX node name '{name}'.");
        }
        var node = new NodeProto { OpType = opType, Name = name };
        foreach (string input in inputs)
        {
            node.Input.Add(input);
        }
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
    }

    private string NewTensor(string name)
    {
        Reserve(name);
        return name;
    }

    private void Reserve(string name)
    {
        if (!tensorNames.Add(name))
        {
            throw new ArgumentException(
                $"Two tensors of the ONNX graph of '{description.Name}' would be named '{name}' (a weight key or an input/output name collides).");
        }
    }

    private static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto FloatAttribute(string name, double value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    private static ByteString LittleEndianBytes<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values);
        if (BitConverter.IsLittleEndian)
        {
            return ByteString.CopyFrom(bytes);
        }
        byte[] swapped = bytes.ToArray();
        int size = Marshal.SizeOf<T>();
        for (int i = 0; i < swapped.Length; i += size)
        {
            Array.Reverse(swapped, i, size);
        }
        return ByteString.CopyFrom(swapped);
    }

    // ---- documentation ---------------------------------------------------------------------------------------

    private string? InputDoc() =>
        description.InputNames.Count > 0 ? "Columns: " + string.Join(", ", description.InputNames) : null;

    private string? OutputDoc() =>
        description.Labels.Count == description.OutputSize && description.Labels.Count > 0
            ? "Columns: " + string.Join(", ", description.Labels)
            : null;

    private string Summary()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"StaticNet network {description.Name} ({(description.Precision == Precision.Double ? "double" : "float")}): {description.InputSize}");
        foreach (LayerDescription layer in description.Layers)
        {
            text.Append(CultureInfo.InvariantCulture, $" -> {layer.Units} {ActivationName(layer.Activation)}");
            if (!layer.HasBias)
            {
                text.Append(" (no bias)");
            }
        }
        return text.ToString();
    }

    private static string ActivationName(Activation activation) => activation switch
    {
        Activation.Identity => "identity",
        Activation.Sigmoid => "sigmoid",
        Activation.Tanh => "tanh",
        Activation.Relu => "relu",
        Activation.LeakyRelu => "leaky_relu",
        Activation.Elu => "elu",
        Activation.Gelu => "gelu",
        Activation.Silu => "silu",
        Activation.Softplus => "softplus",
        Activation.Softmax => "softmax",
        Activation.Step => "step",
        _ => activation.ToString(),
    };

    private static string LossName(Loss loss) => loss switch
    {
        Loss.MeanSquaredError => "mse",
        Loss.CrossEntropy => "cross_entropy",
        Loss.BinaryCrossEntropy => "binary_cross_entropy",
        _ => loss.ToString(),
    };

    private static string ProducerVersion()
    {
        Assembly core = typeof(INetwork<>).Assembly;
        string? version = core.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (version is not null)
        {
            int plus = version.IndexOf('+', StringComparison.Ordinal);
            return plus >= 0 ? version.Substring(0, plus) : version;
        }
        return core.GetName().Version?.ToString() ?? "0.0.0";
    }
}
