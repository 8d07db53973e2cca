using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticNet.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// The pipeline caches: an unchanged project costs nothing, editing one spec re-emits only that network, and the
/// models carried between steps hold no Roslyn objects that would defeat caching or keep compilations alive.
/// </summary>
public sealed class IncrementalityTests
{
    private static readonly string[] TrackedSteps = { StaticNetGenerator.Steps.Parse, StaticNetGenerator.Steps.Emit };

    private static readonly CSharpCompilation Host =
        CSharpCompilation.Create("Host", Array.Empty<SyntaxTree>(), GeneratorHarness.References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

    private static InMemoryAdditionalText[] ThreeSpecs() => new[]
    {
        GeneratorHarness.Spec("Tiny.staticnet.json", SampleSpecs.Tiny),
        GeneratorHarness.Spec("Wide.staticnet.json", SampleSpecs.Wide),
        GeneratorHarness.Spec("Iris.staticnet.json", SampleSpecs.Labels),
    };

    [Fact]
    public void ASecondRunWithUnchangedInputsIsEntirelyCached()
    {
        GeneratorDriver driver = GeneratorHarness.CreateDriver(ThreeSpecs()).RunGenerators(Host);
        driver = driver.RunGenerators(Host.Clone());
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        foreach (string step in TrackedSteps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"No step named {step} was tracked.");
            var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
            Assert.Equal(3, outputs.Count);
            Assert.All(outputs, output => Assert.True(
                output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"{step} output {Describe(output.Value)} was {output.Reason} on an unchanged second run"));
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void EditingOneOfThreeSpecsReEmitsOnlyThatNetwork()
    {
        InMemoryAdditionalText[] specs = ThreeSpecs();
        GeneratorDriver driver = GeneratorHarness.CreateDriver(specs).RunGenerators(Host);

        var edited = GeneratorHarness.Spec("Wide.staticnet.json", SampleSpecs.Wide.Replace("\"units\": 97", "\"units\": 96"));
        driver = driver.ReplaceAdditionalText(specs[1], edited).RunGenerators(Host);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        foreach (string step in TrackedSteps)
        {
            var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
            var changed = outputs.Where(o => o.Reason is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New).ToList();
            var kept = outputs.Where(o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged).ToList();

            var single = Assert.Single(changed);
            Assert.Contains("WideNet", Describe(single.Value));
            Assert.Equal(2, kept.Count);
            Assert.DoesNotContain(kept, o => Describe(o.Value).Contains("WideNet", StringComparison.Ordinal));
        }
        Assert.Contains("public const int ParameterCount = 6629;", driver.GetRunResult().GeneratedTrees
            .Single(t => t.FilePath.EndsWith("WideNet.g.cs", StringComparison.Ordinal)).ToString());
    }

    [Fact]
    public void AnEditThatChangesNothingMeaningfulEmitsNothing()
    {
        InMemoryAdditionalText[] specs = ThreeSpecs();
        GeneratorDriver driver = GeneratorHarness.CreateDriver(specs).RunGenerators(Host);

        // A comment at the end: the file is new text, but parses to an equal model, so nothing is emitted again.
        var edited = GeneratorHarness.Spec("Wide.staticnet.json", SampleSpecs.Wide + "\n// reviewed\n");
        driver = driver.ReplaceAdditionalText(specs[1], edited).RunGenerators(Host);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        Assert.All(result.TrackedSteps[StaticNetGenerator.Steps.Parse].SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Parse: {o.Reason}"));
        Assert.All(result.TrackedSteps[StaticNetGenerator.Steps.Emit].SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void PipelineModelsHoldNoSymbolsSyntaxLocationsOrCompilations()
    {
        // Three specs, a bad one, and one with baked weights.
        byte[] weights = SafeTensors.Build(SafeTensors.F32("0.weight", new long[] { 1, 2 }, 1, 2), SafeTensors.F32("0.bias", new long[] { 1 }, 3));
        AdditionalText[] specs = ThreeSpecs()
            .Append(GeneratorHarness.Spec("Bad.staticnet.json", """{ "name": "Tiny2", "inputs": 0 """))
            .Append(GeneratorHarness.Spec("Baked.staticnet.json", """{ "name": "Baked", "inputs": 2, "layers": [{ "units": 1 }], "weights": "baked.safetensors" }"""))
            .Append(SafeTensors.Encoded("/project/Specs/baked.safetensors", weights))
            .ToArray();
        GeneratorDriver driver = GeneratorHarness.CreateDriver(specs).RunGenerators(Host);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        int checkedValues = 0;
        foreach (var (name, steps) in result.TrackedSteps)
        {
            foreach (IncrementalGeneratorRunStep step in steps)
            {
                // Steps this generator names (and whatever feeds them) must carry plain data.
                if (!TrackedSteps.Contains(name) && name is not (StaticNetGenerator.Steps.Duplicates or StaticNetGenerator.Steps.Weights))
                {
                    continue;
                }
                foreach (var (value, _) in step.Outputs)
                {
                    ModelWalker.AssertPlainData(value, $"{name} output");
                    checkedValues++;
                }
            }
        }
        Assert.True(checkedValues >= 15, $"Only {checkedValues} step outputs were walked.");
    }

    [Fact]
    public void TheModelWalkerFindsARoslynObjectHiddenInAGraph()
    {
        var graph = new { Name = "x", Items = new object[] { 1, new List<object> { Location.None } } };

        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => ModelWalker.AssertPlainData(graph, "graph"));
        Assert.Contains("Location", failure.Message);
    }

    private static string Describe(object value) =>
        value.GetType().GetProperty("Network")?.GetValue(value)?.ToString()
        ?? value.GetType().GetProperty("HintName")?.GetValue(value)?.ToString()
        ?? value.ToString()
        ?? value.GetType().Name;

    /// <summary>Walks an object graph by reflection, as the Roslyn incremental-generator cookbook recommends.</summary>
    private static class ModelWalker
    {
        private static readonly Type[] Forbidden =
        {
            typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location), typeof(Compilation),
            typeof(SemanticModel), typeof(AdditionalText), typeof(IOperation), typeof(Diagnostic),
        };

        public static void AssertPlainData(object? root, string path)
        {
            var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
            Walk(root, path, seen);
        }

        private static void Walk(object? value, string path, HashSet<object> seen)
        {
            if (value is null || value is string || value is Type || value is Pointer)
            {
                return;
            }
            Type type = value.GetType();
            if (type.IsPrimitive || type.IsEnum || type == typeof(decimal))
            {
                return;
            }
            Type? forbidden = Forbidden.FirstOrDefault(f => f.IsAssignableFrom(type));
            Assert.True(forbidden is null, $"{path} is a {type.FullName}, which is a {forbidden?.Name}: pipeline models must be plain data.");
            if (!type.IsValueType && !seen.Add(value))
            {
                return;
            }

            // The generator's own model types must compare by value, or the pipeline cannot cache them.
            if (type.Assembly == typeof(StaticNetGenerator).Assembly && !type.IsValueType && !type.IsArray)
            {
                MethodInfo equals = type.GetMethod(nameof(Equals), new[] { typeof(object) })!;
                Assert.True(equals.DeclaringType != typeof(object), $"{path} ({type.Name}) does not override Equals.");
            }

            if (value is Array array)
            {
                int i = 0;
                foreach (object? item in array)
                {
                    Walk(item, $"{path}[{i++}]", seen);
                }
                return;
            }
            for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
            {
                foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (field.FieldType.IsPointer || field.FieldType.IsByRef)
                    {
                        continue;
                    }
                    Walk(field.GetValue(value), $"{path}.{field.Name}", seen);
                }
            }
        }
    }
}
