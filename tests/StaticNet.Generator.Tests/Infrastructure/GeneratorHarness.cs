using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace StaticNet.Generator.Tests.Infrastructure;

/// <summary>What one generator run produced.</summary>
internal sealed class GeneratorRun
{
    public GeneratorRun(GeneratorDriver driver, GeneratorRunResult result, ImmutableArray<Diagnostic> driverDiagnostics)
    {
        Driver = driver;
        Result = result;
        DriverDiagnostics = driverDiagnostics;
    }

    /// <summary>The driver after the run, to run again incrementally.</summary>
    public GeneratorDriver Driver { get; }

    public GeneratorRunResult Result { get; }

    /// <summary>Everything the driver reported: the generator's diagnostics plus CS8785 when it threw.</summary>
    public ImmutableArray<Diagnostic> DriverDiagnostics { get; }

    /// <summary>The generator's own diagnostics, in a stable order.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics =>
        Result.Diagnostics.OrderBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();

    public IReadOnlyDictionary<string, string> Sources =>
        Result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);

    /// <summary>The only generated file's text; fails unless exactly one was generated.</summary>
    public string SingleSource()
    {
        Assert.True(Result.GeneratedSources.Length == 1,
            $"Expected one generated file, got {Result.GeneratedSources.Length}. Diagnostics:\n{Describe(Diagnostics)}");
        return Result.GeneratedSources[0].SourceText.ToString();
    }

    /// <summary>Fails if the generator threw (CS8785 / AD0001) or reported its internal-error diagnostic.</summary>
    public void AssertDidNotCrash()
    {
        Assert.Null(Result.Exception);
        Assert.DoesNotContain(DriverDiagnostics, d => d.Id is "CS8785" or "AD0001" or "SN0999");
        Assert.DoesNotContain(Result.Diagnostics, d => d.Id is "SN0999");
    }

    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(d => d.ToString()));
}

/// <summary>Runs <see cref="StaticNetGenerator"/> in memory, with no project and no downloads.</summary>
internal static class GeneratorHarness
{
    public const string RootNamespace = "Contoso.Models";

    public static readonly CSharpParseOptions ParseOptions =
        new CSharpParseOptions(LanguageVersion.CSharp12, DocumentationMode.Diagnose);

    /// <summary>.NET 10 reference assemblies plus the StaticNet runtime that generated code calls.</summary>
    public static readonly ImmutableArray<MetadataReference> References =
        Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(StaticNet.INetwork<>).Assembly.Location))
            .ToImmutableArray();

    /// <summary>
    /// The strictest options a consumer could build generated code with. CS1701/CS1702 (the net8.0 runtime
    /// assembly unified with .NET 10 references) are off, as the .NET SDK's default NoWarn has them.
    /// </summary>
    public static readonly CSharpCompilationOptions StrictOptions =
        new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999,
                generalDiagnosticOption: ReportDiagnostic.Error,
                allowUnsafe: false,
                deterministic: true)
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
            {
                ["CS1701"] = ReportDiagnostic.Suppress,
                ["CS1702"] = ReportDiagnostic.Suppress,
            });

    // Default options: with warnings as errors the driver would report SN0015 (a warning) as an error.
    private static readonly CSharpCompilation s_hostCompilation =
        CSharpCompilation.Create("GeneratorHost", Array.Empty<SyntaxTree>(), References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

    public static InMemoryAdditionalText Spec(string fileName, string text) =>
        new($"/project/Specs/{fileName}", text);

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> texts, string? rootNamespace = RootNamespace) =>
        CSharpGeneratorDriver.Create(
            new[] { new StaticNetGenerator().AsSourceGenerator() },
            additionalTexts: texts,
            parseOptions: ParseOptions,
            optionsProvider: new TestOptionsProvider(rootNamespace),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(GeneratorDriver driver)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(s_hostCompilation, out _, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorDriverRunResult runResult = driver.GetRunResult();
        return new GeneratorRun(driver, runResult.Results.Single(), diagnostics);
    }

    public static GeneratorRun Run(IEnumerable<AdditionalText> texts, string? rootNamespace = RootNamespace) =>
        Run(CreateDriver(texts, rootNamespace));

    /// <summary>Runs the generator on one spec named <c>Net.staticnet.json</c>.</summary>
    public static GeneratorRun Run(string specText, string? rootNamespace = RootNamespace) =>
        Run(new AdditionalText[] { Spec("Net.staticnet.json", specText) }, rootNamespace);

    /// <summary>Compiles <paramref name="sources"/> with <see cref="StrictOptions"/> and returns every warning and error.</summary>
    public static IReadOnlyList<Diagnostic> Compile(IEnumerable<string> sources, LanguageVersion languageVersion = LanguageVersion.CSharp12)
    {
        CSharpParseOptions parseOptions = ParseOptions.WithLanguageVersion(languageVersion);
        var trees = sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, parseOptions, path: $"Generated{i}.g.cs")).ToList();
        CSharpCompilation compilation = CSharpCompilation.Create("GeneratedNetworks", trees, References, StrictOptions);
        return compilation.GetDiagnostics()
            .Where(d => d.Severity is DiagnosticSeverity.Warning or DiagnosticSeverity.Error)
            .ToList();
    }

    /// <summary>
    /// Compiles <paramref name="sources"/> with <see cref="StrictOptions"/>, asserts there is not a single warning
    /// or error, and loads the assembly into a collectible context.
    /// </summary>
    public static System.Reflection.Assembly CompileAndLoad(IEnumerable<string> sources)
    {
        var trees = sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Generated{i}.g.cs")).ToList();
        CSharpCompilation compilation = CSharpCompilation.Create("Loaded" + Guid.NewGuid().ToString("N"), trees, References, StrictOptions);
        using var stream = new System.IO.MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(stream);
        var problems = result.Diagnostics.Where(d => d.Severity is DiagnosticSeverity.Warning or DiagnosticSeverity.Error).ToList();
        Assert.True(result.Success && problems.Count == 0, $"Generated code does not compile cleanly:\n{GeneratorRun.Describe(problems.Take(20))}");
        stream.Position = 0;
        return new System.Runtime.Loader.AssemblyLoadContext(null, isCollectible: true).LoadFromStream(stream);
    }

    /// <summary>Asserts that <paramref name="sources"/> compile without a single warning or error.</summary>
    public static void AssertCompilesCleanly(IEnumerable<string> sources, LanguageVersion languageVersion = LanguageVersion.CSharp12)
    {
        IReadOnlyList<Diagnostic> diagnostics = Compile(sources, languageVersion);
        Assert.True(diagnostics.Count == 0,
            $"Generated code does not compile cleanly ({languageVersion}):\n{GeneratorRun.Describe(diagnostics.Take(20))}");
    }
}
