using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace StaticNet.Readme.Tests;

/// <summary>
/// Compiles a C# block of README.md the way a reader's project compiles it (issue 11 item 10): as the whole Program.cs of
/// a fresh console project named <see cref="ProjectName"/> that references the StaticNet package (`dotnet new console -n
/// MyApp`, then `dotnet add package StaticNet`):
/// <list type="bullet">
/// <item>top-level statements in the global namespace, in a compilation of their own (nothing of another block or of this
/// test assembly is visible);</item>
/// <item>the usings a `dotnet new console` project has implicitly (<see cref="ImplicitUsings"/>, as the SDK's
/// MyApp.GlobalUsings.g.cs) and the block's own; for a block after the Quickstart also the preamble README.md states
/// once (<see cref="PreambleUsings"/> and Snippets/Preamble.cs), never for a block marked
/// <c>&lt;!-- readme-test: standalone --&gt;</c>;</item>
/// <item>the StaticNet generator (this repository's build of it, which the package ships) on the spec blocks a reader
/// has met up to the block, the latest of each class name (a later block is the same spec file edited), with
/// <c>build_property.RootNamespace = MyApp</c> as the SDK passes it, so generated classes are in namespace MyApp;</item>
/// <item>the .NET 10 reference assemblies, StaticNet.dll and StaticNet.Onnx.dll (this repository's builds: the package's
/// lib/ and the StaticNet.Onnx package); nullable enabled; every warning is reported (none is allowed).</item>
/// </list>
/// What this does not prove: that the packed .nupkg itself works (tests/StaticNet.Package.Tests builds a new console
/// project from it), nor anything about MSBuild (the spec and weight files are handed to the generator as
/// StaticNet.targets would).
/// </summary>
internal static class ReadmeProject
{
    /// <summary>The project name README.md tells the reader to create; the SDK makes it the RootNamespace.</summary>
    public const string ProjectName = "MyApp";

    /// <summary>What `dotnet new console` (ImplicitUsings enabled, Microsoft.NET.Sdk) imports into every file.</summary>
    public static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    /// <summary>The usings README.md states once for the blocks after the Quickstart.</summary>
    public static readonly string[] PreambleUsings = ["MyApp", "StaticNet", "StaticNet.Optimizers"];

    /// <summary>Files that README specs name, from the test's output folder (see the .csproj).</summary>
    private static readonly string SpecFiles = Path.Combine(AppContext.BaseDirectory, "spec-files");

    private static readonly string ProjectFolder = Path.Combine(Path.GetTempPath(), ProjectName);

    private static readonly Regex UsingLine = new(@"^\s*using\s+(?:static\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*;");

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly ImmutableArray<MetadataReference> References =
        Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(INetwork<>).Assembly.Location))
            .Append(MetadataReference.CreateFromFile(typeof(StaticNet.Onnx.OnnxExport).Assembly.Location))
            .ToImmutableArray();

    /// <summary>
    /// The project without sources. Every block's compilation is this one plus its trees, so Roslyn binds the ~170
    /// references once rather than per block.
    /// </summary>
    private static readonly CSharpCompilation EmptyProject = CSharpCompilation.Create(ProjectName, [], References,
        new CSharpCompilationOptions(OutputKind.ConsoleApplication,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999,
                // As `dotnet run -c Release`: a Debug assembly would make the JIT leave the generated kernels unoptimized.
                optimizationLevel: OptimizationLevel.Release,
                allowUnsafe: false)
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
            {
                // The SDK's default NoWarn (net8.0 StaticNet.dll unified with .NET 10 references).
                ["CS1701"] = ReportDiagnostic.Suppress,
                ["CS1702"] = ReportDiagnostic.Suppress,
            }));

    private static readonly Lazy<ImmutableArray<ISourceGenerator>> Generators = new(LoadGenerators);

    /// <summary>The README's spec blocks a reader has met before <paramref name="line"/>: the latest block of each class name.</summary>
    public static IReadOnlyList<ReadmeBlock> SpecsBefore(int line) =>
        ReadmeBlocks.All.Where(b => ReadmeTests.IsSpec(b) && b.Line < line)
            .GroupBy(SpecName).Select(g => g.Last()).OrderBy(b => b.Line).ToArray();

    /// <summary>The class name of a spec block.</summary>
    public static string SpecName(ReadmeBlock spec) => Regex.Match(spec.Text, "\"name\"\\s*:\\s*\"([^\"]*)\"").Groups[1].Value;

    /// <summary>Compiles <paramref name="block"/> (a C# block) as the program of a fresh project; see the class summary.</summary>
    public static Compiled CompileBlock(ReadmeBlock block) =>
        Compile(block.Text, block.Line, standalone: block.Marker == "standalone", SpecsBefore(block.Line));

    /// <summary>
    /// Compiles <paramref name="code"/> as Program.cs (top-level statements, README line <paramref name="line"/> first) with
    /// the given specs, and with the README's preamble unless <paramref name="standalone"/>.
    /// </summary>
    public static Compiled Compile(string code, int line, bool standalone, IReadOnlyList<ReadmeBlock> specs)
    {
        var trees = new List<SyntaxTree>
        {
            Parse(string.Concat(ImplicitUsings.Select(u => $"global using global::{u};\n")), ProjectName + ".GlobalUsings.g.cs"),
        };

        var program = new StringBuilder();
        if (!standalone)
        {
            // The stated usings the block does not show itself (a repeated using directive would be warning CS0105).
            var shown = code.Split('\n').Select(l => UsingLine.Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();
            foreach (string u in PreambleUsings.Where(u => !shown.Contains(u)))
            {
                program.Append("using ").Append(u).Append(";\n");
            }
            trees.Add(Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Snippets", "Preamble.cs")), "Preamble.cs"));
        }
        // Diagnostics in the block name README.md's lines.
        program.Append("#line ").Append(line).Append(" \"README.md\"\n").Append(code).Append('\n');
        trees.Add(Parse(program.ToString(), "Program.cs"));

        CSharpCompilation compilation = EmptyProject.AddSyntaxTrees(trees);

        GeneratorDriver driver = CSharpGeneratorDriver.Create(Generators.Value, AdditionalTexts(specs), ParseOptions, new SdkOptions());
        driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);

        // Emit reports every diagnostic of the compilation (binding the ~100 KB of generated code once, not twice).
        using var stream = new MemoryStream();
        var emitted = output.Emit(stream);
        string[] problems = generatorDiagnostics.Concat(emitted.Diagnostics)
            .Where(d => d.Severity >= DiagnosticSeverity.Warning || d.Id.StartsWith("SN", StringComparison.Ordinal))
            .Select(Describe)
            .ToArray();
        if (problems.Length > 0 || !emitted.Success)
        {
            return new Compiled(null, problems);
        }
        // Its own load context: each block's MyApp.IrisClassifier is another class; StaticNet resolves to the test's copy.
        return new Compiled(Assembly.Load(stream.ToArray()), []);
    }

    /// <summary>The README's specs as the files of MyApp, and the files they name encoded as StaticNet.targets does.</summary>
    private static IEnumerable<AdditionalText> AdditionalTexts(IReadOnlyList<ReadmeBlock> specs)
    {
        var texts = new List<AdditionalText>();
        foreach (ReadmeBlock spec in specs)
        {
            texts.Add(new InMemoryText(Path.Combine(ProjectFolder, SpecName(spec) + ".staticnet.json"), spec.Text));
        }
        foreach (string file in Directory.GetFiles(SpecFiles))
        {
            // As StaticNet.targets' copy under obj/: the first line is the original path (beside the specs), then base64.
            string original = Path.Combine(ProjectFolder, Path.GetFileName(file));
            texts.Add(new InMemoryText(Path.Combine(ProjectFolder, "obj", Path.GetFileName(file) + ".staticnet-binary"),
                original + "\n" + Convert.ToBase64String(File.ReadAllBytes(file))));
        }
        return texts;
    }

    private static SyntaxTree Parse(string text, string path) =>
        CSharpSyntaxTree.ParseText(text, ParseOptions, Path.Combine(ProjectFolder, path), Encoding.UTF8);

    private static string Describe(Diagnostic d)
    {
        FileLinePositionSpan span = d.Location.GetMappedLineSpan();
        string where = span.IsValid ? $"{Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): " : "";
        return $"{where}{d.Severity.ToString().ToLowerInvariant()} {d.Id}: {d.GetMessage()}";
    }

    private static ImmutableArray<ISourceGenerator> LoadGenerators()
    {
        string path = typeof(ReadmeProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "StaticNetGenerator").Value!;
        Assembly generator = Assembly.LoadFrom(path);
        ImmutableArray<ISourceGenerator> found = generator.GetTypes()
            .Where(t => !t.IsAbstract && typeof(IIncrementalGenerator).IsAssignableFrom(t))
            .Select(t => ((IIncrementalGenerator)Activator.CreateInstance(t)!).AsSourceGenerator())
            .ToImmutableArray();
        if (found.IsEmpty)
        {
            throw new InvalidOperationException($"No incremental generator in {path}.");
        }
        return found;
    }

    /// <summary>The result: the loaded assembly, or the errors and warnings that a build of the project would show.</summary>
    public sealed record Compiled(Assembly? Assembly, string[] Problems)
    {
        /// <summary>Runs the program's entry point (the block's top-level statements).</summary>
        public void Run()
        {
            if (Assembly is null)
            {
                throw new InvalidOperationException("The block did not compile:" + Environment.NewLine + string.Join(Environment.NewLine, Problems));
            }
            MethodInfo main = Assembly.EntryPoint!;
            try
            {
                main.Invoke(null, main.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }
    }

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    /// <summary>The global options the SDK hands generators: <c>build_property.RootNamespace</c> (StaticNet.props makes it visible).</summary>
    private sealed class SdkOptions : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(new Dictionary<string, string>
        {
            ["build_property.RootNamespace"] = ProjectName,
            ["build_property.ProjectDir"] = ProjectFolder + Path.DirectorySeparatorChar,
        });

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new([]);

            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }
}
