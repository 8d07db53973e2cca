using System.Linq;
using Microsoft.CodeAnalysis;
using StaticNet.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// Specs the generator once accepted but then crashed on, or turned into code that does not compile. Each test
/// belongs to a fix in the generator; the commit that made the fix explains it.
/// </summary>
public sealed class GeneratorFixRegressionTests
{
    private const string OneLayer = """ "inputs": 2, "layers": [{ "units": 2 }] """;

    [Fact]
    public void NamesDifferingOnlyInCaseAreDuplicatesInsteadOfCrashingTheGenerator()
    {
        // Roslyn compares hint names ignoring case: "Net" and "NET" used to throw in AddSource (CS8785), which
        // dropped every network of the project.
        GeneratorRun run = GeneratorHarness.Run(new AdditionalText[]
        {
            GeneratorHarness.Spec("B.staticnet.json", "{ \"name\": \"NET\"," + OneLayer + "}"),
            GeneratorHarness.Spec("A.staticnet.json", "{ \"name\": \"Net\"," + OneLayer + "}"),
            GeneratorHarness.Spec("C.staticnet.json", "{ \"name\": \"Other\"," + OneLayer + "}"),
        });

        run.AssertDidNotCrash();
        Diagnostic duplicate = Assert.Single(run.Diagnostics);
        Assert.Equal("SN0012", duplicate.Id);
        Assert.Equal("/project/Specs/B.staticnet.json", duplicate.Location.GetLineSpan().Path);
        Assert.Contains("Another spec (A.staticnet.json) already defines the network 'Contoso.Models.Net'", duplicate.GetMessage());
        Assert.Equal(new[] { "Contoso.Models.Net.g.cs", "Contoso.Models.Other.g.cs" }, run.Sources.Keys.OrderBy(k => k));
        GeneratorHarness.AssertCompilesCleanly(run.Sources.Values);
    }

    [Theory]
    [InlineData("Forward")]
    [InlineData("Backpropagate")]
    [InlineData("_parameters")]
    [InlineData("Layer0Weights")]
    [InlineData("Layer12Bias")]
    [InlineData("Pretrained")]
    [InlineData("PretrainedParameters")]
    [InlineData("NormalizationParameters")]
    [InlineData("FitNormalization")]
    [InlineData("_normalization")]
    public void NamesOfPrivateGeneratedMembersAreRejected(string name)
    {
        // A class cannot have a member with its own name (CS0542); only the public members used to be checked.
        // Pretrained and PretrainedParameters exist only with baked weights, the normalization members only with
        // "normalize", but whether a name is allowed should not depend on that.
        Markup spec = Markup.Parse("{ \"name\": [|\"" + name + "\"|]," + OneLayer + "}");
        GeneratorRun run = GeneratorHarness.Run(spec.Text);

        Diagnostic diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("SN0006", diagnostic.Id);
        Assert.Equal(spec.Span, diagnostic.Location.SourceSpan);
        Assert.Equal($"Network name '{name}' does not give a valid C# identifier (it is the name of a generated member)", diagnostic.GetMessage());
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("xornet")]
    [InlineData("var")]
    [InlineData("record")]
    public void AllLowercaseNamesAreRejected(string name)
    {
        // CS8981 (CS8860 for "record") is a warning in the generated file, an error with TreatWarningsAsErrors.
        Markup spec = Markup.Parse("{ \"name\": [|\"" + name + "\"|]," + OneLayer + "}");
        GeneratorRun run = GeneratorHarness.Run(spec.Text);

        Diagnostic diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("SN0006", diagnostic.Id);
        Assert.Equal(spec.Span, diagnostic.Location.SourceSpan);
        Assert.Contains("start it with a capital letter", diagnostic.GetMessage());
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("xor2")]
    [InlineData("x_y")]
    [InlineData("_")]
    [InlineData("Layer")]
    [InlineData("LayerWeights")]
    [InlineData("Layer1x2Bias")]
    [InlineData("ForwardNet")]
    [InlineData("été")]
    public void NamesCloseToTheRejectedOnesStillCompile(string name)
    {
        GeneratorRun run = GeneratorHarness.Run("{ \"name\": \"" + name + "\"," + OneLayer + "}");

        Assert.Empty(run.Diagnostics);
        GeneratorHarness.AssertCompilesCleanly(new[] { run.SingleSource() });
    }

    [Theory]
    [InlineData("1e39")]
    [InlineData("-3.5e38")]
    [InlineData("1e999")]
    public void AlphaOutsideTheFloatRangeIsOutOfRange(string alpha)
    {
        // 1e39 used to be emitted as the float literal "Infinityf"; 1e999 was reported as "a finite number, but is a number".
        Markup spec = Markup.Parse("{ \"name\": \"Net\", \"inputs\": 2, \"layers\": [{ \"units\": 2, \"activation\": \"leaky_relu\", \"alpha\": [|" + alpha + "|] }] }");
        GeneratorRun run = GeneratorHarness.Run(spec.Text);

        Diagnostic diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("SN0005", diagnostic.Id);
        Assert.Equal(spec.Span, diagnostic.Location.SourceSpan);
        Assert.Equal($"'alpha' must be between -3.4E+38 and 3.4E+38, but is {alpha}", diagnostic.GetMessage());
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("float", "3e38")]
    [InlineData("double", "-3e38")]
    [InlineData("float", "1e-50")]
    [InlineData("float", "1.5e-45")]
    public void ExtremeAlphasInsideTheFloatRangeCompile(string precision, string alpha)
    {
        GeneratorRun run = GeneratorHarness.Run("{ \"name\": \"Net\", \"precision\": \"" + precision + "\", \"inputs\": 2, \"layers\": [{ \"units\": 2, \"activation\": \"elu\", \"alpha\": " + alpha + " }] }");

        Assert.Empty(run.Diagnostics);
        GeneratorHarness.AssertCompilesCleanly(new[] { run.SingleSource() });
    }

    [Fact]
    public void LabelsAndInputNamesWithLineSeparatorsAndControlCharactersCompileAndRoundTrip()
    {
        // U+2028, U+2029 and U+0085 end a line in C#: they broke the Description string literals and the doc
        // comments (CS1010). Control characters, U+FFFF and lone surrogates made the XML docs malformed (CS1570).
        const string spec = """
            {
              "name": "Net",
              "inputs": 3,
              "inputNames": ["x\u2029y", "tab\there", "nul\u0000"],
              "layers": [{ "units": 6, "activation": "softmax" }],
              "labels": ["a\u2028b", "c\u0085d", "e\u0001f", "g\uFFFFh", "i\uD800j", "k & <l> \"m\""]
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(spec);
        Assert.Empty(run.Diagnostics);
        string source = run.SingleSource();

        GeneratorHarness.AssertCompilesCleanly(new[] { source });
        Assert.Contains("\"a\\u2028b\"", source);
        Assert.Contains("/// <summary>\"a b\"</summary>", source);
        Assert.Contains("/// <summary>\"k &amp; &lt;l&gt; \"m\"\"</summary>", source);

        System.Type type = GeneratorHarness.CompileAndLoad(new[] { source }).GetType("Contoso.Models.Net", throwOnError: true)!;
        var description = (NetworkDescription)type.GetProperty("Description")!.GetValue(null)!;
        Assert.Equal(new[] { "a\u2028b", "c\u0085d", "e\u0001f", "g\uFFFFh", "i\uD800j", "k & <l> \"m\"" }, description.Labels);
        Assert.Equal(new[] { "x\u2029y", "tab\there", "nul\u0000" }, description.InputNames);
        Assert.Equal(new[] { "AB", "CD", "EF", "GH", "IJ", "KLM" }, System.Enum.GetNames(type.GetNestedType("Label")!));
    }
}
