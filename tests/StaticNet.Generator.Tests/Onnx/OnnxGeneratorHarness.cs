using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Text;
using System.Threading;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace StaticNet.Generator.Tests.Onnx;

/// <summary>
/// Runs the generator in memory on specs and ONNX files. An ONNX file reaches the generator as MSBuild's
/// StaticNet.targets passes it: an additional text ending in <c>.staticnet-binary</c> whose first line is the
/// original path and the rest the bytes in base64.
/// </summary>
internal static class OnnxGeneratorHarness
{
    public const string SpecFolder = "/project/Specs";

    private static readonly ImmutableArray<MetadataReference> References =
        Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(StaticNet.INetwork<>).Assembly.Location))
            .ToImmutableArray();

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp12, DocumentationMode.Diagnose);

    public static AdditionalText Spec(string text, string fileName = "Net.staticnet.json") => new Text($"{SpecFolder}/{fileName}", text);

    /// <summary>The base64 copy of a binary file at <c>{SpecFolder}/{fileName}</c>.</summary>
    public static AdditionalText Binary(byte[] bytes, string fileName = "net.onnx") =>
        new Text($"/project/obj/staticnet/{fileName}.0123456789abcdef.staticnet-binary", $"{SpecFolder}/{fileName}\n{Convert.ToBase64String(bytes)}");

    public static GeneratorDriver CreateDriver(params AdditionalText[] texts) =>
        CSharpGeneratorDriver.Create(
            new[] { new StaticNetGenerator().AsSourceGenerator() },
            additionalTexts: texts,
            parseOptions: ParseOptions,
            optionsProvider: new Options(),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRunResult Run(ref GeneratorDriver driver)
    {
        CSharpCompilation host = CSharpCompilation.Create("Host", Array.Empty<SyntaxTree>(), References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        driver = driver.RunGeneratorsAndUpdateCompilation(host, out _, out ImmutableArray<Diagnostic> driverDiagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        Assert.DoesNotContain(driverDiagnostics, d => d.Id is "CS8785" or "AD0001" or "SN0999");
        return result;
    }

    public static GeneratorRunResult Run(params AdditionalText[] texts)
    {
        GeneratorDriver driver = CreateDriver(texts);
        return Run(ref driver);
    }

    /// <summary>Runs a spec that names <c>net.onnx</c> together with that file.</summary>
    public static GeneratorRunResult Run(string spec, byte[] onnx) => Run(Spec(spec), Binary(onnx));

    /// <summary>The single diagnostic of the run; fails if there are others.</summary>
    public static Diagnostic Single(GeneratorRunResult result, string id)
    {
        Assert.True(result.Diagnostics.Length == 1 && result.Diagnostics[0].Id == id,
            $"Expected exactly one {id}, got:\n{string.Join("\n", result.Diagnostics)}");
        Assert.Empty(result.GeneratedSources);
        return result.Diagnostics[0];
    }

    /// <summary>Asserts the diagnostic points at the only occurrence of <paramref name="marker"/> in the spec, line and column too.</summary>
    public static void AssertAt(Diagnostic diagnostic, string spec, string marker)
    {
        int index = spec.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(index >= 0 && spec.IndexOf(marker, index + 1, StringComparison.Ordinal) < 0, $"marker {marker} must occur once");
        Assert.Equal(new TextSpan(index, marker.Length), diagnostic.Location.SourceSpan);
        string before = spec.Substring(0, index);
        int line = before.Count(c => c == '\n');
        int column = index - (before.LastIndexOf('\n') + 1);
        FileLinePositionSpan position = diagnostic.Location.GetLineSpan();
        Assert.Equal($"{SpecFolder}/Net.staticnet.json", position.Path);
        Assert.Equal(new LinePosition(line, column), position.StartLinePosition);
    }

    public static string SingleSource(GeneratorRunResult result)
    {
        Assert.True(result.Diagnostics.IsEmpty, string.Join("\n", result.Diagnostics));
        return Assert.Single(result.GeneratedSources).SourceText.ToString();
    }

    /// <summary>Compiles generated sources strictly (warnings are errors) and loads them.</summary>
    public static System.Reflection.Assembly CompileAndLoad(params string[] sources)
    {
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999, generalDiagnosticOption: ReportDiagnostic.Error)
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress });
        CSharpCompilation compilation = CSharpCompilation.Create("Onnx" + Guid.NewGuid().ToString("N"),
            sources.Select(source => CSharpSyntaxTree.ParseText(source, ParseOptions)), References, options);
        using var stream = new System.IO.MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Take(20)));
        stream.Position = 0;
        return new System.Runtime.Loader.AssemblyLoadContext(null, isCollectible: true).LoadFromStream(stream);
    }

    private sealed class Text : AdditionalText
    {
        private readonly SourceText _text;

        public Text(string path, string text)
        {
            Path = path;
            _text = SourceText.From(text, Encoding.UTF8);
        }

        public override string Path { get; }

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    private sealed class Options : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values(ImmutableDictionary<string, string>.Empty.Add("build_property.RootNamespace", "Contoso.Models"));

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Values.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Values.Empty;

        private sealed class Values : AnalyzerConfigOptions
        {
            public static readonly Values Empty = new(ImmutableDictionary<string, string>.Empty);

            private readonly ImmutableDictionary<string, string> _values;

            public Values(ImmutableDictionary<string, string> values) => _values = values;

            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => _values.TryGetValue(key, out value);
        }
    }
}
