using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticNet.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// A few small snapshots a reviewer can read (XOR, iris with labels, a double network, a step network), and
/// structural checks of every sample spec: compiles strictly, no line over 160 characters, one statement per line.
/// </summary>
public sealed class SnapshotTests
{
    /// <summary>The specs whose generated source is kept as a snapshot.</summary>
    public static readonly string[] Snapshotted = { "Tiny", "Labels", "Double", "Step" };

    public static IEnumerable<object[]> SnapshotNames => Snapshotted.Select(name => new object[] { name });

    public static IEnumerable<object[]> Names => SampleSpecs.All.Keys.Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(SnapshotNames))]
    public void GeneratedSourceMatchesSnapshot(string name)
    {
        GeneratorRun run = GeneratorHarness.Run(SampleSpecs.All[name]);
        run.AssertDidNotCrash();
        Assert.All(run.Diagnostics, d => Assert.Equal(DiagnosticSeverity.Info, d.Severity));

        Snapshot.Verify(run.SingleSource(), name);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void GeneratedSourceCompilesWithoutWarnings(string name)
    {
        string source = GeneratorHarness.Run(SampleSpecs.All[name]).SingleSource();

        GeneratorHarness.AssertCompilesCleanly(new[] { source }, LanguageVersion.CSharp12);
        GeneratorHarness.AssertCompilesCleanly(new[] { source }, LanguageVersion.Latest);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void GeneratedSourceIsReadable(string name)
    {
        string source = GeneratorHarness.Run(SampleSpecs.All[name]).SingleSource();
        string[] lines = AssertReadableLines(source);
        // Short names: global:: only in the using directives and the GeneratedCode attribute.
        Assert.All(lines.Where(l => l.Contains("global::")), line =>
            Assert.True(line.StartsWith("using global::", System.StringComparison.Ordinal) || line.Contains("global::System.CodeDom.Compiler.GeneratedCode"), line));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void GeneratedSourceWithQualifiedNamesIsReadable(string name)
    {
        // A user type named Vector beside the network: every name is spelled in full, and the lines still fit.
        const string User = "namespace Contoso.Models { internal sealed class Vector { } } namespace Acme.Vision.Models { internal sealed class Vector { } }";
        CSharpCompilation compilation = CSharpCompilation.Create("User", new[] { CSharpSyntaxTree.ParseText(User, GeneratorHarness.ParseOptions) },
            GeneratorHarness.References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        GeneratorDriver driver = GeneratorHarness.CreateDriver(new AdditionalText[] { GeneratorHarness.Spec(name + ".staticnet.json", SampleSpecs.All[name]) });
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out _, out _);
        string source = driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("global::System.Numerics.Vector<", source);
        AssertReadableLines(source);
        GeneratorHarness.AssertCompilesCleanly(new[] { source, User }, LanguageVersion.CSharp12);
    }

    private static string[] AssertReadableLines(string source)
    {
        string[] lines = source.Replace("\r\n", "\n").Split('\n');

        Assert.All(lines, line => Assert.True(line.Length <= 160, $"{line.Length} characters: {line}"));
        // One statement per line (for headers hold their own semicolons), no trivial loops, no division by one.
        Assert.All(lines.Where(l => !l.TrimStart().StartsWith("for (", System.StringComparison.Ordinal) && !l.TrimStart().StartsWith("//", System.StringComparison.Ordinal)),
            line => Assert.True(line.Count(c => c == ';') <= 1 || line.Contains('"'), line));
        Assert.DoesNotContain("< 1;", source);
        Assert.DoesNotContain("/ 1f", source);
        Assert.DoesNotContain("/= 1", source);
        return lines;
    }
}
