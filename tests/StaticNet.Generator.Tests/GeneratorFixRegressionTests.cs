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
}
