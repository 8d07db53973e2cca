using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using StaticNet.Generator.Tests.Infrastructure;
using Xunit;
using static StaticNet.Generator.Tests.DiagnosticAssert;

namespace StaticNet.Generator.Tests;

/// <summary>
/// One test (or theory) per diagnostic id: the id, the severity, the exact line and column of the offending
/// token in the spec, and a message that says what was expected. Specs mark the expected span with [|...|];
/// the line and column next to each were counted by hand (1-based, as an editor shows them).
/// </summary>
public sealed class DiagnosticTests
{
    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;

    // ---- SN0001 malformed JSON -------------------------------------------------------------------------

    public static TheoryData<string, string, int, int> MalformedJson => new()
    {
        {
            // missing comma between properties: the error is at the next property's opening quote
            """
            {
              "name": "Net"
              [|"|]inputs": 2,
              "layers": [{ "units": 1 }]
            }
            """, "unexpected '\"', expected ',' or '}'", 3, 3
        },
        {
            // missing comma between array items
            """
            {
              "name": "Net",
              "inputs": 2,
              "layers": [{ "units": 4 } [|{|] "units": 1 }]
            }
            """, "unexpected '{', expected ',' or ']'", 4, 29
        },
        {
            // unterminated string: from the opening quote to the end of the line
            """
            {
              "name": [|"Net,|]
              "inputs": 2
            }
            """, "unterminated string (line break inside a string)", 2, 11
        },
        {
            // unterminated string at the end of the file
            """{ "name": [|"Net|]""", "unterminated string", 1, 11
        },
        {
            // trailing garbage after the document
            """
            { "name": "Net", "inputs": 2, "layers": [{ "units": 1 }] }
            [|}|]
            """, "unexpected '}' after the end of the document", 2, 1
        },
        {
            // end of file inside an object: an empty span at the very end
            """{ "name": "Net",[||]""", "unexpected end of file inside an object, expected '}'", 1, 17
        },
        {
            // an empty file
            "[||]", "unexpected end of file, expected a value", 1, 1
        },
        {
            // a bare word where a value belongs
            """{ "name": [|N|]et }""", "unexpected 'N', expected a value (object, array, string, number, true, false or null)", 1, 11
        },
        {
            // a bare word that starts like a literal
            """
            {
              "name": "Net",
              "inputs": 2,
              "layers": [{ "units": 1, "activation": [|none|] }]
            }
            """, "unexpected 'none', expected a value (strings need double quotes)", 4, 42
        },
        {
            // single-quoted property name
            """{ [|'|]name': "Net" }""", "unexpected ''', expected a property name in double quotes or '}'", 1, 3
        },
        {
            // unterminated block comment
            """
            {
              [|/*|] the network of the README
              "name": "Net"
            }
            """, "unterminated /* comment", 2, 3
        },
        {
            // leading zero
            """{ "name": "Net", "inputs": [|02|], "layers": [{ "units": 1 }] }""", "numbers may not have leading zeros", 1, 28
        },
        {
            // invalid escape in a string
            """{ "name": "N[|\q|]" }""", "invalid escape '\\q'", 1, 13
        },
    };

    [Theory]
    [MemberData(nameof(MalformedJson))]
    public void SN0001_MalformedJson(string spec, string detail, int line, int column)
    {
        Expect(spec, "SN0001", Error, line, column, "The spec is not valid JSON: " + detail);
    }

    // ---- SN0002 unknown field ---------------------------------------------------------------------------

    [Fact]
    public void SN0002_UnknownLayerFieldSuggestsTheClosestOne()
    {
        const string spec = """
            {
              "name": "Net",
              "inputs": 2,
              "layers": [
                { [|"unit"|]: 4 }
              ]
            }
            """;
        Expect(spec, "SN0002", Error, 5, 7, out GeneratorRun run,
            "Unknown field 'unit' in layer 0 (did you mean 'units'?); allowed fields are: type, units, activation, bias, name, alpha");

        // ... and units is then missing, reported at the layer's opening brace.
        Diagnostic missing = Assert.Single(run.Diagnostics, d => d.Id == "SN0003");
        Assert.Equal((5, 5), (missing.Location.GetLineSpan().StartLinePosition.Line + 1, missing.Location.GetLineSpan().StartLinePosition.Character + 1));
    }

    [Fact]
    public void SN0002_UnknownRootFieldSuggestsTheClosestOne()
    {
        const string spec = """
            {
              "name": "Net",
              "inputs": 2,
              "layers": [{ "units": 2 }],
              [|"lables"|]: ["a", "b"]
            }
            """;
        Expect(spec, "SN0002", Error, 5, 3,
            "Unknown field 'lables' in the spec (did you mean 'labels'?); allowed fields are: name, namespace, precision, inputs, inputNames, layers, labels, loss");
    }

    [Fact]
    public void SN0002_UnknownFieldFarFromEveryFieldHasNoSuggestion()
    {
        const string spec = """{ "name": "Net", "inputs": 2, "layers": [{ "units": 2, [|"dropout"|]: 0.5 }] }""";
        Diagnostic diagnostic = Expect(spec, "SN0002", Error, 1, 56, "Unknown field 'dropout' in layer 0; allowed fields are:");
        Assert.DoesNotContain("did you mean", diagnostic.GetMessage());
    }

    // ---- SN0003 missing required field -------------------------------------------------------------------

    public static TheoryData<string, string, int, int> MissingFields => new()
    {
        { """[|{|] "inputs": 2, "layers": [{ "units": 1 }] }""", "Missing required field 'name' in the spec", 1, 1 },
        { """[|{|] "name": "Net", "layers": [{ "units": 1 }] }""", "Missing required field 'inputs' in the spec", 1, 1 },
        {
            """
            // comments before the object do not move the location
            [|{|]
              "name": "Net",
              "inputs": 2
            }
            """, "Missing required field 'layers' in the spec", 2, 1
        },
        {
            """
            {
              "name": "Net",
              "inputs": 2,
              "layers": [
                { "units": 3, "activation": "relu" },
                [|{|] "activation": "sigmoid" }
              ]
            }
            """, "Missing required field 'units' in layer 1", 6, 5
        },
    };

    [Theory]
    [MemberData(nameof(MissingFields))]
    public void SN0003_MissingRequiredField(string spec, string message, int line, int column)
    {
        Expect(spec, "SN0003", Error, line, column, message);
    }

    // ---- SN0004 wrong type -------------------------------------------------------------------------------

    public static TheoryData<string, string, int, int> WrongTypes => new()
    {
        { """{ "name": "Net", "inputs": [|"4"|], "layers": [{ "units": 1 }] }""", "'inputs' must be a whole number, but is a string", 1, 28 },
        { """{ "name": "Net", "inputs": [|2.5|], "layers": [{ "units": 1 }] }""", "'inputs' must be a whole number, but is 2.5", 1, 28 },
        { """{ "name": "Net", "inputs": [|1e3|], "layers": [{ "units": 1 }] }""", "'inputs' must be a whole number, but is 1e3", 1, 28 },
        { """{ "name": "Net", "inputs": 2, "layers": [{ "units": [|true|] }] }""", "'units' must be a whole number, but is a boolean", 1, 53 },
        { """{ "name": "Net", "inputs": 2, "layers": [{ "units": 1, "bias": [|"no"|] }] }""", "'bias' must be true or false, but is a string", 1, 64 },
        { """{ "name": [|42|], "inputs": 2, "layers": [{ "units": 1 }] }""", "'name' must be a string, but is a number", 1, 11 },
        { """{ "name": "Net", "inputs": 2, "layers": [|{ "units": 1 }|] }""", "'layers' must be an array of layer objects, but is an object", 1, 41 },
        { """{ "name": "Net", "inputs": 2, "layers": [[|4|]] }""", "'layer 0' must be a layer object such as { \"units\": 8, \"activation\": \"relu\" }, but is a number", 1, 42 },
        { """{ "name": "Net", "inputs": 2, "layers": [{ "units": 2 }], "labels": [|"a,b"|] }""", "'labels' must be an array of strings, but is a string", 1, 69 },
        { """{ "name": "Net", "inputs": 2, "layers": [{ "units": 2 }], "labels": ["a", [|null|]] }""", "must be a string, but is null", 1, 75 },
        { """{ "name": "Net", "inputs": 2, "layers": [{ "units": 2, "activation": "elu", "alpha": [|"0.1"|] }] }""", "'alpha' must be a finite number, but is a string", 1, 86 },
        { """{ "name": "Net", "inputs": 2, "normalize": [|true|], "layers": [{ "units": 1 }] }""", "'normalize' must be one of none, standard, min_max, or an array of them (one per input), but is a boolean", 1, 44 },
        { """[|[{ "name": "Net" }]|]""", "'the spec' must be an object, but is an array", 1, 1 },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void SN0004_WrongType(string spec, string message, int line, int column)
    {
        Expect(spec, "SN0004", Error, line, column, message);
    }

    // ---- SN0005 out of range -----------------------------------------------------------------------------

    public static TheoryData<string, string, int, int> OutOfRange => new()
    {
        { """{ "name": "Net", "inputs": [|0|], "layers": [{ "units": 1 }] }""", "'inputs' must be between 1 and 1048576, but is 0", 1, 28 },
        { """{ "name": "Net", "inputs": [|1000000000|], "layers": [{ "units": 1 }] }""", "'inputs' must be between 1 and 1048576, but is 1000000000", 1, 28 },
        { """{ "name": "Net", "inputs": 2, "layers": [{ "units": [|0|] }] }""", "'units' must be between 1 and 1048576, but is 0", 1, 53 },
        { """{ "name": "Net", "inputs": 2, "layers": [{ "units": [|1000000000|] }] }""", "'units' must be between 1 and 1048576, but is 1000000000", 1, 53 },
        { """{ "name": "Net", "inputs": 2, "layers": [{ "units": [|-3|] }] }""", "'units' must be between 1 and 1048576, but is -3", 1, 53 },
        {
            """
            {
              "name": "Net",
              "inputs": 1048576,
              "layers": [{ "units": [|1048576|] }]
            }
            """, "'the parameter count' must be between 1 and 268435456, but is 1099512676352", 4, 25
        },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void SN0005_OutOfRange(string spec, string message, int line, int column)
    {
        Expect(spec, "SN0005", Error, line, column, message);
    }

    [Fact]
    public void SN0005_TooManyLayers()
    {
        string layers = string.Join(", ", Enumerable.Repeat("{ \"units\": 1 }", 257));
        string spec = "{ \"name\": \"Net\", \"inputs\": 1, \"layers\": [|[" + layers + "]|] }";
        Expect(spec, "SN0005", Error, 1, 41, "'the number of layers' must be between 1 and 256, but is 257");
    }

    // ---- SN0006 invalid identifier -----------------------------------------------------------------------

    public static TheoryData<string, string, int, int> InvalidIdentifiers => new()
    {
        { """{ "name": [|"my-net"|], "inputs": 2, "layers": [{ "units": 1 }] }""", "Network name 'my-net' does not give a valid C# identifier", 1, 11 },
        { """{ "name": [|"class"|], "inputs": 2, "layers": [{ "units": 1 }] }""", "Network name 'class' does not give a valid C# identifier", 1, 11 },
        { """{ "name": [|"Predict"|], "inputs": 2, "layers": [{ "units": 1 }] }""", "Network name 'Predict' does not give a valid C# identifier (it is the name of a generated member)", 1, 11 },
        { """{ "name": "Net", "namespace": [|"A..B"|], "inputs": 2, "layers": [{ "units": 1 }] }""", "Namespace 'A..B' does not give a valid C# identifier", 1, 31 },
        { """{ "name": "Net", "namespace": [|"A.int"|], "inputs": 2, "layers": [{ "units": 1 }] }""", "Namespace 'A.int' does not give a valid C# identifier", 1, 31 },
        {
            """
            {
              "name": "Net",
              "inputs": 2,
              "layers": [{ "units": 2 }],
              "labels": ["zero", [|"0"|]]
            }
            """, "Label '0' does not give a valid C# identifier (it becomes '0'; labels must start with a letter)", 5, 22
        },
        { """{ "name": "Net", "inputs": 2, "layers": [{ "units": 2 }], "labels": ["a", [|"!!!"|]] }""", "Label '!!!' does not give a valid C# identifier", 1, 75 },
    };

    [Theory]
    [MemberData(nameof(InvalidIdentifiers))]
    public void SN0006_InvalidIdentifier(string spec, string message, int line, int column)
    {
        Expect(spec, "SN0006", Error, line, column, message);
    }

    // ---- SN0007 count mismatch ---------------------------------------------------------------------------

    public static TheoryData<string, string, int, int> CountMismatches => new()
    {
        {
            """
            {
              "name": "Net",
              "inputs": 4,
              "layers": [{ "units": 3, "activation": "softmax" }],
              "labels": [|["cat", "dog"]|]
            }
            """, "'labels' has 2 entries, but the network has 3 outputs (one label per output)", 5, 13
        },
        {
            """{ "name": "Net", "inputs": 4, "layers": [{ "units": 1, "activation": "sigmoid" }], "labels": [|["a", "b", "c"]|] }""",
            "'labels' has 3 entries, but a network with a single output makes a binary decision and needs two labels (for 0 and 1)", 1, 94
        },
        {
            """{ "name": "Net", "inputs": 4, "layers": [{ "units": 1, "activation": "sigmoid" }], "labels": [|["yes"]|] }""",
            "'labels' has 1 entries, but a network with a single output makes a binary decision and needs two labels (for 0 and 1)", 1, 94
        },
        {
            """
            {
              "name": "Net",
              "inputs": 4,
              "inputNames": [|["a", "b", "c"]|],
              "layers": [{ "units": 1 }]
            }
            """, "'inputNames' has 3 entries, but the network has 4 inputs (one name per input)", 4, 17
        },
        {
            """{ "name": "Net", "inputs": 3, "normalize": [|["standard", "min_max"]|], "layers": [{ "units": 1 }] }""",
            "'normalize' has 2 entries, but the network has 3 inputs (one kind per input)", 1, 44
        },
    };

    [Theory]
    [MemberData(nameof(CountMismatches))]
    public void SN0007_CountMismatch(string spec, string message, int line, int column)
    {
        Expect(spec, "SN0007", Error, line, column, message);
    }

    // ---- SN0008 softmax before the last layer -------------------------------------------------------------

    [Fact]
    public void SN0008_SoftmaxOnAHiddenLayer()
    {
        const string spec = """
            {
              "name": "Net",
              "inputs": 4,
              "layers": [
                { "units": 8, "activation": [|"softmax"|] },
                { "units": 2 }
              ]
            }
            """;
        Expect(spec, "SN0008", Error, 5, 33, "'softmax' is only allowed on the last layer, but layer 0 of 2 uses it");
    }

    // ---- SN0009 unknown activation ------------------------------------------------------------------------

    [Theory]
    [InlineData("rellu", "relu")]
    [InlineData("Sigmoid", "sigmoid")]
    [InlineData("leakyrelu", "leaky_relu")]
    public void SN0009_UnknownActivationSuggestsTheClosestOne(string activation, string suggestion)
    {
        string spec = """{ "name": "Net", "inputs": 2, "layers": [{ "units": 1, "activation": [|"ACT"|] }] }""".Replace("ACT", activation);
        Expect(spec, "SN0009", Error, 1, 70,
            $"Unknown activation '{activation}' (did you mean '{suggestion}'?); valid activations are: identity, sigmoid, tanh, relu, leaky_relu, elu, gelu, silu, softplus, softmax, step");
    }

    [Fact]
    public void SN0009_UnknownActivationFarFromEveryNameHasNoSuggestion()
    {
        Diagnostic diagnostic = Expect("""{ "name": "Net", "inputs": 2, "layers": [{ "units": 1, "activation": [|"convolution"|] }] }""",
            "SN0009", Error, 1, 70, "Unknown activation 'convolution'; valid activations are:");
        Assert.DoesNotContain("did you mean", diagnostic.GetMessage());
    }

    // ---- SN0010 unknown value -----------------------------------------------------------------------------

    public static TheoryData<string, string, int, int> UnknownValues => new()
    {
        { """{ "name": "Net", "precision": [|"doubel"|], "inputs": 2, "layers": [{ "units": 1 }] }""", "Unknown precision 'doubel' (did you mean 'double'?); expected one of: float, double", 1, 31 },
        { """{ "name": "Net", "precision": [|"half"|], "inputs": 2, "layers": [{ "units": 1 }] }""", "Unknown precision 'half'; expected one of: float, double", 1, 31 },
        {
            """
            {
              "name": "Net",
              "inputs": 2,
              "layers": [{ "units": 3, "activation": "softmax" }],
              "loss": [|"crossentropy"|]
            }
            """, "Unknown loss 'crossentropy' (did you mean 'cross_entropy'?); expected one of: mse, cross_entropy, binary_cross_entropy", 5, 11
        },
        { """{ "name": "Net", "inputs": 2, "layers": [{ "type": [|"conv2d"|], "units": 1 }] }""", "Unknown layer type 'conv2d'; expected one of: dense", 1, 52 },
        { """{ "name": "Net", "inputs": 2, "normalize": ["none", [|"standardize"|]], "layers": [{ "units": 1 }] }""", "Unknown normalization 'standardize' (did you mean 'standard'?); expected one of: none, standard, min_max", 1, 53 },
    };

    [Theory]
    [MemberData(nameof(UnknownValues))]
    public void SN0010_UnknownValue(string spec, string message, int line, int column)
    {
        Expect(spec, "SN0010", Error, line, column, message);
    }

    // ---- SN0011 loss incompatible with the output layer -----------------------------------------------------

    [Fact]
    public void SN0011_CrossEntropyAfterSigmoid()
    {
        const string spec = """
            {
              "name": "Net",
              "inputs": 2,
              "layers": [{ "units": 3, "activation": "sigmoid" }],
              "loss": [|"cross_entropy"|]
            }
            """;
        Expect(spec, "SN0011", Error, 5, 11,
            "Loss 'cross_entropy' cannot follow a 'sigmoid' output layer; cross_entropy needs a softmax output layer, or an identity one whose outputs are logits");
    }

    [Fact]
    public void SN0011_BinaryCrossEntropyAfterRelu()
    {
        const string spec = """
            {
              "name": "Net",
              "inputs": 2,
              "layers": [
                { "units": 4, "activation": "sigmoid" },
                { "units": 1, "activation": "relu" }
              ],
              "loss": [|"binary_cross_entropy"|]
            }
            """;
        Expect(spec, "SN0011", Error, 8, 11,
            "Loss 'binary_cross_entropy' cannot follow a 'relu' output layer; binary_cross_entropy needs a sigmoid output layer");
    }

    // ---- SN0012 duplicate network name (across specs) -------------------------------------------------------

    [Fact]
    public void SN0012_DuplicateNetworkNameIsReportedOnTheSecondSpecByPathAndTheFirstStillGenerates()
    {
        Markup second = Markup.Parse("""
            {
              "name": [|"Net"|],
              "inputs": 3,
              "layers": [{ "units": 1 }]
            }
            """);
        const string first = """{ "name": "Net", "inputs": 2, "layers": [{ "units": 1 }] }""";

        // The second by path comes first in the project: order of the items must not matter.
        GeneratorRun run = GeneratorHarness.Run(new AdditionalText[]
        {
            GeneratorHarness.Spec("Zebra.staticnet.json", second.Text),
            GeneratorHarness.Spec("Aardvark.staticnet.json", first),
        });

        run.AssertDidNotCrash();
        Diagnostic diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("SN0012", diagnostic.Id);
        Assert.Equal(Error, diagnostic.Severity);
        AssertLocation(diagnostic, "/project/Specs/Zebra.staticnet.json", second);
        Assert.Equal((2, 11), second.Start);
        Assert.Equal("Another spec (Aardvark.staticnet.json) already defines the network 'Contoso.Models.Net'; class names must be unique within a namespace",
            diagnostic.GetMessage());

        string source = Assert.Single(run.Sources).Value;
        Assert.Contains("Generated by the StaticNet source generator from Aardvark.staticnet.json", source);
        Assert.Contains("public const int InputSize = 2;", source);
    }

    [Fact]
    public void SN0012_SameNameInDifferentNamespacesIsFine()
    {
        GeneratorRun run = GeneratorHarness.Run(new AdditionalText[]
        {
            GeneratorHarness.Spec("A.staticnet.json", """{ "name": "Net", "inputs": 2, "layers": [{ "units": 1 }] }"""),
            GeneratorHarness.Spec("B.staticnet.json", """{ "name": "Net", "namespace": "Other", "inputs": 2, "layers": [{ "units": 1 }] }"""),
        });

        Assert.Empty(run.Diagnostics);
        Assert.Equal(new[] { "Contoso.Models.Net.g.cs", "Other.Net.g.cs" }, run.Sources.Keys.OrderBy(k => k, System.StringComparer.Ordinal));
        GeneratorHarness.AssertCompilesCleanly(run.Sources.Values);
    }

    // ---- SN0013 duplicate field ---------------------------------------------------------------------------

    [Fact]
    public void SN0013_DuplicateRootField()
    {
        const string spec = """
            {
              "name": "Net",
              "inputs": 2,
              [|"inputs"|]: 3,
              "layers": [{ "units": 1 }]
            }
            """;
        Expect(spec, "SN0013", Error, 4, 3, "Field 'inputs' appears more than once in the spec");
    }

    [Fact]
    public void SN0013_DuplicateLayerField()
    {
        Expect("""{ "name": "Net", "inputs": 2, "layers": [{ "units": 1 }, { "units": 1, [|"units"|]: 2 }] }""",
            "SN0013", Error, 1, 72, "Field 'units' appears more than once in layer 1");
    }

    // ---- SN0014 empty layers ------------------------------------------------------------------------------

    [Fact]
    public void SN0014_EmptyLayers()
    {
        const string spec = """
            {
              "name": "Net",
              "inputs": 2,
              "layers": [|[
                // nothing yet
              ]|]
            }
            """;
        Expect(spec, "SN0014", Error, 4, 13, "'layers' must contain at least one layer");
    }

    // ---- SN0015 ignored alpha (warning) --------------------------------------------------------------------

    [Fact]
    public void SN0015_AlphaOnAReluLayerIsAWarningAndTheNetworkStillGenerates()
    {
        const string spec = """
            {
              "name": "Net",
              "inputs": 2,
              "layers": [{ "units": 2, "activation": "relu", [|"alpha"|]: 0.1 }]
            }
            """;
        Expect(spec, "SN0015", DiagnosticSeverity.Warning, 4, 50, out GeneratorRun run,
            "'alpha' has no effect on a 'relu' layer; only leaky_relu and elu use it");

        Assert.Single(run.Diagnostics);
        GeneratorHarness.AssertCompilesCleanly(new[] { run.SingleSource() });
    }

    // ---- SN0016 duplicate entries --------------------------------------------------------------------------

    public static TheoryData<string, string, int, int> DuplicateEntries => new()
    {
        {
            """
            {
              "name": "Net",
              "inputs": 2,
              "layers": [{ "units": 3 }],
              "labels": ["cat", "dog", [|"cat"|]]
            }
            """, "Label 'cat' appears more than once", 5, 28
        },
        {
            // different labels, same enum member
            """{ "name": "Net", "inputs": 2, "layers": [{ "units": 2 }], "labels": ["big cat", [|"BigCat"|]] }""",
            "Label member 'BigCat' appears more than once (from 'big cat' and 'BigCat')", 1, 81
        },
        {
            """{ "name": "Net", "inputs": 2, "inputNames": ["x", [|"x"|]], "layers": [{ "units": 1 }] }""",
            "Input name 'x' appears more than once", 1, 51
        },
        {
            """
            {
              "name": "Net",
              "inputs": 2,
              "layers": [
                { "units": 4, "name": "encoder" },
                { "units": 1, "name": [|"encoder"|] }
              ]
            }
            """, "Layer name 'encoder' appears more than once (weight-file keys must be unique)", 6, 27
        },
    };

    [Theory]
    [MemberData(nameof(DuplicateEntries))]
    public void SN0016_DuplicateEntry(string spec, string message, int line, int column)
    {
        Expect(spec, "SN0016", Error, line, column, message);
    }

    // ---- SN0017 invalid layer name -------------------------------------------------------------------------

    [Theory]
    [InlineData("my layer")]
    [InlineData("0abc")]
    [InlineData("enc.out")]
    [InlineData("\u00e9t\u00e9")]
    [InlineData("")]
    public void SN0017_InvalidLayerName(string name)
    {
        string spec = """{ "name": "Net", "inputs": 2, "layers": [{ "units": 1, "name": [|"NAME"|] }] }""".Replace("NAME", name);
        Expect(spec, "SN0017", Error, 1, 64,
            $"Layer name '{name}' must start with a letter or '_' and contain only letters, digits and '_'");
    }

    // ---- SN0100 inference only (info) ----------------------------------------------------------------------

    [Fact]
    public void SN0100_StepActivationIsInfoAndTheNetworkStillGenerates()
    {
        const string spec = """
            {
              "name": [|"Perceptron"|],
              "inputs": 2,
              "layers": [{ "units": 1, "activation": "step" }]
            }
            """;
        Expect(spec, "SN0100", DiagnosticSeverity.Info, 2, 11, out GeneratorRun run,
            "Network 'Perceptron' uses the 'step' activation, whose gradient is zero almost everywhere: no AccumulateGradient is generated and it cannot be trained");

        string source = run.SingleSource();
        Assert.DoesNotContain("public float AccumulateGradient", source);
        GeneratorHarness.AssertCompilesCleanly(new[] { source });
    }

    // ---- SN0999 internal error -----------------------------------------------------------------------------

    [Fact]
    public void SN0999_AnExceptionBecomesOneDiagnosticOnThatSpecAndTheOthersStillGenerate()
    {
        GeneratorRun run = GeneratorHarness.Run(new AdditionalText[]
        {
            new ThrowingAdditionalText("/project/Specs/Broken.staticnet.json"),
            GeneratorHarness.Spec("Good.staticnet.json", """{ "name": "Good", "inputs": 2, "layers": [{ "units": 1 }] }"""),
        });

        Assert.Null(run.Result.Exception);
        Assert.DoesNotContain(run.DriverDiagnostics, d => d.Id is "CS8785" or "AD0001");
        Diagnostic diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("SN0999", diagnostic.Id);
        Assert.Equal(Error, diagnostic.Severity);
        Assert.Equal("/project/Specs/Broken.staticnet.json", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal("The StaticNet generator failed on this spec; please report it: IOException: The disk went away.", diagnostic.GetMessage());
        Assert.Equal(new[] { "Contoso.Models.Good.g.cs" }, run.Sources.Keys);
    }

    // ---- across ids ----------------------------------------------------------------------------------------

    [Fact]
    public void EveryProblemOfASpecIsReportedInOnePass()
    {
        const string spec = """
            {
              "name": "my-net",
              "inputs": 0,
              "layers": [
                { "units": 4, "activation": "rellu" },
                { "unit": 2 }
              ],
              "loss": "hinge"
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(spec);

        Assert.Equal(new[] { "SN0006", "SN0005", "SN0009", "SN0003", "SN0002", "SN0010" }, run.Diagnostics.Select(d => d.Id));
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void LocationsAreExactWithWindowsLineEndings()
    {
        string spec = """
            {
              "name": "Net",
              "inputs": 2,
              "layers": [
                { [|"unit"|]: 4 }
              ]
            }
            """.Replace("\n", "\r\n");
        Expect(spec, "SN0002", Error, 5, 7, "Unknown field 'unit'");
    }

    [Fact]
    public void EveryDiagnosticInTheCatalogIsTestedAndListedInTheReleaseNotes()
    {
        // The catalog is internal to the generator: read it by reflection.
        System.Type catalog = typeof(StaticNetGenerator).Assembly.GetType("StaticNet.Generator.Diagnostics.DiagnosticDescriptors", throwOnError: true)!;
        DiagnosticDescriptor[] descriptors = catalog.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToArray();

        // Tests named SNxxxx_... in any test class of this assembly.
        string[] tested = typeof(DiagnosticTests).Assembly.GetTypes().SelectMany(t => t.GetMethods()).Select(m => m.Name)
            .Where(n => System.Text.RegularExpressions.Regex.IsMatch(n, "^SN[0-9]{4}_"))
            .Select(n => n.Substring(0, 6)).Distinct().ToArray();
        Assert.Equal(descriptors.Select(d => d.Id).OrderBy(i => i), tested.OrderBy(i => i));

        string releases = System.IO.File.ReadAllText(RepositoryFile("generator/StaticNet.Generator/AnalyzerReleases.Unshipped.md"));
        foreach (DiagnosticDescriptor descriptor in descriptors)
        {
            Assert.Equal("StaticNet", descriptor.Category);
            Assert.True(descriptor.IsEnabledByDefault);
            Assert.Contains($"{descriptor.Id} | StaticNet | {descriptor.DefaultSeverity} | {descriptor.Title}", releases);
        }
    }

    private static string RepositoryFile(string relativePath, [System.Runtime.CompilerServices.CallerFilePath] string testFile = "") =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Infrastructure.SourcePaths.Resolve(testFile))!, "..", "..", relativePath));
}
