using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticNet.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>The generated source of each sample spec, checked against an accepted snapshot and compiled strictly.</summary>
public sealed class SnapshotTests
{
    public static IEnumerable<object[]> Names => SampleSpecs.All.Keys.Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(Names))]
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
}
