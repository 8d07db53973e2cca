using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using StaticNet.Generator.Tests.Infrastructure;
using Xunit;
using static StaticNet.Generator.Tests.Infrastructure.SafeTensors;

namespace StaticNet.Generator.Tests;

/// <summary>Weights baked in at build time: the spec's "weights" file, SN0018 and SN0019, and robustness.</summary>
public sealed class WeightsTests
{
    private const string SpecPath = DiagnosticAssert.SpecPath;
    private const string WeightsPath = "/project/Specs/xor.safetensors";

    private const string XorSpec = """
        {
          "name": "XorNet",
          "inputs": 2,
          "layers": [
            { "units": 2, "activation": "sigmoid" },
            { "units": 1, "activation": "sigmoid" }
          ],
          "weights": [|"xor.safetensors"|]
        }
        """;

    // A hand-trained XOR: hidden = (OR, NAND), output = AND.
    private static readonly float[] XorParameters = { 20, 20, -20, -20, -10, 30, 20, 20, -30 };

    private static byte[] XorFile(params Tensor[] replace)
    {
        Tensor[] tensors =
        {
            F32("0.weight", new long[] { 2, 2 }, 20, 20, -20, -20),
            F32("0.bias", new long[] { 2 }, -10, 30),
            F32("2.weight", new long[] { 1, 2 }, 20, 20),
            F32("2.bias", new long[] { 1 }, -30),
        };
        return Build(tensors.Select(t => replace.FirstOrDefault(r => r.Name == t.Name) ?? t).Concat(replace.Where(r => tensors.All(t => t.Name != r.Name))).ToArray());
    }

    private static GeneratorRun Run(Markup spec, params AdditionalText[] others) =>
        GeneratorHarness.Run(new AdditionalText[] { new InMemoryAdditionalText(SpecPath, spec.Text) }.Concat(others).ToArray());

    [Fact]
    public void BakedWeightsAreConstantDataAndPretrainedHasTheFileValues()
    {
        GeneratorRun run = Run(Markup.Parse(XorSpec), Encoded(WeightsPath, XorFile()));
        run.AssertDidNotCrash();
        Assert.Empty(run.Diagnostics);
        string source = run.SingleSource();
        Assert.Contains("public static XorNet Pretrained() => new XorNet(PretrainedParameters);", source);
        Assert.Contains("private static ReadOnlySpan<float> PretrainedParameters => new float[]", source);
        Assert.Contains("    20f, 20f, -20f, -20f, -10f, 30f, 20f, 20f,", source);

        Type type = GeneratorHarness.CompileAndLoad(new[] { source }).GetType("Contoso.Models.XorNet", throwOnError: true)!;
        var network = (INetwork<float>)type.GetMethod("Pretrained")!.Invoke(null, null)!;
        Assert.Equal(XorParameters, network.Parameters.ToArray());
        foreach (var (a, b, expected) in new[] { (0f, 0f, 0), (0f, 1f, 1), (1f, 0f, 1), (1f, 1f, 0) })
        {
            Assert.Equal(expected, network.Classify(new[] { a, b }));
        }
    }

    [Fact]
    public void DoubleNetworksBakeHalfPrecisionAndDoubleTensors()
    {
        string spec = XorSpec.Replace("\"inputs\": 2,", "\"precision\": \"double\", \"inputs\": 2,");
        byte[] file = XorFile(
            new Tensor("0.bias", "F16", new long[] { 2 }, new byte[] { 0x00, 0xC9, 0x80, 0x4F }), // -10, 30 in binary16
            F64("2.bias", new long[] { 1 }, -30.25));
        GeneratorRun run = Run(Markup.Parse(spec), Encoded(WeightsPath, file));
        Assert.Empty(run.Diagnostics);

        Type type = GeneratorHarness.CompileAndLoad(new[] { run.SingleSource() }).GetType("Contoso.Models.XorNet", throwOnError: true)!;
        var network = (INetwork<double>)type.GetMethod("Pretrained")!.Invoke(null, null)!;
        Assert.Equal(new double[] { 20, 20, -20, -20, -10, 30, 20, 20, -30.25 }, network.Parameters.ToArray());
    }

    [Fact]
    public void SN0018_WeightFileNotAmongTheAdditionalFiles()
    {
        Markup spec = Markup.Parse(XorSpec);
        Assert.Equal((8, 14), spec.Start);
        GeneratorRun run = Run(spec, Encoded("/project/Specs/other.safetensors", XorFile()));

        run.AssertDidNotCrash();
        Diagnostic diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("SN0018", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        DiagnosticAssert.AssertLocation(diagnostic, SpecPath, spec);
        Assert.Equal("Weight file 'xor.safetensors' is not among the project's AdditionalFiles (looked for '/project/Specs/xor.safetensors'); weight files next to specs are included by StaticNet.props",
            diagnostic.GetMessage());
        Assert.Empty(run.Sources);
    }

    public static TheoryData<string, byte[]> InvalidFiles => new()
    {
        { "tensor '2.bias' is missing (expected shape [1])", Build(F32("0.weight", new long[] { 2, 2 }, 1, 2, 3, 4), F32("0.bias", new long[] { 2 }, 1, 2), F32("2.weight", new long[] { 1, 2 }, 1, 2)) },
        { "tensor '0.weight' has shape [4], expected [2, 2]", XorFile(F32("0.weight", new long[] { 4 }, 1, 2, 3, 4)) },
        { "tensor '0.bias' has dtype I32; expected F16, BF16, F32 or F64", XorFile(new Tensor("0.bias", "I32", new long[] { 2 }, new byte[8])) },
        { "it holds tensor '4.weight', which no layer of the network has", XorFile(F32("4.weight", new long[] { 1 }, 1)) },
        { "the file has 3 bytes, fewer than the 8 of the header length", new byte[] { 1, 2, 3 } },
        { "the header length 1000 does not fit a file of 16 bytes", BitConverter.GetBytes(1000UL).Concat(new byte[8]).ToArray() },
        { "the header is not valid JSON", BitConverter.GetBytes(4UL).Concat("{ x}"u8.ToArray()).ToArray() },
        { "the tensors cover 36 bytes of data, but the file has 37", XorFile().Append((byte)0).ToArray() },
    };

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void SN0019_WeightFileDoesNotFit(string problem, byte[] file)
    {
        Markup spec = Markup.Parse(XorSpec);
        GeneratorRun run = Run(spec, Encoded(WeightsPath, file));

        run.AssertDidNotCrash();
        Diagnostic diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("SN0019", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        DiagnosticAssert.AssertLocation(diagnostic, SpecPath, spec);
        Assert.StartsWith("Weight file 'xor.safetensors' cannot be baked into XorNet: ", diagnostic.GetMessage());
        Assert.Contains(problem, diagnostic.GetMessage());
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void AnEmptyWeightsPathIsAWrongType()
    {
        DiagnosticAssert.Expect(XorSpec.Replace("[|\"xor.safetensors\"|]", "[|\"\"|]"), "SN0004", DiagnosticSeverity.Error, 8, 14,
            "'weights' must be a path to a .safetensors file, relative to the spec, but is \"\"");
    }

    [Fact]
    public void ChangingTheWeightFileReEmitsOnlyTheNetworkThatUsesIt()
    {
        var spec = new InMemoryAdditionalText(SpecPath, Markup.Parse(XorSpec).Text);
        var weights = Encoded(WeightsPath, XorFile());
        GeneratorDriver driver = GeneratorHarness.CreateDriver(new AdditionalText[]
        {
            spec, weights,
            GeneratorHarness.Spec("Wide.staticnet.json", SampleSpecs.Wide),
            GeneratorHarness.Spec("Iris.staticnet.json", SampleSpecs.Labels),
        });
        driver = GeneratorHarness.Run(driver).Driver;

        driver = driver.ReplaceAdditionalText(weights, Encoded(WeightsPath, XorFile(F32("2.bias", new long[] { 1 }, -29))));
        GeneratorRun run = GeneratorHarness.Run(driver);

        var emitted = run.Result.TrackedSteps[StaticNetGenerator.Steps.Emit].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(3, emitted.Count);
        Assert.Single(emitted, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal(2, emitted.Count(o => o.Reason == IncrementalStepRunReason.Cached));
        Assert.Contains("-29f", run.Sources["Contoso.Models.XorNet.g.cs"]);
    }

    [Fact]
    public void MalformedEncodedCopiesNeverCrashTheGenerator()
    {
        Markup spec = Markup.Parse(XorSpec);
        string[] copies = { "", "no newline", "\nAAAA", "\0\nAAAA", "/project/Specs/xor.safetensors\n!!! not base64 !!!", "/project/Specs/xor.safetensors\n" };
        foreach (string copy in copies)
        {
            GeneratorRun run = Run(spec, new InMemoryAdditionalText("/project/obj/staticnet/x.staticnet-binary", copy));
            run.AssertDidNotCrash();
            Assert.Contains(run.Diagnostics, d => d.Id is "SN0018" or "SN0019");
        }
    }

    [Fact]
    public void FuzzedWeightFilesNeverCrashTheGenerator()
    {
        var random = new Random(31337);
        byte[] valid = XorFile();
        int baked = 0;
        for (int i = 0; i < 300; i++)
        {
            byte[] file = (byte[])valid.Clone();
            switch (i % 3)
            {
                case 0:
                    for (int flips = random.Next(1, 4); flips > 0; flips--)
                    {
                        file[random.Next(file.Length)] ^= (byte)(1 << random.Next(8));
                    }
                    break;
                case 1:
                    file = file.Take(random.Next(file.Length)).ToArray();
                    break;
                default:
                    // Rewrite one character of the JSON header (bytes 8 .. 8 + header length).
                    int headerLength = (int)BitConverter.ToUInt64(valid, 0);
                    file[8 + random.Next(headerLength)] = (byte)"{}[]\":,0123456789-eE.aFIBU "[random.Next(27)];
                    break;
            }

            GeneratorRun run = Run(Markup.Parse(XorSpec), Encoded(WeightsPath, file));
            run.AssertDidNotCrash();
            if (run.Sources.Count == 1)
            {
                baked++;
                Assert.Empty(run.Diagnostics);
            }
            else
            {
                Assert.Equal("SN0019", Assert.Single(run.Diagnostics).Id);
            }
        }
        Assert.InRange(baked, 1, 299);
    }
}
