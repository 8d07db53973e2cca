using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using StaticNet.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>A bad spec costs only itself; relaxed JSON is accepted; no input makes the generator throw.</summary>
public sealed class RobustnessTests
{
    [Fact]
    public void ABadSpecGeneratesNothingButTheOthersInTheSameRunStillGenerate()
    {
        GeneratorRun run = GeneratorHarness.Run(new AdditionalText[]
        {
            GeneratorHarness.Spec("Good1.staticnet.json", SampleSpecs.Tiny),
            GeneratorHarness.Spec("Bad.staticnet.json", """{ "name": "Broken", "inputs": 2, "layers": [{ "units": 2 """),
            GeneratorHarness.Spec("Invalid.staticnet.json", """{ "name": "Invalid", "inputs": 2, "layers": [{ "units": 2, "activation": "rellu" }] }"""),
            GeneratorHarness.Spec("Good2.staticnet.json", SampleSpecs.Labels),
        });

        run.AssertDidNotCrash();
        Assert.Equal(new[] { "Contoso.Models.IrisNet.g.cs", "Contoso.Models.XorNet.g.cs" }, run.Sources.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(new[] { ("/project/Specs/Bad.staticnet.json", "SN0001"), ("/project/Specs/Invalid.staticnet.json", "SN0009") },
            run.Diagnostics.Select(d => (d.Location.GetLineSpan().Path, d.Id)));
        GeneratorHarness.AssertCompilesCleanly(run.Sources.Values);
    }

    [Fact]
    public void OnlyStaticNetSpecsAreRead()
    {
        GeneratorRun run = GeneratorHarness.Run(new AdditionalText[]
        {
            new InMemoryAdditionalText("/project/appsettings.json", "{ not a spec"),
            new InMemoryAdditionalText("/project/Specs/Notes.txt", "hello"),
            new InMemoryAdditionalText("/project/Specs/UPPER.STATICNET.JSON", SampleSpecs.Tiny),
        });

        Assert.Empty(run.Diagnostics);
        Assert.Equal(new[] { "Contoso.Models.XorNet.g.cs" }, run.Sources.Keys);
    }

    [Fact]
    public void CommentsAndTrailingCommasAreAccepted()
    {
        const string relaxed = """
            // The tiny XOR network, as a human would write it.
            {
              /* class name */ "name": "XorNet",
              "inputs": 2, // two bits
              "layers": [
                { "units": 2, "activation": "sigmoid", }, // hidden
                { "units": 1, "activation": "sigmoid", /* output */ },
              ],
            }
            /* trailing
               comment */
            """;
        GeneratorRun run = GeneratorHarness.Run(relaxed);

        Assert.Empty(run.Diagnostics);
        Assert.Equal(GeneratorHarness.Run(SampleSpecs.Tiny).SingleSource(), run.SingleSource());
    }

    [Fact]
    public void WithoutRootNamespaceOrWithAnInvalidOneTheClassIsInTheGlobalNamespace()
    {
        foreach (string? rootNamespace in new[] { null, "", "My-App" })
        {
            GeneratorRun run = GeneratorHarness.Run(SampleSpecs.Tiny, rootNamespace);
            string source = run.SingleSource();
            Assert.Empty(run.Diagnostics);
            Assert.DoesNotContain("namespace ", source);
            Assert.Equal("XorNet.g.cs", run.Result.GeneratedSources[0].HintName);
            GeneratorHarness.AssertCompilesCleanly(new[] { source });
        }
    }

    [Fact]
    public void FuzzedSpecsNeverCrashTheGeneratorAndWhateverGeneratesCompiles()
    {
        var random = new Random(20250117);
        string[] seeds = SampleSpecs.All.Values.ToArray();
        int generated = 0, rejected = 0;
        var compiled = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 400; i++)
        {
            string spec = (i % 5) switch
            {
                0 => Fuzz.MutateCharacters(random, seeds[random.Next(seeds.Length)]),
                1 => Fuzz.MutateTokens(random, seeds[random.Next(seeds.Length)], count: 1),
                2 => Fuzz.MutateTokens(random, seeds[random.Next(seeds.Length)], count: random.Next(2, 6)),
                3 => Fuzz.RandomJson(random),
                _ => Fuzz.RandomText(random),
            };

            GeneratorRun run = GeneratorHarness.Run(spec);
            try
            {
                run.AssertDidNotCrash();
                foreach (Diagnostic diagnostic in run.Diagnostics)
                {
                    Assert.StartsWith("SN", diagnostic.Id, StringComparison.Ordinal);
                    Assert.Equal(DiagnosticAssert.SpecPath, diagnostic.Location.GetLineSpan().Path);
                    Assert.InRange(diagnostic.Location.SourceSpan.End, 0, spec.Length);
                }
                if (run.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
                {
                    Assert.Empty(run.Sources);
                    rejected++;
                }
                foreach (string source in run.Sources.Values)
                {
                    if (compiled.Add(source))
                    {
                        GeneratorHarness.AssertCompilesCleanly(new[] { source });
                    }
                    generated++;
                }
            }
            catch (Exception failure) when (failure is not OutOfMemoryException)
            {
                throw new Xunit.Sdk.XunitException($"Fuzz case {i} failed: {failure.Message}\nSpec:\n{spec}");
            }
        }

        // The corpus must exercise both outcomes, or it tests little.
        Assert.InRange(generated, 20, 400);
        Assert.InRange(rejected, 200, 400);
    }

    [Fact]
    public void PathologicalInputsNeverCrashTheGenerator()
    {
        string[] specs =
        {
            new string('[', 100_000),
            new string('{', 100_000),
            "{ \"name\": " + new string('[', 70) + new string(']', 70) + " }",
            "{ \"name\": \"" + new string('x', 1_000_000) + "\", \"inputs\": 2, \"layers\": [{ \"units\": 1 }] }",
            "{ \"name\": \"Net\", \"inputs\": 2, \"layers\": [" + string.Join(",", Enumerable.Repeat("{ \"units\": 1048576 }", 3)) + "] }",
            "{ \"name\": \"Net\", \"inputs\": 1e308, \"layers\": [{ \"units\": -1e999 }] }",
            "{ \"name\": \"Net\", \"inputs\": 2, \"layers\": [{ \"units\": 1, \"alpha\": -0.0, \"bias\": null, \"name\": null, \"type\": null, \"activation\": null }] }",
            "\uFEFF{ \"name\": \"Bom\", \"inputs\": 2, \"layers\": [{ \"units\": 1 }] }",
            "{ \"name\": \"\\uD800\\u0000\", \"namespace\": \"\\u0041.\\u0042\", \"inputs\": 2, \"layers\": [{ \"units\": 1 }] }",
            "{ \"name\": \"Net\", \"inputs\": 2, \"layers\": [{ \"units\": 1 }], \"labels\": [\"\", \"\"] }",
            "\"just a string\"",
            "null",
            "/* only a comment */",
            "{\"name\":\"Net\",\"inputs\":2,\"layers\":[{\"units\":1}]}/",
            "{ \"name\": \"Net\" \\u",
        };
        foreach (string spec in specs)
        {
            GeneratorRun run = GeneratorHarness.Run(spec);
            run.AssertDidNotCrash();
            foreach (string source in run.Sources.Values)
            {
                GeneratorHarness.AssertCompilesCleanly(new[] { source });
            }
        }
    }

    /// <summary>Ways to break a spec: character edits, token swaps, random JSON, random text.</summary>
    private static class Fuzz
    {
        private const string Alphabet = "{}[]\":,.-+eE0123456789 \n\t\\/*abcdefghijklmnopqrstuvwxyzABCXYZ_$'\u00e9\u2028\uD83D\uDE00\u0000\uFFFF";

        private static readonly string[] Numbers =
        {
            "0", "-1", "1", "2", "3", "7", "255", "256", "257", "1048576", "1048577", "2147483648", "1e999", "-1e999",
            "1.5", "1e3", "0.0", "-0", "1e-400", "99999999999999999999", "3e38", "4e38", "65536",
        };

        private static readonly string[] Strings =
        {
            "\"relu\"", "\"softmax\"", "\"step\"", "\"elu\"", "\"leaky_relu\"", "\"gelu\"", "\"identity\"", "\"rellu\"",
            "\"double\"", "\"float\"", "\"half\"", "\"mse\"", "\"cross_entropy\"", "\"binary_cross_entropy\"",
            "\"Net\"", "\"Forward\"", "\"xornet\"", "\"A..B\"", "\"0\"", "\"\"", "\"a b\"", "\"dense\"", "\"\\u2028\"",
            "true", "false", "null", "[]", "{}", "[\"a\", \"a\"]",
        };

        private static readonly string[] Keys =
        {
            "name", "namespace", "precision", "inputs", "inputNames", "layers", "labels", "loss", "$schema",
            "units", "activation", "bias", "alpha", "type", "unit", "Name", "",
        };

        public static string MutateCharacters(Random random, string spec)
        {
            var text = new StringBuilder(spec);
            int edits = random.Next(1, 6);
            for (int e = 0; e < edits && text.Length > 0; e++)
            {
                int at = random.Next(text.Length);
                switch (random.Next(4))
                {
                    case 0:
                        text.Remove(at, Math.Min(random.Next(1, 8), text.Length - at));
                        break;
                    case 1:
                        text.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                        break;
                    case 2:
                        text[at] = Alphabet[random.Next(Alphabet.Length)];
                        break;
                    default:
                        int length = Math.Min(random.Next(1, 30), text.Length - at);
                        text.Insert(random.Next(text.Length), text.ToString(at, length));
                        break;
                }
            }
            return text.ToString();
        }

        public static string MutateTokens(Random random, string spec, int count)
        {
            // Replace a few number or string tokens, so the result is still JSON but has odd values.
            // Values only (a string followed by ':' is a property name); mostly of the same kind as before.
            var tokens = System.Text.RegularExpressions.Regex.Matches(spec, "\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9][0-9.eE+-]*")
                .Cast<System.Text.RegularExpressions.Match>()
                .Where(t => !spec.Substring(t.Index + t.Length).TrimStart().StartsWith(":", StringComparison.Ordinal))
                .ToList();
            var chosen = new HashSet<int>();
            while (chosen.Count < Math.Min(count, tokens.Count))
            {
                chosen.Add(random.Next(tokens.Count));
            }
            var text = new StringBuilder(spec);
            foreach (var token in chosen.OrderByDescending(t => t).Select(t => tokens[t]))
            {
                bool number = token.Value[0] != '"';
                string[] pool = (random.Next(5) == 0) ^ number ? Numbers : Strings;
                text.Remove(token.Index, token.Length).Insert(token.Index, pool[random.Next(pool.Length)]);
            }
            return text.ToString();
        }

        public static string RandomJson(Random random)
        {
            var text = new StringBuilder();
            WriteValue(random, text, depth: 0, root: true);
            return text.ToString();
        }

        private static void WriteValue(Random random, StringBuilder text, int depth, bool root = false)
        {
            int kind = root ? 0 : random.Next(depth > 6 ? 2 : 4);
            switch (kind)
            {
                case 0:
                    text.Append('{');
                    int properties = random.Next(root ? 3 : 0, root ? 9 : 4);
                    for (int p = 0; p < properties; p++)
                    {
                        text.Append(p == 0 ? "" : ",").Append(" \"").Append(Keys[random.Next(Keys.Length)]).Append("\": ");
                        WriteValue(random, text, depth + 1);
                    }
                    text.Append(random.Next(5) == 0 ? ", }" : " }");
                    break;
                case 1:
                    text.Append(random.Next(2) == 0 ? Numbers[random.Next(Numbers.Length)] : Strings[random.Next(Strings.Length)]);
                    break;
                default:
                    text.Append('[');
                    int items = random.Next(0, 4);
                    for (int n = 0; n < items; n++)
                    {
                        text.Append(n == 0 ? "" : ", ");
                        WriteValue(random, text, depth + 1);
                    }
                    text.Append(']');
                    break;
            }
        }

        public static string RandomText(Random random)
        {
            var text = new StringBuilder();
            int length = random.Next(0, 200);
            for (int i = 0; i < length; i++)
            {
                text.Append(Alphabet[random.Next(Alphabet.Length)]);
            }
            return text.ToString();
        }
    }
}
