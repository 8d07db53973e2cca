using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;
using static StaticNet.Generator.Tests.Onnx.OnnxBuilder;
using static StaticNet.Generator.Tests.Onnx.OnnxGeneratorHarness;

namespace StaticNet.Generator.Tests.Onnx;

/// <summary>Specs that name an ONNX file instead of layers, run through the generator in memory.</summary>
public sealed class OnnxImportGeneratorTests
{
    private const string OnnxSpec = "{\n  \"name\": \"Net\",\n  \"onnx\": \"net.onnx\"\n}\n";

    private static readonly double[] W0 = { 0.1, -0.2, 0.3, -0.4, 0.5, 0.6, -0.7, 0.8, 0.9, 1.0, -1.1, 1.2 }; // [3, 4]
    private static readonly double[] B0 = { 0.01, -0.02, 0.03 };
    private static readonly double[] W1 = { 0.25, -0.5, 0.75, -1.0, 1.25, -1.5 };                           // [2, 3]
    private static readonly double[] B1 = { 0.1, -0.1 };

    /// <summary>What torch.onnx.export writes for Sequential(Linear(4, 3), ReLU(), Linear(3, 2), Softmax(-1)).</summary>
    private static OnnxBuilder TorchMlp(int opset = 17) => new OnnxBuilder(opset)
        .Input("input", 4)
        .Output("output")
        .Initializer("0.weight", new long[] { 3, 4 }, W0)
        .Initializer("0.bias", new long[] { 3 }, B0, raw: false)
        .Initializer("2.weight", new long[] { 2, 3 }, W1, raw: false)
        .Initializer("2.bias", new long[] { 2 }, B1)
        .Node("Gemm", "/0/Gemm", new[] { "input", "0.weight", "0.bias" }, new[] { "h0" }, Attr.Float("alpha", 1), Attr.Float("beta", 1), Attr.Int("transB", 1))
        .Node("Relu", "/1/Relu", new[] { "h0" }, new[] { "a0" })
        .Node("Gemm", "/2/Gemm", new[] { "a0", "2.weight", "2.bias" }, new[] { "h1" }, Attr.Float("alpha", 1), Attr.Float("beta", 1), Attr.Int("transB", 1))
        .Node("Softmax", "/3/Softmax", new[] { "h1" }, new[] { "output" }, Attr.Int("axis", -1));

    private static INetwork<T> Pretrained<T>(string source) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        Type type = CompileAndLoad(source).GetType("Contoso.Models.Net", throwOnError: true)!;
        return (INetwork<T>)type.GetMethod("Pretrained")!.Invoke(null, null)!;
    }

    [Fact]
    public void A_torch_chain_becomes_a_network_with_its_weights_baked_in_and_PyTorch_keys()
    {
        string spec = "{ \"name\": \"Net\", \"onnx\": \"net.onnx\", \"labels\": [\"cat\", \"dog\"] }";
        string source = SingleSource(Run(spec, TorchMlp().Build()));
        Assert.Contains("public static Net Pretrained()", source);

        INetwork<float> network = Pretrained<float>(source);
        NetworkDescription description = network.Description;
        Assert.Equal(Precision.Float, description.Precision);
        Assert.Equal(4, description.InputSize);
        Assert.Equal(Loss.CrossEntropy, description.Loss);
        Assert.Equal(new[] { "cat", "dog" }, description.Labels);
        Assert.Equal(new[] { (4, 3, Activation.Relu, "0.weight", "0.bias"), (3, 2, Activation.Softmax, "2.weight", "2.bias") },
            description.Layers.Select(l => (l.FanIn, l.Units, l.Activation, l.WeightKey, l.BiasKey!)));
        Assert.Equal(W0.Concat(B0).Concat(W1).Concat(B1).Select(v => (float)v), network.Parameters.ToArray());

        float[] input = { 1f, -2f, 0.5f, 3f };
        float[] hidden = new float[3];
        for (int u = 0; u < 3; u++)
        {
            double sum = B0[u];
            for (int k = 0; k < 4; k++)
            {
                sum += (float)W0[u * 4 + k] * input[k];
            }
            hidden[u] = (float)Math.Max(0, sum);
        }
        double[] logits = new double[2];
        for (int u = 0; u < 2; u++)
        {
            logits[u] = B1[u] + Enumerable.Range(0, 3).Sum(k => (float)W1[u * 3 + k] * hidden[k]);
        }
        double max = logits.Max(), total = logits.Sum(l => Math.Exp(l - max));
        float[] output = new float[2];
        network.Predict(input, output);
        for (int u = 0; u < 2; u++)
        {
            Assert.Equal(Math.Exp(logits[u] - max) / total, output[u], 1e-5);
        }
    }

    [Fact]
    public void Torch_export_patterns_are_recognised_MatMul_Add_SiLU_GELU_transposed_Gemm_and_Identity()
    {
        double[] matmul = { 1, 2, 3, 4, 5, 6 };          // [fanIn 3, units 2]: canonical [2, 3] is 1 3 5 / 2 4 6
        double[] gemmB = { 1, 2, 3, 4, 5, 6, 7, 8 };     // transB=0: [fanIn 2, units 4]: canonical [4, 2] is 1 5 / 2 6 / 3 7 / 4 8
        double[] third = Enumerable.Range(1, 12).Select(v => v / 10.0).ToArray(); // [3, 4]
        double[] fourth = { -1, -2, -3 };               // [1, 3]
        byte[] onnx = new OnnxBuilder()
            .Input("x", 3)
            .Output("y")
            .Initializer("onnx::MatMul_7", new long[] { 3, 2 }, matmul)
            .Initializer("0.bias", new long[] { 2 }, new double[] { 0.5, -0.5 })
            .Initializer("fc.weight", new long[] { 2, 4 }, gemmB)
            .Initializer("fc.bias", new long[] { 4 }, new double[] { 1, 2, 3, 4 })
            .Initializer("onnx::Gemm_9", new long[] { 3, 4 }, third)
            .Initializer("6.weight", new long[] { 1, 3 }, fourth)
            .Initializer("6.bias", new long[] { 1 }, new double[] { 0.25 })
            .Node("MatMul", "/0/MatMul", new[] { "x", "onnx::MatMul_7" }, new[] { "m0" })
            .Node("Add", "/0/Add", new[] { "0.bias", "m0" }, new[] { "h0" })
            .Node("Sigmoid", "/1/Sigmoid", new[] { "h0" }, new[] { "s0" })
            .Node("Mul", "/1/Mul", new[] { "h0", "s0" }, new[] { "a0" })
            .Node("Gemm", "/fc/Gemm", new[] { "a0", "fc.weight", "fc.bias" }, new[] { "h1" })
            .Constant("sqrt2", Math.Sqrt(2))
            .Node("Div", "/3/Div", new[] { "h1", "sqrt2" }, new[] { "d1" })
            .Node("Erf", "/3/Erf", new[] { "d1" }, new[] { "e1" })
            .Constant("one", 1)
            .Node("Add", "/3/Add", new[] { "e1", "one" }, new[] { "p1" })
            .Node("Mul", "/3/Mul", new[] { "h1", "p1" }, new[] { "q1" })
            .Constant("half", 0.5)
            .Node("Mul", "/3/Mul_1", new[] { "q1", "half" }, new[] { "a1" })
            .Node("Gemm", "/4/Gemm", new[] { "a1", "onnx::Gemm_9" }, new[] { "h2" }, Attr.Int("transB", 1))
            .Node("LeakyRelu", "/5/LeakyRelu", new[] { "h2" }, new[] { "a2" }, Attr.Float("alpha", 0.2f))
            .Node("Gemm", "/6/Gemm", new[] { "a2", "6.weight", "6.bias" }, new[] { "h3" }, Attr.Int("transB", 1))
            .Node("Identity", "/7/Identity", new[] { "h3" }, new[] { "i3" })
            .Node("Elu", "/8/Elu", new[] { "i3" }, new[] { "y" }, Attr.Float("alpha", 0.5f))
            .Build();

        INetwork<float> network = Pretrained<float>(SingleSource(Run(OnnxSpec, onnx)));
        IReadOnlyList<LayerDescription> layers = network.Description.Layers;
        Assert.Equal(new[] { Activation.Silu, Activation.Gelu, Activation.LeakyRelu, Activation.Elu }, layers.Select(l => l.Activation));
        Assert.Equal(new[] { (3, 2), (2, 4), (4, 3), (3, 1) }, layers.Select(l => (l.FanIn, l.Units)));
        Assert.Equal(0.2, layers[2].Alpha);   // the float attribute 0.2f, read as the decimal it was written as
        Assert.Equal(0.5, layers[3].Alpha);
        // Keys: from the bias name when the weight has none, from the initializers, else nn.Sequential numbering.
        Assert.Equal(new[] { "0.weight", "fc.weight", "4.weight", "6.weight" }, layers.Select(l => l.WeightKey));
        Assert.Equal(new[] { "0.bias", "fc.bias", null, "6.bias" }, layers.Select(l => l.BiasKey));

        double[] expected = new double[] { 1, 3, 5, 2, 4, 6, 0.5, -0.5, 1, 5, 2, 6, 3, 7, 4, 8, 1, 2, 3, 4 }
            .Concat(third).Concat(fourth).Concat(new[] { 0.25 }).ToArray();
        Assert.Equal(expected.Select(v => (float)v), network.Parameters.ToArray());
    }

    [Fact]
    public void A_double_graph_gives_a_double_network_and_Gemm_alpha_beta_scale_the_parameters()
    {
        byte[] onnx = new OnnxBuilder()
            .Input("input", 2, DoubleType)
            .Output("output", DoubleType)
            .Initializer("0.weight", new long[] { 1, 2 }, new[] { 0.1, 0.2 }, DoubleType, raw: false)
            .Initializer("0.bias", new long[] { 1 }, new[] { 0.3 }, DoubleType)
            .Node("Gemm", "/0/Gemm", new[] { "input", "0.weight", "0.bias" }, new[] { "h" }, Attr.Float("alpha", 2), Attr.Float("beta", 0.5f), Attr.Int("transB", 1))
            .Node("Tanh", "/1/Tanh", new[] { "h" }, new[] { "output" })
            .Build();
        INetwork<double> network = Pretrained<double>(SingleSource(Run(OnnxSpec, onnx)));
        Assert.Equal(Precision.Double, network.Description.Precision);
        Assert.Equal(new[] { 0.2, 0.4, 0.15 }, network.Parameters.ToArray());
    }

    [Fact]
    public void Opset_13_softmax_over_axis_1_of_a_2D_input_is_the_last_axis()
    {
        OnnxBuilder builder = new OnnxBuilder(13)
            .Input("input", 4).Output("output")
            .Initializer("0.weight", new long[] { 3, 4 }, W0).Initializer("0.bias", new long[] { 3 }, B0)
            .Node("Gemm", "/0/Gemm", new[] { "input", "0.weight", "0.bias" }, new[] { "h" }, Attr.Int("transB", 1))
            .Node("Softmax", "/1/Softmax", new[] { "h" }, new[] { "output" }, Attr.Int("axis", 1));
        Assert.Contains("Activation.Softmax", SingleSource(Run(OnnxSpec, builder.Build())));
    }

    [Fact]
    public void The_opset_20_Gelu_operator_and_a_leading_Flatten_are_imported()
    {
        byte[] onnx = new OnnxBuilder(20)
            .Input("input", 4).Output("output")
            .Initializer("0.weight", new long[] { 3, 4 }, W0)
            .Node("Flatten", "/f/Flatten", new[] { "input" }, new[] { "flat" }, Attr.Int("axis", 1))
            .Node("Gemm", "/0/Gemm", new[] { "flat", "0.weight" }, new[] { "h" }, Attr.Int("transB", 1))
            .Node("Gelu", "/1/Gelu", new[] { "h" }, new[] { "output" }, Attr.String("approximate", "none"))
            .Build();
        string source = SingleSource(Run(OnnxSpec, onnx));
        Assert.Contains("Activation.Gelu", source);
        Assert.Contains("InputSize = 4", source);
    }

    [Theory]
    [InlineData("float", true)]
    [InlineData("double", false)]
    public void SN0025_precision_is_derived_and_may_only_be_given_when_it_matches(string precision, bool matches)
    {
        string spec = "{\n  \"name\": \"Net\",\n  \"precision\": \"" + precision + "\",\n  \"onnx\": \"net.onnx\"\n}";
        GeneratorRunResult result = Run(spec, TorchMlp().Build());
        if (matches)
        {
            Assert.Contains("INetwork<float>", SingleSource(result));
            return;
        }
        Diagnostic diagnostic = Single(result, "SN0025");
        AssertAt(diagnostic, spec, "\"double\"");
        Assert.Equal("'precision' is 'double', but the ONNX graph is float (input 'input' is FLOAT); leave 'precision' out to take the graph's",
            diagnostic.GetMessage());
    }

    [Fact]
    public void SN0020_layers_inputs_and_weights_cannot_be_given_with_onnx()
    {
        string spec = "{\n  \"name\": \"Net\",\n  \"onnx\": \"net.onnx\",\n  \"inputs\": 4,\n  \"layers\": [ { \"units\": 2 } ],\n  \"weights\": \"w.safetensors\"\n}";
        GeneratorRunResult result = Run(spec, TorchMlp().Build());
        Assert.Empty(result.GeneratedSources);
        Assert.Equal(new[] { "SN0020", "SN0020", "SN0020" }, result.Diagnostics.Select(d => d.Id));
        AssertAt(result.Diagnostics.Single(d => d.GetMessage().StartsWith("'inputs'")), spec, "\"inputs\"");
        AssertAt(result.Diagnostics.Single(d => d.GetMessage().StartsWith("'weights'")), spec, "\"weights\"");
        Diagnostic layers = result.Diagnostics.Single(d => d.GetMessage().StartsWith("'layers'"));
        AssertAt(layers, spec, "\"layers\"");
        Assert.Equal("'layers' cannot be given together with 'onnx': the layers are derived from the ONNX graph", layers.GetMessage());
    }

    [Fact]
    public void SN0021_a_missing_onnx_file_is_reported_at_the_onnx_value()
    {
        Diagnostic diagnostic = Single(Run(Spec(OnnxSpec), Binary(TorchMlp().Build(), "other.onnx")), "SN0021");
        AssertAt(diagnostic, OnnxSpec, "\"net.onnx\"");
        Assert.Contains($"ONNX file 'net.onnx' is not among the project's AdditionalFiles (looked for '{SpecFolder}/net.onnx')", diagnostic.GetMessage());
    }

    public static TheoryData<string, byte[], string> UnreadableFiles()
    {
        byte[] valid = TorchMlp().Build();
        return new TheoryData<string, byte[], string>
        {
            { "text", System.Text.Encoding.UTF8.GetBytes("this is not a model"), "not" },
            { "truncated", valid.Take(valid.Length / 2).ToArray(), "truncated" },
            { "empty", Array.Empty<byte>(), "it holds no graph" },
            { "group wire type", new byte[] { 0x0B, 0x0C }, "wire type 3" },
            {
                "external data",
                new OnnxBuilder().Input("input", 2).Output("output").Build(model => model.Message(7, graph =>
                    graph.Message(5, tensor => { tensor.Varint(1, 2); tensor.Varint(2, 1); tensor.String(8, "0.weight"); tensor.Varint(14, 1); }))),
                "tensor '0.weight' keeps its data in an external file"
            },
            {
                "wrong element count",
                new OnnxBuilder().Input("input", 2).Output("output").Initializer("0.weight", new long[] { 2, 2 }, new double[] { 1, 2, 3 }).Build(),
                "tensor '0.weight' has shape [2, 2] (4 elements) but holds 3 values"
            },
        };
    }

    [Theory]
    [MemberData(nameof(UnreadableFiles))]
    public void SN0022_an_unreadable_onnx_file(string what, byte[] bytes, string expected)
    {
        Diagnostic diagnostic = Single(Run(OnnxSpec, bytes), "SN0022");
        AssertAt(diagnostic, OnnxSpec, "\"net.onnx\"");
        Assert.StartsWith("ONNX file 'net.onnx' cannot be read: ", diagnostic.GetMessage());
        Assert.True(diagnostic.GetMessage().Contains(expected, StringComparison.Ordinal), what + ": " + diagnostic.GetMessage());
    }

    [Fact]
    public void SN0023_an_unsupported_operator_names_the_node_and_the_operator()
    {
        byte[] onnx = TorchMlp()
            .Node("Conv", "Conv_3", new[] { "output", "0.weight" }, new[] { "z" })
            .Build();
        Diagnostic diagnostic = Single(Run(OnnxSpec, onnx), "SN0023");
        AssertAt(diagnostic, OnnxSpec, "\"net.onnx\"");
        Assert.StartsWith("ONNX file 'net.onnx': node 'Conv_3' uses operator Conv, which StaticNet cannot import; supported: Gemm, MatMul", diagnostic.GetMessage());
    }

    public static TheoryData<string, string> UnsupportedGraphs() => new()
    {
        { "softmax before a layer", "node '/3/Softmax' (Softmax) is followed by another layer" },
        { "transA", "node '/0/Gemm' (Gemm) transposes its input (transA=1)" },
        { "two activations", "node '/x/Tanh' (Tanh) follows another activation" },
        { "gelu tanh", "node '/x/Gelu' (Gelu) uses approximate='tanh'" },
        { "branch", "node '/1/Relu' (Relu) reads 'h0', which 2 nodes use" },
        { "shape", "node '/2/Gemm' (Gemm) multiplies by '2.weight' of shape [2, 5], which takes 5 inputs, but its input has 3" },
        { "integer weights", "node '/0/Gemm' (Gemm) uses '0.weight' of element type INT64" },
        { "softmax axis", "node '/3/Softmax' (Softmax) normalizes over axis 0 of a rank-2 tensor" },
        { "two inputs", "the graph has 2 inputs ('input', 'mask')" },
        { "lone mul", "node '/x/Mul' (Mul) is not part of the GELU or SiLU pattern" },
        { "flatten after a layer", "node '/x/Flatten' (Flatten) is supported only with axis=1 before the first layer" },
    };

    [Theory]
    [MemberData(nameof(UnsupportedGraphs))]
    public void SN0024_a_graph_StaticNet_cannot_import_names_the_node(string what, string expected)
    {
        OnnxBuilder builder = what switch
        {
            "softmax before a layer" => TorchMlp()
                .Initializer("4.weight", new long[] { 1, 2 }, new double[] { 1, 1 })
                .Node("Gemm", "/4/Gemm", new[] { "output", "4.weight" }, new[] { "z" }, Attr.Int("transB", 1)),
            "transA" => SingleGemm("/0/Gemm", Attr.Int("transA", 1)),
            "two activations" => Chain(b => b.Node("Relu", "/x/Relu", new[] { "h0" }, new[] { "r" }).Node("Tanh", "/x/Tanh", new[] { "r" }, new[] { "output" })),
            "gelu tanh" => Chain(b => b.Node("Gelu", "/x/Gelu", new[] { "h0" }, new[] { "output" }, Attr.String("approximate", "tanh"))),
            "branch" => TorchMlp().Node("Sigmoid", "/x/Sigmoid", new[] { "h0" }, new[] { "unused" }),
            "shape" => ReplaceInitializer("2.weight", new long[] { 2, 5 }),
            "integer weights" => Chain(b => b, weightType: Int64Type),
            "softmax axis" => new OnnxBuilder()
                .Input("input", 4).Output("output")
                .Initializer("0.weight", new long[] { 3, 4 }, W0)
                .Node("Gemm", "/0/Gemm", new[] { "input", "0.weight" }, new[] { "h" }, Attr.Int("transB", 1))
                .Node("Softmax", "/3/Softmax", new[] { "h" }, new[] { "output" }, Attr.Int("axis", 0)),
            "two inputs" => TorchMlp().Input("mask", 4),
            "lone mul" => Chain(b => b.Constant("two", 2).Node("Mul", "/x/Mul", new[] { "h0", "two" }, new[] { "output" })),
            "flatten after a layer" => Chain(b => b.Node("Flatten", "/x/Flatten", new[] { "h0" }, new[] { "output" }, Attr.Int("axis", 1))),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };
        Diagnostic diagnostic = Single(Run(OnnxSpec, builder.Build()), "SN0024");
        AssertAt(diagnostic, OnnxSpec, "\"net.onnx\"");
        Assert.StartsWith("ONNX file 'net.onnx' cannot be imported: ", diagnostic.GetMessage());
        Assert.True(diagnostic.GetMessage().Contains(expected, StringComparison.Ordinal), what + ": " + diagnostic.GetMessage());
    }

    [Fact]
    public void Labels_loss_and_normalize_are_checked_against_the_imported_topology()
    {
        string spec = "{\n  \"name\": \"Net\",\n  \"onnx\": \"net.onnx\",\n  \"labels\": [\"a\", \"b\", \"c\"],\n  \"loss\": \"binary_cross_entropy\",\n  \"normalize\": [\"standard\"]\n}";
        GeneratorRunResult result = Run(spec, TorchMlp().Build());
        Assert.Empty(result.GeneratedSources);
        Assert.Equal(new[] { "SN0007", "SN0011", "SN0007" }, result.Diagnostics.Select(d => d.Id));
        AssertAt(result.Diagnostics[0], spec, "[\"a\", \"b\", \"c\"]");
        Assert.Contains("the network has 2 outputs", result.Diagnostics[0].GetMessage());
        AssertAt(result.Diagnostics[1], spec, "\"binary_cross_entropy\"");
        AssertAt(result.Diagnostics[2], spec, "[\"standard\"]");
        Assert.Contains("the network has 4 inputs", result.Diagnostics[2].GetMessage());
    }

    [Fact]
    public void Normalization_and_namespace_work_as_usual()
    {
        string spec = "{ \"name\": \"Net\", \"namespace\": \"Contoso.Models\", \"onnx\": \"net.onnx\", \"normalize\": \"standard\" }";
        string source = SingleSource(Run(spec, TorchMlp().Build()));
        Assert.Contains("namespace Contoso.Models", source);
        Assert.Contains("NormalizationKind.Standard", source);
        CompileAndLoad(source);
    }

    [Fact]
    public void Specs_without_onnx_stay_cached_when_an_onnx_file_changes()
    {
        const string plain = "{ \"name\": \"Plain\", \"inputs\": 2, \"layers\": [ { \"units\": 1 } ] }";
        AdditionalText onnx = Binary(TorchMlp().Build());
        GeneratorDriver driver = CreateDriver(Spec(plain, "Plain.staticnet.json"), Spec(OnnxSpec), onnx);
        GeneratorRunResult first = Run(ref driver);
        Assert.Equal(2, first.GeneratedSources.Length);

        double[] changed = W0.Select(v => v * 2).ToArray();
        driver = driver.ReplaceAdditionalText(onnx, Binary(ReplaceInitializer("0.weight", new long[] { 3, 4 }, changed).Build()));
        GeneratorRunResult second = Run(ref driver);

        Dictionary<string, IncrementalStepRunReason> emit = second.TrackedSteps[StaticNetGenerator.Steps.Emit]
            .SelectMany(step => step.Outputs)
            .ToDictionary(output => (string)output.Value.GetType().GetProperty("HintName")!.GetValue(output.Value)!, output => output.Reason);
        Assert.Equal(2, emit.Count);
        Assert.Contains(emit, pair => pair.Key.Contains("Plain") && pair.Value is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        Assert.Contains(emit, pair => pair.Key.Contains("Net") && !pair.Key.Contains("Plain") && pair.Value == IncrementalStepRunReason.Modified);

        IncrementalStepRunReason[] onnxStep = second.TrackedSteps[StaticNetGenerator.Steps.Onnx].SelectMany(step => step.Outputs).Select(o => o.Reason).ToArray();
        Assert.Contains(IncrementalStepRunReason.Unchanged, onnxStep);   // the plain spec passes through equal
        Assert.Contains(IncrementalStepRunReason.Modified, onnxStep);    // the imported one has new weights
    }

    [Fact]
    public void Corrupted_files_never_crash_the_generator()
    {
        byte[] valid = new OnnxBuilder()
            .Input("input", 4).Output("output")
            .Initializer("0.weight", new long[] { 3, 4 }, W0).Initializer("0.bias", new long[] { 3 }, B0, raw: false)
            .Node("Gemm", "/0/Gemm", new[] { "input", "0.weight", "0.bias" }, new[] { "h" }, Attr.Int("transB", 1))
            .Constant("sqrt2", Math.Sqrt(2))
            .Node("Div", "/1/Div", new[] { "h", "sqrt2" }, new[] { "d" })
            .Node("Erf", "/1/Erf", new[] { "d" }, new[] { "e" })
            .Constant("one", 1)
            .Node("Add", "/1/Add", new[] { "e", "one" }, new[] { "p" })
            .Node("Mul", "/1/Mul", new[] { "h", "p" }, new[] { "q" })
            .Constant("half", 0.5)
            .Node("Mul", "/1/Mul_1", new[] { "q", "half" }, new[] { "output" })
            .Build();
        Assert.Contains("Activation.Gelu", SingleSource(Run(OnnxSpec, valid)));

        var random = new Random(20261128);
        var outcomes = new HashSet<string>();
        for (int round = 0; round < 300; round++)
        {
            byte[] bytes = (byte[])valid.Clone();
            int edits = 1 + random.Next(4);
            for (int e = 0; e < edits; e++)
            {
                switch (random.Next(3))
                {
                    case 0:
                        bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                        break;
                    case 1:
                        bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                        break;
                    default:
                        bytes = bytes.Take(random.Next(bytes.Length)).ToArray();
                        break;
                }
                if (bytes.Length == 0)
                {
                    break;
                }
            }
            GeneratorRunResult result = Run(OnnxSpec, bytes);   // asserts no exception, CS8785, AD0001 or SN0999
            Assert.True(result.GeneratedSources.Length == 1 || result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error));
            outcomes.UnionWith(result.Diagnostics.Select(d => d.Id));
            if (result.GeneratedSources.Length == 1)
            {
                outcomes.Add("generated");
            }
        }
        Assert.Contains("SN0022", outcomes);
    }

    /// <summary>The torch MLP with one initializer replaced (same name, other shape or values).</summary>
    private static OnnxBuilder ReplaceInitializer(string name, long[] dims, double[]? values = null)
    {
        var builder = new OnnxBuilder().Input("input", 4).Output("output");
        foreach ((string key, long[] shape, double[] data) in new[]
        {
            ("0.weight", new long[] { 3, 4 }, W0), ("0.bias", new long[] { 3 }, B0), ("2.weight", new long[] { 2, 3 }, W1), ("2.bias", new long[] { 2 }, B1),
        })
        {
            if (key == name)
            {
                long count = dims.Aggregate(1L, (a, b) => a * b);
                builder.Initializer(key, dims, values ?? Enumerable.Repeat(0.5, (int)count).ToArray());
            }
            else
            {
                builder.Initializer(key, shape, data);
            }
        }
        return builder
            .Node("Gemm", "/0/Gemm", new[] { "input", "0.weight", "0.bias" }, new[] { "h0" }, Attr.Int("transB", 1))
            .Node("Relu", "/1/Relu", new[] { "h0" }, new[] { "a0" })
            .Node("Gemm", "/2/Gemm", new[] { "a0", "2.weight", "2.bias" }, new[] { "h1" }, Attr.Int("transB", 1))
            .Node("Softmax", "/3/Softmax", new[] { "h1" }, new[] { "output" }, Attr.Int("axis", -1));
    }

    /// <summary>One Gemm layer with an extra attribute.</summary>
    private static OnnxBuilder SingleGemm(string node, Attr extra) => new OnnxBuilder()
        .Input("input", 4).Output("output")
        .Initializer("0.weight", new long[] { 3, 4 }, W0).Initializer("0.bias", new long[] { 3 }, B0)
        .Node("Gemm", node, new[] { "input", "0.weight", "0.bias" }, new[] { "output" }, Attr.Int("transB", 1), extra);

    /// <summary>One Gemm layer (output h0) followed by whatever <paramref name="rest"/> adds.</summary>
    private static OnnxBuilder Chain(Func<OnnxBuilder, OnnxBuilder> rest, int weightType = FloatType) => rest(new OnnxBuilder()
        .Input("input", 4).Output("output")
        .Initializer("0.weight", new long[] { 3, 4 }, W0, weightType)
        .Node("Gemm", "/0/Gemm", new[] { "input", "0.weight" }, new[] { weightType == FloatType ? "h0" : "output" }, Attr.Int("transB", 1)));
}
