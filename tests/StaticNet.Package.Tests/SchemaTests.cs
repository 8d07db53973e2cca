using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using Json.Schema;
using Xunit;

namespace StaticNet.Package.Tests;

/// <summary>
/// The spec format's JSON Schema (src/StaticNet/schema/staticnet.schema.json): a valid draft-07 schema, satisfied
/// by every spec in the repository, strict where the generator is strict, and in step with the generator's
/// vocabulary.
/// </summary>
public class SchemaTests
{
    /// <summary>Specs are JSON with comments and trailing commas, as the generator reads them.</summary>
    private static readonly JsonDocumentOptions SpecOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(Repository.SchemaPath)));

    private static readonly EvaluationOptions ListOutput = new() { OutputFormat = OutputFormat.List };

    [Fact]
    public void Schema_IsAValidDraft07Schema_WithDescriptions()
    {
        using JsonDocument schema = JsonDocument.Parse(File.ReadAllText(Repository.SchemaPath));
        Assert.Equal("http://json-schema.org/draft-07/schema#", schema.RootElement.GetProperty("$schema").GetString());

        EvaluationResults result = MetaSchemas.Draft7.Evaluate(schema.RootElement, ListOutput);
        Assert.True(result.IsValid, string.Join(Environment.NewLine, Errors(result)));

        // Every property of the spec and of a layer is documented, and objects accept nothing else.
        JsonElement root = schema.RootElement;
        JsonElement layer = root.GetProperty("definitions").GetProperty("layer");
        foreach (JsonElement objectSchema in new[] { root, layer })
        {
            Assert.False(objectSchema.GetProperty("additionalProperties").GetBoolean());
            foreach (JsonProperty property in objectSchema.GetProperty("properties").EnumerateObject())
            {
                JsonElement target = property.Value.TryGetProperty("$ref", out JsonElement reference)
                    ? root.GetProperty("definitions").GetProperty(reference.GetString()!.Split('/')[^1])
                    : property.Value;
                Assert.True(target.TryGetProperty("description", out JsonElement description) && description.GetString()!.Length > 10,
                    $"'{property.Name}' has no description");
            }
        }
    }

    [Fact]
    public void EverySpecInTheRepository_ConformsToTheSchema_AndReferencesIt()
    {
        IReadOnlyList<string> specs = Repository.SpecFiles();
        Assert.True(specs.Count >= 100, $"only {specs.Count} specs found under {Repository.Root}");

        var failures = new List<string>();
        foreach (string path in specs)
        {
            string relative = Path.GetRelativePath(Repository.Root, path);
            using JsonDocument spec = JsonDocument.Parse(File.ReadAllText(path), SpecOptions);
            EvaluationResults result = Schema.Value.Evaluate(spec.RootElement, ListOutput);
            if (!result.IsValid)
            {
                failures.Add($"{relative}:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", Errors(result)));
            }

            // Samples and tests point editors at the schema with a relative "$schema".
            if (!spec.RootElement.TryGetProperty("$schema", out JsonElement reference))
            {
                failures.Add($"{relative}: no \"$schema\"");
            }
            else
            {
                string target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, reference.GetString()!));
                if (target != Repository.SchemaPath)
                {
                    failures.Add($"{relative}: \"$schema\" is \"{reference.GetString()}\", which is not the schema ({target})");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void Schema_AcceptsEveryField()
    {
        AssertValid("""
            {
              "$schema": "staticnet.schema.json",
              // comments and trailing commas, as the generator reads them
              "name": "Everything",
              "namespace": "My.Models",
              "precision": "double",
              "inputs": 3,
              "inputNames": ["a", "b", "c"],
              "normalize": ["standard", "min_max", "none"],
              "layers": [
                { "type": "dense", "units": 8, "activation": "leaky_relu", "alpha": 0.2, "bias": false, "name": "hidden" },
                { "units": 4, "activation": "elu", "alpha": 0.5 },
                { "units": 4, "activation": "gelu" },
                { "units": 2, "activation": "softmax", "name": "out_1" },
              ],
              "labels": ["no", "yes"],
              "loss": "cross_entropy",
              "weights": "everything.safetensors",
            }
            """);
        AssertValid("""{ "name": "N", "inputs": 1, "layers": [{ "units": 1 }], "normalize": "standard" }""");
    }

    [Theory]
    [InlineData("""{ "inputs": 2, "layers": [{ "units": 1 }] }""", "name required")]
    [InlineData("""{ "name": "N", "layers": [{ "units": 1 }] }""", "inputs required")]
    [InlineData("""{ "name": "N", "inputs": 2 }""", "layers required")]
    [InlineData("""{ "name": "N", "inputs": 2, "layers": [] }""", "layers empty (SN0014)")]
    [InlineData("""{ "name": "N", "inputs": 2, "layers": [{ "units": 1 }], "imputs": 3 }""", "unknown field (SN0002)")]
    [InlineData("""{ "name": "N", "inputs": 2, "layers": [{ "units": 1, "activaton": "relu" }] }""", "unknown layer field (SN0002)")]
    [InlineData("""{ "name": "N", "inputs": 2, "layers": [{ "activation": "relu" }] }""", "units required (SN0003)")]
    [InlineData("""{ "name": "N", "inputs": "2", "layers": [{ "units": 1 }] }""", "inputs as a string (SN0004)")]
    [InlineData("""{ "name": "N", "inputs": 2.5, "layers": [{ "units": 1 }] }""", "inputs not whole (SN0004)")]
    [InlineData("""{ "name": "N", "inputs": 0, "layers": [{ "units": 1 }] }""", "inputs < 1 (SN0005)")]
    [InlineData("""{ "name": "N", "inputs": 2, "layers": [{ "units": 1048577 }] }""", "units too large (SN0005)")]
    [InlineData("""{ "name": "N", "inputs": 2, "layers": [{ "units": 1, "activation": "rellu" }] }""", "unknown activation (SN0009)")]
    [InlineData("""{ "name": "N", "inputs": 2, "layers": [{ "units": 1, "type": "conv" }] }""", "unknown layer type (SN0010)")]
    [InlineData("""{ "name": "N", "inputs": 2, "layers": [{ "units": 1 }], "precision": "half" }""", "unknown precision (SN0010)")]
    [InlineData("""{ "name": "N", "inputs": 2, "layers": [{ "units": 1 }], "loss": "hinge" }""", "unknown loss (SN0010)")]
    [InlineData("""{ "name": "N", "inputs": 2, "layers": [{ "units": 1 }], "normalize": "zscore" }""", "unknown normalization (SN0010)")]
    [InlineData("""{ "name": "N", "inputs": 2, "layers": [{ "units": 1 }], "normalize": [1, 2] }""", "normalization not a string (SN0004)")]
    [InlineData("""{ "name": "N", "inputs": 2, "layers": [{ "units": 1, "bias": "yes" }] }""", "bias not a boolean (SN0004)")]
    [InlineData("""{ "name": "N", "inputs": 2, "layers": [{ "units": 1, "name": "out.put" }] }""", "layer name not a module name (SN0017)")]
    [InlineData("""{ "name": "N", "inputs": 2, "layers": [{ "units": 2 }], "labels": ["a", "a"] }""", "duplicate label (SN0016)")]
    [InlineData("""{ "name": "N", "inputs": 2, "inputNames": ["x", "x"], "layers": [{ "units": 1 }] }""", "duplicate input name (SN0016)")]
    public void Schema_RejectsWhatTheGeneratorRejects(string spec, string why)
    {
        using JsonDocument document = JsonDocument.Parse(spec, SpecOptions);
        Assert.False(Schema.Value.Evaluate(document.RootElement, ListOutput).IsValid, why);
    }

    /// <summary>
    /// The schema's field names, enums and limits are those of the generator's parser (SpecVocabulary, read by
    /// reflection: it is internal), so a new activation or field cannot be added to one and forgotten in the other.
    /// </summary>
    [Fact]
    public void SchemaVocabulary_MatchesTheGeneratorsParser()
    {
        Type vocabulary = Assembly.Load("StaticNet.Generator").GetType("StaticNet.Generator.Parsing.SpecVocabulary", throwOnError: true)!;
        T Field<T>(string name) => (T)vocabulary.GetField(name, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        string[] Names(string field) => ((Array)Field<object>(field)).Cast<object>()
            .Select(item => item is string text ? text : (string)item.GetType().GetField("Item1")!.GetValue(item)!)
            .ToArray();

        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Repository.SchemaPath));
        JsonElement root = document.RootElement;
        JsonElement definitions = root.GetProperty("definitions");
        JsonElement layer = definitions.GetProperty("layer");
        string[] Keys(JsonElement element) => element.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToArray();
        string[] Enum(JsonElement element) => element.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToArray();

        AssertSameSet(Names("RootFields"), Keys(root), "root fields");
        AssertSameSet(Names("LayerFields"), Keys(layer), "layer fields");
        AssertSameSet(Names("Activations"), Enum(definitions.GetProperty("activation")), "activations");
        AssertSameSet(Names("Losses"), Enum(root.GetProperty("properties").GetProperty("loss")), "losses");
        AssertSameSet(Names("Precisions"), Enum(root.GetProperty("properties").GetProperty("precision")), "precisions");
        AssertSameSet(Names("LayerTypes"), Enum(layer.GetProperty("properties").GetProperty("type")), "layer types");
        AssertSameSet(Names("NormalizationKinds"), Enum(definitions.GetProperty("normalization")), "normalization kinds");

        int maxWidth = Field<int>("MaxWidth");
        Assert.Equal(maxWidth, root.GetProperty("properties").GetProperty("inputs").GetProperty("maximum").GetInt32());
        Assert.Equal(maxWidth, layer.GetProperty("properties").GetProperty("units").GetProperty("maximum").GetInt32());
        Assert.Equal(Field<int>("MaxLayers"), root.GetProperty("properties").GetProperty("layers").GetProperty("maxItems").GetInt32());
    }

    private static void AssertSameSet(string[] generator, string[] schema, string what)
    {
        string[] missing = generator.Except(schema).ToArray();
        string[] extra = schema.Except(generator).ToArray();
        Assert.True(missing.Length == 0 && extra.Length == 0,
            $"{what}: the schema lacks [{string.Join(", ", missing)}] and has extra [{string.Join(", ", extra)}]");
    }

    private static void AssertValid(string spec)
    {
        using JsonDocument document = JsonDocument.Parse(spec, SpecOptions);
        EvaluationResults result = Schema.Value.Evaluate(document.RootElement, ListOutput);
        Assert.True(result.IsValid, string.Join(Environment.NewLine, Errors(result)));
    }

    private static IEnumerable<string> Errors(EvaluationResults result)
    {
        if (result.Errors is not null)
        {
            foreach (KeyValuePair<string, string> error in result.Errors)
            {
                yield return $"{result.InstanceLocation} ({result.EvaluationPath}) {error.Key}: {error.Value}";
            }
        }
        if (result.Details is not null)
        {
            foreach (EvaluationResults detail in result.Details)
            {
                foreach (string error in Errors(detail))
                {
                    yield return error;
                }
            }
        }
    }
}
