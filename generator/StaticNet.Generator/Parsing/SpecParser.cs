using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// Turns the text of one <c>*.staticnet.json</c> file into a <see cref="NetworkModel"/>, or into located
/// diagnostics. It reports every problem it can find in one pass, not just the first.
/// </summary>
internal sealed class SpecParser
{
    private readonly string _path;
    private readonly SourceText _text;
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private readonly ImportedNetwork? _imported;

    private SpecParser(string path, SourceText text, ImportedNetwork? imported)
    {
        _path = path;
        _text = text;
        _imported = imported;
    }

    public static SpecResult Parse(string path, SourceText text, string? defaultNamespace, CancellationToken cancellationToken) =>
        Parse(path, text, defaultNamespace, null, cancellationToken);

    /// <summary>
    /// Parses a spec; for a spec with <c>onnx</c>, <paramref name="imported"/> is the topology that
    /// <see cref="OnnxImporter"/> derived from the graph (null on the first pass, which only records the reference).
    /// </summary>
    public static SpecResult Parse(string path, SourceText text, string? defaultNamespace, ImportedNetwork? imported, CancellationToken cancellationToken)
    {
        var parser = new SpecParser(path, text, imported);
        JsonNode root;
        try
        {
            root = JsonReader.Parse(text.ToString(), cancellationToken);
        }
        catch (JsonSyntaxException exception)
        {
            parser.Report(DiagnosticDescriptors.MalformedJson, exception.Span, exception.Message);
            return parser.Result(null, default);
        }

        if (root is not JsonObject spec)
        {
            parser.Report(DiagnosticDescriptors.WrongType, root.Span, "the spec", "an object", root.KindDescription);
            return parser.Result(null, default);
        }

        return parser.ParseSpec(spec, defaultNamespace);
    }

    private SpecResult ParseSpec(JsonObject spec, string? defaultNamespace)
    {
        Dictionary<string, JsonProperty> fields = ReadFields(spec, SpecVocabulary.RootFields, "the spec");

        string? className = ReadIdentifier(fields, "name", required: true, spec, "Network name");
        if (className is not null && SpecVocabulary.IsGeneratedMemberName(className))
        {
            Report(DiagnosticDescriptors.InvalidIdentifier, fields["name"].Value.Span, "Network name", className, " (it is the name of a generated member)");
            className = null;
        }
        else if (className is not null && SpecVocabulary.IsReservedTypeName(className))
        {
            Report(DiagnosticDescriptors.InvalidIdentifier, fields["name"].Value.Span, "Network name", className,
                " (C# warns that type names of only lowercase letters may become keywords; start it with a capital letter)");
            className = null;
        }

        bool nsTooLong = false;
        string? ns = defaultNamespace is { Length: > 0 } && IsValidNamespace(defaultNamespace) ? CSharpNames.Canonical(defaultNamespace) : null;
        if (fields.TryGetValue("namespace", out JsonProperty? nsField) && ReadString(nsField) is { } nsValue)
        {
            if (IsValidNamespace(nsValue) && CSharpNames.MetadataLength(CSharpNames.Canonical(nsValue), "N") > CSharpNames.MaxMetadataName)
            {
                Report(DiagnosticDescriptors.InvalidIdentifier, nsField.Value.Span, "Namespace", nsValue,
                    $" (it is {Encoding.UTF8.GetByteCount(CSharpNames.Canonical(nsValue)).ToString(CultureInfo.InvariantCulture)} UTF-8 bytes long; C# metadata holds full type names of at most {CSharpNames.MaxMetadataName})");
                ns = null;
                nsTooLong = true;
            }
            else if (IsValidNamespace(nsValue))
            {
                ns = CSharpNames.Canonical(nsValue);
            }
            else
            {
                Report(DiagnosticDescriptors.InvalidIdentifier, nsField.Value.Span, "Namespace", nsValue,
                    HidesNameof(nsValue) ? " (a namespace named nameof would turn the nameof(...) of generated code into a call)" : "");
            }
        }

        if (className is not null && !nsTooLong && CSharpNames.MetadataLength(ns, className) > CSharpNames.MaxMetadataName)
        {
            // Roslyn's CS7013: metadata holds a full type name (namespace '.' name) of at most 1023 UTF-8 bytes.
            Report(DiagnosticDescriptors.InvalidIdentifier, fields["name"].Value.Span, "Network name", className,
                $" (with its namespace it is {CSharpNames.MetadataLength(ns, className).ToString(CultureInfo.InvariantCulture)} UTF-8 bytes long; C# metadata holds full type names of at most {CSharpNames.MaxMetadataName})");
            className = null;
        }

        PrecisionKind precision = PrecisionKind.Float;
        if (fields.TryGetValue("precision", out JsonProperty? precisionField) && ReadString(precisionField) is { } precisionValue)
        {
            if (precisionValue == "double")
            {
                precision = PrecisionKind.Double;
            }
            else if (precisionValue != "float")
            {
                Report(DiagnosticDescriptors.UnknownValue, precisionField.Value.Span, "precision", precisionValue,
                    SpecVocabulary.Suggestion(precisionValue, SpecVocabulary.Precisions), string.Join(", ", SpecVocabulary.Precisions));
            }
        }

        fields.TryGetValue("onnx", out JsonProperty? onnxField);
        if (onnxField is not null)
        {
            ReportOnnxConflicts(fields);
            if (_imported is not null && precisionField is not null && precision != _imported.Precision && ReportsNothingAt(precisionField.Value.Span))
            {
                Report(DiagnosticDescriptors.OnnxPrecisionMismatch, precisionField.Value.Span, SpecVocabulary.Precisions[(int)precision],
                    SpecVocabulary.Precisions[(int)_imported.Precision], _imported.PrecisionSource);
            }
            precision = _imported?.Precision ?? precision;
        }

        int? inputs = onnxField is null ? ReadSize(fields, "inputs", required: true, spec) : _imported?.InputSize;

        List<string>? inputNames = null;
        if (fields.TryGetValue("inputNames", out JsonProperty? inputNamesField))
        {
            inputNames = ReadStringList(inputNamesField, "input name", out _);
            if (inputNames is not null && inputs is not null && inputNames.Count != inputs)
            {
                Report(DiagnosticDescriptors.CountMismatch, inputNamesField.Value.Span, "inputNames", Count(inputNames.Count),
                    $"the network has {inputs} inputs (one name per input)");
            }
        }

        List<LayerModel>? layers = onnxField is null ? ReadLayers(fields, spec, inputs) : _imported?.Layers;

        List<string>? labels = null;
        List<string>? labelMembers = null;
        if (fields.TryGetValue("labels", out JsonProperty? labelsField))
        {
            labels = ReadStringList(labelsField, "label", out List<JsonNode> labelNodes);
            if (labels is not null)
            {
                labelMembers = ToLabelMembers(labels, labelNodes);
                if (layers is { Count: > 0 })
                {
                    int outputs = layers[layers.Count - 1].Units;
                    // A single output is a binary decision (Classify returns 0 or 1): it needs both labels.
                    bool matches = outputs == 1 ? labels.Count == 2 : labels.Count == outputs;
                    if (!matches)
                    {
                        Report(DiagnosticDescriptors.CountMismatch, labelsField.Value.Span, "labels", Count(labels.Count),
                            outputs == 1
                                ? "a network with a single output makes a binary decision and needs two labels (for 0 and 1)"
                                : $"the network has {outputs} outputs (one label per output)");
                    }
                }
            }
        }

        LossKind? loss = ReadLoss(fields, layers);

        List<string>? normalization = fields.TryGetValue("normalize", out JsonProperty? normalizeField)
            ? ReadNormalization(normalizeField, inputs)
            : null;

        WeightsReference? weights = null;
        if (fields.TryGetValue("weights", out JsonProperty? weightsField) && ReadString(weightsField) is { } weightsPath)
        {
            if (weightsPath.Length == 0 || weightsPath.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            {
                Report(DiagnosticDescriptors.WrongType, weightsField.Value.Span, "weights", "a path to a .safetensors file, relative to the spec", $"\"{weightsPath}\"");
            }
            else
            {
                string folder = Path.GetDirectoryName(_path) ?? "";
                weights = new WeightsReference(weightsPath, Path.GetFullPath(Path.Combine(folder, weightsPath)), weightsField.Value.Span, _text.Lines.GetLinePositionSpan(weightsField.Value.Span));
            }
        }

        string? onnxPath = onnxField is not null ? ReadString(onnxField) : null;
        if (onnxPath is not null && (onnxPath.Length == 0 || onnxPath.IndexOfAny(Path.GetInvalidPathChars()) >= 0))
        {
            Report(DiagnosticDescriptors.WrongType, onnxField!.Value.Span, "onnx", "a path to an .onnx file, relative to the spec", $"\"{onnxPath}\"");
            onnxPath = null;
        }
        if (onnxField is not null && _imported is null)
        {
            // First pass: the topology is in the ONNX file. OnnxImporter reads it and parses the spec again.
            bool failed = onnxPath is null || className is null || _diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error);
            string folder = Path.GetDirectoryName(_path) ?? "";
            return Result(null, fields.TryGetValue("name", out JsonProperty? specName) ? specName.Value.Span : default) with
            {
                Onnx = failed ? null : new OnnxReference(onnxPath!, Path.GetFullPath(Path.Combine(folder, onnxPath!)), onnxField.Value.Span,
                    _text.Lines.GetLinePositionSpan(onnxField.Value.Span), _text.ToString(), defaultNamespace),
            };
        }

        if (_diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error)
            || className is null || inputs is null || layers is null || loss is null)
        {
            return Result(null, fields.TryGetValue("name", out JsonProperty? nameField) ? nameField.Value.Span : default);
        }

        var model = new NetworkModel(
            Path.GetFileName(_path),
            ns,
            className,
            precision,
            inputs.Value,
            new EquatableArray<string>(inputNames ?? new List<string>()),
            new EquatableArray<LayerModel>(layers),
            new EquatableArray<string>(labels ?? new List<string>()),
            new EquatableArray<string>(labelMembers ?? new List<string>()),
            loss.Value)
        {
            WeightsFile = weights?.RelativePath,
            Normalization = new EquatableArray<string>(normalization ?? new List<string>()),
        };
        if (_imported is not null)
        {
            model = model with { WeightsFile = onnxPath, Pretrained = new EquatableArray<double>(_imported.Parameters) };
        }

        if (!model.IsTrainable)
        {
            Report(DiagnosticDescriptors.InferenceOnly, fields["name"].Value.Span, className);
        }

        return Result(model, fields["name"].Value.Span) with { Weights = weights };
    }

    /// <summary>With "onnx", the graph gives the inputs, the layers and the weights: the spec may not.</summary>
    private void ReportOnnxConflicts(Dictionary<string, JsonProperty> fields)
    {
        foreach ((string field, string reason) in new[]
        {
            ("inputs", "the input width is derived from the ONNX graph"),
            ("layers", "the layers are derived from the ONNX graph"),
            ("weights", "the weights come from the ONNX graph's initializers"),
        })
        {
            if (fields.TryGetValue(field, out JsonProperty? property))
            {
                Report(DiagnosticDescriptors.OnnxConflict, property.NameSpan, field, reason);
            }
        }
    }

    private bool ReportsNothingAt(TextSpan span) => !_diagnostics.Any(d => d.Span == span);

    private List<LayerModel>? ReadLayers(Dictionary<string, JsonProperty> fields, JsonObject spec, int? inputs)
    {
        if (!fields.TryGetValue("layers", out JsonProperty? layersField))
        {
            Report(DiagnosticDescriptors.MissingField, OpeningBrace(spec), "layers", "the spec");
            return null;
        }
        if (layersField.Value is not JsonArray array)
        {
            Report(DiagnosticDescriptors.WrongType, layersField.Value.Span, "layers", "an array of layer objects", layersField.Value.KindDescription);
            return null;
        }
        if (array.Items.Count == 0)
        {
            Report(DiagnosticDescriptors.EmptyLayers, array.Span);
            return null;
        }
        if (array.Items.Count > SpecVocabulary.MaxLayers)
        {
            Report(DiagnosticDescriptors.OutOfRange, array.Span, "the number of layers", "1", SpecVocabulary.MaxLayers.ToString(CultureInfo.InvariantCulture), array.Items.Count.ToString(CultureInfo.InvariantCulture));
            return null;
        }

        var layers = new List<LayerModel>();
        var layerNames = new HashSet<string>(StringComparer.Ordinal);
        bool valid = true;
        int fanIn = inputs ?? 1;
        long offset = 0;
        int moduleIndex = 0;
        for (int index = 0; index < array.Items.Count; index++)
        {
            JsonNode node = array.Items[index];
            string where = $"layer {index}";
            if (node is not JsonObject layer)
            {
                Report(DiagnosticDescriptors.WrongType, node.Span, where, "a layer object such as { \"units\": 8, \"activation\": \"relu\" }", node.KindDescription);
                valid = false;
                continue;
            }

            Dictionary<string, JsonProperty> layerFields = ReadFields(layer, SpecVocabulary.LayerFields, where);
            if (layerFields.TryGetValue("type", out JsonProperty? typeField) && ReadString(typeField) is { } type && type != "dense")
            {
                Report(DiagnosticDescriptors.UnknownValue, typeField.Value.Span, "layer type", type,
                    SpecVocabulary.Suggestion(type, SpecVocabulary.LayerTypes), string.Join(", ", SpecVocabulary.LayerTypes));
            }

            int? units = ReadSize(layerFields, "units", required: true, layer, where);
            ActivationKind activation = ActivationKind.Identity;
            bool activationKnown = true;
            if (layerFields.TryGetValue("activation", out JsonProperty? activationField) && ReadString(activationField) is { } activationName)
            {
                int found = Array.FindIndex(SpecVocabulary.Activations, a => a.Name == activationName);
                activationKnown = found >= 0;
                if (found < 0)
                {
                    Report(DiagnosticDescriptors.UnknownActivation, activationField.Value.Span, activationName,
                        SpecVocabulary.Suggestion(activationName, SpecVocabulary.Activations.Select(a => a.Name)),
                        string.Join(", ", SpecVocabulary.Activations.Select(a => a.Name)));
                    valid = false;
                }
                else
                {
                    activation = SpecVocabulary.Activations[found].Kind;
                    if (activation == ActivationKind.Softmax && index != array.Items.Count - 1)
                    {
                        Report(DiagnosticDescriptors.SoftmaxNotLast, activationField.Value.Span, index.ToString(CultureInfo.InvariantCulture), array.Items.Count.ToString(CultureInfo.InvariantCulture));
                    }
                }
            }

            bool hasBias = true;
            if (layerFields.TryGetValue("bias", out JsonProperty? biasField))
            {
                if (biasField.Value is JsonBoolean bias)
                {
                    hasBias = bias.Value;
                }
                else
                {
                    Report(DiagnosticDescriptors.WrongType, biasField.Value.Span, "bias", "true or false", biasField.Value.KindDescription);
                }
            }

            double alpha = SpecVocabulary.DefaultAlpha(activation);
            if (layerFields.TryGetValue("alpha", out JsonProperty? alphaField))
            {
                if (alphaField.Value is JsonNumber number)
                {
                    if (Math.Abs(number.Value) > float.MaxValue)
                    {
                        // Emitted as a float literal in float networks, where it would read "Infinityf"; also catches 1e999.
                        Report(DiagnosticDescriptors.OutOfRange, alphaField.Value.Span, "alpha", "-3.4E+38", "3.4E+38", number.Text);
                    }
                    else if (activation is ActivationKind.LeakyRelu or ActivationKind.Elu)
                    {
                        alpha = number.Value;
                    }
                    else if (activationKnown)
                    {
                        // (After an unknown activation the layer's kind is unknown too: SN0009 says enough.)
                        Report(DiagnosticDescriptors.IgnoredAlpha, alphaField.NameSpan, SpecVocabulary.ActivationName(activation));
                    }
                }
                else
                {
                    Report(DiagnosticDescriptors.WrongType, alphaField.Value.Span, "alpha", "a finite number", alphaField.Value.KindDescription);
                }
            }

            string? name = null;
            if (layerFields.TryGetValue("name", out JsonProperty? nameField) && ReadString(nameField) is { } layerName)
            {
                if (!IsModuleName(layerName))
                {
                    Report(DiagnosticDescriptors.InvalidLayerName, nameField.Value.Span, layerName);
                }
                else if (!layerNames.Add(layerName))
                {
                    Report(DiagnosticDescriptors.DuplicateEntry, nameField.Value.Span, "Layer name", layerName, " (weight-file keys must be unique)");
                }
                else
                {
                    name = layerName;
                }
            }

            if (units is null)
            {
                valid = false;
                continue;
            }

            long weightCount = (long)units.Value * fanIn;
            long layerEnd = offset + weightCount + (hasBias ? units.Value : 0);
            if (layerEnd > SpecVocabulary.MaxParameters)
            {
                Report(DiagnosticDescriptors.OutOfRange, layerFields["units"].Value.Span, "the parameter count", "1",
                    SpecVocabulary.MaxParameters.ToString(CultureInfo.InvariantCulture), layerEnd.ToString(CultureInfo.InvariantCulture));
                return null;
            }

            // nn.Sequential numbering: the Linear module, then one module per non-identity activation.
            string prefix = name ?? moduleIndex.ToString(CultureInfo.InvariantCulture);
            moduleIndex += activation == ActivationKind.Identity ? 1 : 2;
            layers.Add(new LayerModel(
                index,
                fanIn,
                units.Value,
                activation,
                alpha,
                hasBias,
                (int)offset,
                hasBias ? (int)(offset + weightCount) : -1,
                prefix + ".weight",
                hasBias ? prefix + ".bias" : null));
            offset = layerEnd;
            fanIn = units.Value;
        }

        return valid ? layers : null;
    }

    /// <summary>"normalize": one kind for every input, or an array with one kind per input.</summary>
    private List<string>? ReadNormalization(JsonProperty field, int? inputs)
    {
        string kinds = string.Join(", ", SpecVocabulary.NormalizationKinds);
        var result = new List<string>();
        IEnumerable<JsonNode> values = field.Value is JsonArray array ? array.Items : new[] { field.Value };
        foreach (JsonNode value in values)
        {
            if (value is not JsonString text)
            {
                Report(DiagnosticDescriptors.WrongType, value.Span, "normalize", $"one of {kinds}, or an array of them (one per input)", value.KindDescription);
                return null;
            }
            if (Array.IndexOf(SpecVocabulary.NormalizationKinds, text.Value) < 0)
            {
                Report(DiagnosticDescriptors.UnknownValue, value.Span, "normalization", text.Value,
                    SpecVocabulary.Suggestion(text.Value, SpecVocabulary.NormalizationKinds), kinds);
                return null;
            }
            result.Add(text.Value);
        }
        if (inputs is null)
        {
            return null;
        }
        if (field.Value is JsonArray && result.Count != inputs)
        {
            Report(DiagnosticDescriptors.CountMismatch, field.Value.Span, "normalize", Count(result.Count), $"the network has {inputs} inputs (one kind per input)");
            return null;
        }
        if (field.Value is not JsonArray)
        {
            result = Enumerable.Repeat(result[0], inputs.Value).ToList();
        }
        return result.All(kind => kind == "none") ? new List<string>() : result;
    }

    private LossKind? ReadLoss(Dictionary<string, JsonProperty> fields, List<LayerModel>? layers)
    {
        ActivationKind? output = layers is { Count: > 0 } ? layers[layers.Count - 1].Activation : null;
        if (!fields.TryGetValue("loss", out JsonProperty? lossField))
        {
            return output switch
            {
                ActivationKind.Softmax => LossKind.CrossEntropy,
                ActivationKind.Sigmoid => LossKind.BinaryCrossEntropy,
                _ => LossKind.MeanSquaredError,
            };
        }

        if (ReadString(lossField) is not { } lossName)
        {
            return null;
        }

        int found = Array.FindIndex(SpecVocabulary.Losses, l => l.Name == lossName);
        if (found < 0)
        {
            Report(DiagnosticDescriptors.UnknownValue, lossField.Value.Span, "loss", lossName,
                SpecVocabulary.Suggestion(lossName, SpecVocabulary.Losses.Select(l => l.Name)),
                string.Join(", ", SpecVocabulary.Losses.Select(l => l.Name)));
            return null;
        }

        LossKind loss = SpecVocabulary.Losses[found].Kind;
        string? requirement = (loss, output) switch
        {
            (LossKind.CrossEntropy, not (ActivationKind.Softmax or ActivationKind.Identity or null)) =>
                "cross_entropy needs a softmax output layer, or an identity one whose outputs are logits",
            (LossKind.BinaryCrossEntropy, not (ActivationKind.Sigmoid or null)) =>
                "binary_cross_entropy needs a sigmoid output layer",
            _ => null,
        };
        if (requirement is not null)
        {
            Report(DiagnosticDescriptors.IncompatibleLoss, lossField.Value.Span, lossName, SpecVocabulary.ActivationName(output!.Value), requirement);
            return null;
        }
        return loss;
    }

    // ---- field helpers --------------------------------------------------------------------------------

    private Dictionary<string, JsonProperty> ReadFields(JsonObject node, string[] allowed, string where)
    {
        var fields = new Dictionary<string, JsonProperty>(StringComparer.Ordinal);
        foreach (JsonProperty property in node.Properties)
        {
            if (Array.IndexOf(allowed, property.Name) < 0)
            {
                Report(DiagnosticDescriptors.UnknownField, property.NameSpan, property.Name, where,
                    SpecVocabulary.Suggestion(property.Name, allowed.Where(a => a[0] != '$')), string.Join(", ", allowed.Where(a => a[0] != '$')));
            }
            else if (fields.ContainsKey(property.Name))
            {
                Report(DiagnosticDescriptors.DuplicateField, property.NameSpan, property.Name, where);
            }
            else
            {
                fields.Add(property.Name, property);
            }
        }
        return fields;
    }

    private string? ReadString(JsonProperty field)
    {
        if (field.Value is JsonString text)
        {
            return text.Value;
        }
        Report(DiagnosticDescriptors.WrongType, field.Value.Span, field.Name, "a string", field.Value.KindDescription);
        return null;
    }

    private string? ReadIdentifier(Dictionary<string, JsonProperty> fields, string field, bool required, JsonObject owner, string what)
    {
        if (!fields.TryGetValue(field, out JsonProperty? property))
        {
            if (required)
            {
                Report(DiagnosticDescriptors.MissingField, OpeningBrace(owner), field, "the spec");
            }
            return null;
        }
        if (ReadString(property) is not { } value)
        {
            return null;
        }
        if (!IsIdentifier(value))
        {
            Report(DiagnosticDescriptors.InvalidIdentifier, property.Value.Span, what, value, "");
            return null;
        }
        // C# ignores formatting characters (Unicode Cf) in identifiers: "Net\u200B" declares Net. The model holds
        // the name C# sees, so duplicates compare and the emitter writes what the compiler would.
        return CSharpNames.Canonical(value);
    }

    private int? ReadSize(Dictionary<string, JsonProperty> fields, string field, bool required, JsonObject owner, string where = "the spec")
    {
        if (!fields.TryGetValue(field, out JsonProperty? property))
        {
            if (required)
            {
                Report(DiagnosticDescriptors.MissingField, OpeningBrace(owner), field, where);
            }
            return null;
        }
        if (property.Value is not JsonNumber number || !number.IsInteger)
        {
            Report(DiagnosticDescriptors.WrongType, property.Value.Span, field, "a whole number", property.Value is JsonNumber n ? n.Text : property.Value.KindDescription);
            return null;
        }
        if (number.Value < 1 || number.Value > SpecVocabulary.MaxWidth)
        {
            Report(DiagnosticDescriptors.OutOfRange, property.Value.Span, field, "1", SpecVocabulary.MaxWidth.ToString(CultureInfo.InvariantCulture), number.Text);
            return null;
        }
        return (int)number.Value;
    }

    private List<string>? ReadStringList(JsonProperty field, string what, out List<JsonNode> nodes)
    {
        nodes = new List<JsonNode>();
        if (field.Value is not JsonArray array)
        {
            Report(DiagnosticDescriptors.WrongType, field.Value.Span, field.Name, "an array of strings", field.Value.KindDescription);
            return null;
        }
        var values = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool valid = true;
        foreach (JsonNode item in array.Items)
        {
            if (item is not JsonString text)
            {
                Report(DiagnosticDescriptors.WrongType, item.Span, $"Each entry of {field.Name}", "a string", item.KindDescription);
                valid = false;
                continue;
            }
            if (!seen.Add(text.Value))
            {
                Report(DiagnosticDescriptors.DuplicateEntry, item.Span, char.ToUpperInvariant(what[0]) + what.Substring(1), text.Value, "");
                valid = false;
            }
            values.Add(text.Value);
            nodes.Add(item);
        }
        return valid ? values : null;
    }

    private List<string>? ToLabelMembers(List<string> labels, List<JsonNode> nodes)
    {
        var members = new List<string>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        bool valid = true;
        for (int i = 0; i < labels.Count; i++)
        {
            string member = ToPascalCase(labels[i]);
            if (IsIdentifier(member) && Encoding.UTF8.GetByteCount(member) > CSharpNames.MaxMetadataName)
            {
                Report(DiagnosticDescriptors.InvalidIdentifier, nodes[i].Span, "Label", labels[i],
                    $" (its enum member is {Encoding.UTF8.GetByteCount(member).ToString(CultureInfo.InvariantCulture)} UTF-8 bytes long; C# metadata holds names of at most {CSharpNames.MaxMetadataName})");
                valid = false;
            }
            else if (!IsIdentifier(member))
            {
                Report(DiagnosticDescriptors.InvalidIdentifier, nodes[i].Span, "Label", labels[i],
                    member.Length == 0 ? "" : $" (it becomes '{member}'; labels must start with a letter)");
                valid = false;
            }
            else if (seen.TryGetValue(member, out string? other))
            {
                Report(DiagnosticDescriptors.DuplicateEntry, nodes[i].Span, "Label member", member, $" (from '{other}' and '{labels[i]}')");
                valid = false;
            }
            else
            {
                seen.Add(member, labels[i]);
            }
            members.Add(member);
        }
        return valid ? members : null;
    }

    /// <summary>"versicolor" → "Versicolor", "class_0" → "Class0", "Iris-setosa" → "IrisSetosa".</summary>
    internal static string ToPascalCase(string label)
    {
        var builder = new StringBuilder(label.Length);
        bool upperNext = true;
        foreach (char c in label)
        {
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(upperNext ? char.ToUpperInvariant(c) : c);
                upperNext = false;
            }
            else
            {
                upperNext = true;
            }
        }
        return builder.ToString();
    }

    /// <summary>A name C# accepts as written, and whose formatting characters removed are not a keyword ("cl\u200Bass" is class).</summary>
    private static bool IsIdentifier(string value) =>
        SyntaxFacts.IsValidIdentifier(value) && SyntaxFacts.GetKeywordKind(CSharpNames.Canonical(value)) == SyntaxKind.None;

    /// <summary>
    /// Every segment an identifier, and none named <c>nameof</c>: C# binds <c>nameof(x)</c> to a symbol of that name
    /// when lookup finds one, so such a namespace breaks the nameof(...) of generated code (CS0118).
    /// </summary>
    private static bool IsValidNamespace(string value) => value.Split('.').All(IsIdentifier) && !HidesNameof(value);

    private static bool HidesNameof(string value) => value.Split('.').Any(segment => CSharpNames.Canonical(segment) == "nameof");

    private static bool IsModuleName(string value) =>
        value.Length > 0 && (char.IsLetter(value[0]) || value[0] == '_') && value.All(c => c == '_' || (c < 128 && char.IsLetterOrDigit(c)));

    private static string Count(int count) => count.ToString(CultureInfo.InvariantCulture);

    private static TextSpan OpeningBrace(JsonObject node) => new(node.Span.Start, 1);

    private void Report(DiagnosticDescriptor descriptor, TextSpan span, params string[] arguments)
    {
        _diagnostics.Add(new DiagnosticInfo(descriptor, _path, span, _text.Lines.GetLinePositionSpan(span), new EquatableArray<string>(arguments)));
    }

    private SpecResult Result(NetworkModel? network, TextSpan nameSpan) =>
        new(network, new EquatableArray<DiagnosticInfo>(_diagnostics), _path, nameSpan, _text.Lines.GetLinePositionSpan(nameSpan));
}
