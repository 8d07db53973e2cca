using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticNet.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// The generated class spells types with short names under <c>using</c> directives inside its namespace. User
/// types and namespaces named like those types, wherever they are, must not break it: the generator falls back to
/// qualified names when a short name could bind to a user's symbol. Each case compiles the user's code and the
/// generated code together under the strict options (nullable, every warning an error), in C# 12 and latest.
/// </summary>
public sealed class NameImmunityTests
{
    private const string Spec = """
        { "name": "Net", "namespace": "Contoso.Models", "inputs": 4,
          "layers": [ { "units": 16, "activation": "relu" }, { "units": 24, "activation": "tanh" }, { "units": 3, "activation": "softmax" } ] }
        """;

    public static IEnumerable<object[]> Names => new[]
    {
        "System", "StaticNet", "Unsafe", "Vector", "Span", "ReadOnlySpan", "MemoryMarshal", "Math", "MathF", "Kernels", "Relu",
        "DenseTile", "Activations", "Losses", "IDenseLayer", "ThrowHelper", "Stream", "MethodImpl",
    }.Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(Names))]
    public void UserTypesNamedLikeGeneratedNamesDoNotBreakTheClass(string name)
    {
        foreach (string place in new[] { "own", "global", "parent", "nested-namespace", "class-member" })
        {
            if (place == "global" && name is "System" or "StaticNet")
            {
                // A type System (or StaticNet) in the global namespace hides the namespace from every file of the
                // project, global:: included (CS0437): no C# spelling can reach it, generated or not.
                continue;
            }
            string user = place switch
            {
                "own" => $"namespace Contoso.Models {{ internal sealed class {name} {{ }} }}",
                "global" => $"internal sealed class {name} {{ }}",
                "parent" => $"namespace Contoso {{ internal sealed class {name} {{ }} }}",
                "nested-namespace" => $"namespace Contoso.Models.{name} {{ internal sealed class Marker {{ }} }}",
                _ => $"namespace Contoso.Models {{ public sealed partial class Net {{ private static int {name} => 0; internal static int Use => {name}; }} }}",
            };
            string generated = GenerateBeside(user);
            foreach (LanguageVersion version in new[] { LanguageVersion.CSharp12, LanguageVersion.Latest })
            {
                IReadOnlyList<Diagnostic> problems = Compile(new[] { user, generated }, version);
                Assert.True(problems.Count == 0, $"{name} ({place}, {version}):\n{GeneratorRun.Describe(problems.Take(10))}");
            }
        }
    }

    [Fact]
    public void ShortNamesWhenNothingConflictsQualifiedNamesWhenSomethingDoes()
    {
        string clean = GenerateBeside("namespace Contoso.Models { internal sealed class Customer { } }");
        Assert.DoesNotContain("global::StaticNet.", clean.Replace("using global::StaticNet.", ""));
        Assert.Contains("DenseTile.Forward<float, Layer0, Relu>", clean);

        string conflicting = GenerateBeside("namespace Contoso.Models { internal sealed class Vector { } }");
        Assert.Contains("global::System.Numerics.Vector<float>", conflicting);
        Assert.DoesNotContain("using global::System;", conflicting);
    }

    [Fact]
    public void AReferencesInternalTypeNamedLikeAShortNameKeepsShortNames()
    {
        // System.Numerics.Tensors has an internal System.ThrowHelper: invisible here, so it captures nothing.
        CSharpCompilation library = CSharpCompilation.Create("Polyfills",
            new[] { CSharpSyntaxTree.ParseText("namespace System { internal static class ThrowHelper { } }", GeneratorHarness.ParseOptions) },
            GeneratorHarness.References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        string source = GenerateBeside("namespace Contoso.Models { internal sealed class Customer { } }", library.ToMetadataReference());
        Assert.DoesNotContain("global::StaticNet.", source.Replace("using global::StaticNet.", ""));
        Assert.Contains("ThrowHelper.CheckLength(", source);
    }

    [Fact]
    public void GlobalNamespaceNetworksUseQualifiedNames()
    {
        GeneratorRun run = GeneratorHarness.Run("""{ "name": "Net", "inputs": 2, "layers": [ { "units": 1, "activation": "sigmoid" } ] }""", rootNamespace: null);
        string source = run.SingleSource();
        Assert.DoesNotContain("using global::", source);
        GeneratorHarness.AssertCompilesCleanly(new[] { source, "internal sealed class Unsafe { } internal sealed class Vector { }" });
    }

    /// <summary>Runs the generator on <see cref="Spec"/> in a compilation that holds <paramref name="user"/>.</summary>
    private static string GenerateBeside(string user, MetadataReference? extra = null)
    {
        CSharpCompilation compilation = CSharpCompilation.Create("User", new[] { CSharpSyntaxTree.ParseText(user, GeneratorHarness.ParseOptions) },
            GeneratorHarness.References.Concat(extra is null ? new MetadataReference[0] : new[] { extra }), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        GeneratorDriver driver = GeneratorHarness.CreateDriver(new AdditionalText[] { GeneratorHarness.Spec("Net.staticnet.json", Spec) });
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out _, out ImmutableArray<Diagnostic> diagnostics);
        Assert.Empty(diagnostics);
        return driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();
    }

    private static IReadOnlyList<Diagnostic> Compile(IEnumerable<string> sources, LanguageVersion version) =>
        GeneratorHarness.Compile(sources, version);
}
