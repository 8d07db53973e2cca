using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Xunit;
using static StaticNet.Onnx.Tests.OnnxTestSupport;
using Proto = global::Onnx;

namespace StaticNet.Onnx.Tests;

/// <summary>What the exported protobuf contains: versions, names, shapes, initializers, operators.</summary>
public sealed class OnnxExportStructureTests
{
    private static Proto.ModelProto Export<T>(INetwork<T> network, OnnxExportOptions? options = null)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        using var stream = new MemoryStream();
        network.ExportOnnx(stream, options);
        return Proto.ModelProto.Parser.ParseFrom(stream.ToArray());
    }

    [Fact]
    public void Model_DeclaresOpset17_IrVersion8_AndProducer()
    {
        Proto.ModelProto model = Export(new OnnxSoftmaxFloat(1));
        Assert.Equal(8, model.IrVersion);
        Proto.OperatorSetIdProto opset = Assert.Single(model.OpsetImport);
        Assert.Equal("", opset.Domain);
        Assert.Equal(17, opset.Version);
        Assert.Equal("StaticNet", model.ProducerName);
        Assert.False(string.IsNullOrEmpty(model.ProducerVersion));
        Assert.Equal("OnnxSoftmaxFloat", model.Graph.Name);
        Assert.Equal("StaticNet network OnnxSoftmaxFloat (float): 5 -> 9 tanh -> 4 softmax (no bias)", model.DocString);
        Assert.Equal("Columns: a, b, c, d, e", model.Graph.Input[0].DocString);
        Assert.Equal("Columns: north, east, south, west", model.Graph.Output[0].DocString);
    }

    [Fact]
    public void Metadata_CarriesNameHashPrecisionLossLabelsAndInputNames()
    {
        INetwork<double> network = new OnnxSoftmaxDouble(1);
        Proto.ModelProto model = Export(network);
        var props = model.MetadataProps.ToDictionary(entry => entry.Key, entry => entry.Value);
        Assert.Equal("OnnxSoftmaxDouble", props["staticnet.name"]);
        Assert.Equal(network.Description.TopologyHash, props["staticnet.topology_hash"]);
        Assert.Equal("double", props["staticnet.precision"]);
        Assert.Equal("cross_entropy", props["staticnet.loss"]);
        Assert.Equal("[\"north\",\"east\",\"south\",\"west\"]", props["labels"]);
        Assert.Equal("[\"a\",\"b\",\"c\",\"d\",\"e\"]", props["input_names"]);

        Proto.ModelProto mnist = Export(new OnnxMnistFloat(1));
        Assert.Contains("\"fünf\"", mnist.MetadataProps.Single(entry => entry.Key == "labels").Value);

        Proto.ModelProto plain = Export(new OnnxReluFloat(1));
        Assert.DoesNotContain(plain.MetadataProps, entry => entry.Key is "labels" or "input_names");
    }

    [Fact]
    public void Initializers_AreTheWeightFileTensors_InCanonicalLayout()
    {
        INetwork<float> network = new OnnxReluFloat(3);
        Proto.ModelProto model = Export(network);
        float[] parameters = network.Parameters.ToArray();
        foreach (LayerDescription layer in network.Description.Layers)
        {
            Proto.TensorProto weight = Assert.Single(model.Graph.Initializer, tensor => tensor.Name == layer.WeightKey);
            Assert.Equal((int)Proto.TensorProto.Types.DataType.Float, weight.DataType);
            Assert.Equal(new long[] { layer.Units, layer.FanIn }, weight.Dims.ToArray());
            Assert.Equal(parameters.AsSpan(layer.WeightOffset, layer.WeightCount).ToArray(), MemoryMarshal.Cast<byte, float>(weight.RawData.Span).ToArray());
            if (layer.HasBias)
            {
                Proto.TensorProto bias = Assert.Single(model.Graph.Initializer, tensor => tensor.Name == layer.BiasKey);
                Assert.Equal(new long[] { layer.Units }, bias.Dims.ToArray());
                Assert.Equal(parameters.AsSpan(layer.BiasOffset, layer.Units).ToArray(), MemoryMarshal.Cast<byte, float>(bias.RawData.Span).ToArray());
            }
        }
        // nn.Sequential keys (relu counts as a module), the named head, and no bias for the bias-free layer.
        Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "head.weight", "head.bias" }, model.Graph.Initializer.Select(t => t.Name).ToArray());
    }

    [Fact]
    public void Graph_IsOneGemmPerLayer_ThenTheActivation_WithReadableNames()
    {
        Proto.ModelProto model = Export(new OnnxReluFloat(1));
        Assert.Equal(
            new[] { "layer0/Gemm", "layer0/Relu", "layer1/Gemm", "layer1/Relu", "layer2/Gemm" },
            model.Graph.Node.Select(node => node.Name).ToArray());
        Proto.NodeProto first = model.Graph.Node[0];
        Assert.Equal("Gemm", first.OpType);
        Assert.Equal(new[] { "input", "0.weight", "0.bias" }, first.Input.ToArray());
        Proto.AttributeProto transB = Assert.Single(first.Attribute);
        Assert.Equal(("transB", 1L), (transB.Name, transB.I));
        // A bias-free layer is a Gemm without C.
        Assert.Equal(new[] { "layer0/output", "2.weight" }, model.Graph.Node[2].Input.ToArray());
        // An identity last layer is its Gemm, writing the graph output directly.
        Assert.Equal("output", model.Graph.Node[^1].Output.Single());

        Proto.ValueInfoProto input = Assert.Single(model.Graph.Input);
        Assert.Equal("input", input.Name);
        Assert.Equal("batch", input.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(7, input.Type.TensorType.Shape.Dim[1].DimValue);
        Proto.ValueInfoProto output = Assert.Single(model.Graph.Output);
        Assert.Equal("batch", output.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(3, output.Type.TensorType.Shape.Dim[1].DimValue);
    }

    [Fact]
    public void Activations_UseStandardOperators()
    {
        static string[] Ops<T>(INetwork<T> network, int layer)
            where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
            Export(network).Graph.Node.Where(node => node.Name.StartsWith($"layer{layer}/", StringComparison.Ordinal)).Select(node => node.OpType).ToArray();

        Assert.Equal(new[] { "Gemm", "Sigmoid" }, Ops(new OnnxSigmoidFloat(1), 0));
        Assert.Equal(new[] { "Gemm", "Tanh" }, Ops(new OnnxTanhDouble(1), 0));
        Assert.Equal(new[] { "Gemm", "Div", "Erf", "Add", "Mul", "Mul" }, Ops(new OnnxGeluFloat(1), 0));
        Assert.Equal(new[] { "Gemm", "Div", "Erf", "Add", "Mul", "Mul" }, Ops(new OnnxGeluDouble(1), 0));
        Assert.Equal(new[] { "Gemm", "Sigmoid", "Mul" }, Ops(new OnnxSiluFloat(1), 0));
        Assert.Equal(new[] { "Gemm", "Softplus" }, Ops(new OnnxSoftplusFloat(1), 0));
        Assert.Equal(new[] { "Gemm", "Greater", "Exp", "Add", "Log", "Where" }, Ops(new OnnxSoftplusDouble(1), 0));
        Assert.Equal(new[] { "Gemm", "Softmax" }, Ops(new OnnxSoftmaxFloat(1), 1));
        Assert.Equal(new[] { "Gemm", "Greater", "Cast" }, Ops(new OnnxStepDouble(1), 0));
        Assert.Equal(new[] { "Gemm", "PRelu" }, Ops(new OnnxLeakyReluDouble(1), 0));
        Assert.Equal(new[] { "Gemm", "Greater", "Exp", "Sub", "Mul", "Where" }, Ops(new OnnxEluDouble(1), 0));

        Proto.ModelProto leaky = Export(new OnnxLeakyReluFloat(1));
        Assert.Equal(0.2f, leaky.Graph.Node.Single(node => node.Name == "layer0/LeakyRelu").Attribute.Single(a => a.Name == "alpha").F);
        Assert.Equal(0.01f, leaky.Graph.Node.Single(node => node.Name == "layer1/LeakyRelu").Attribute.Single(a => a.Name == "alpha").F);
        Proto.ModelProto elu = Export(new OnnxEluFloat(1));
        Assert.Equal(0.7f, elu.Graph.Node.Single(node => node.Name == "layer0/Elu").Attribute.Single(a => a.Name == "alpha").F);
        Assert.Equal(1f, elu.Graph.Node.Single(node => node.Name == "layer1/Elu").Attribute.Single(a => a.Name == "alpha").F);

        // Double alphas stay doubles.
        Proto.ModelProto leakyDouble = Export(new OnnxLeakyReluDouble(1));
        Proto.TensorProto alpha = leakyDouble.Graph.Initializer.Single(tensor => tensor.Name == "layer1/alpha");
        Assert.Equal((int)Proto.TensorProto.Types.DataType.Double, alpha.DataType);
        Assert.Empty(alpha.Dims);
        Assert.Equal(0.01, MemoryMarshal.Read<double>(alpha.RawData.Span));

        Proto.ModelProto softmax = Export(new OnnxSoftmaxFloat(1));
        Assert.Equal(-1, softmax.Graph.Node.Single(node => node.OpType == "Softmax").Attribute.Single(a => a.Name == "axis").I);
        Proto.ModelProto step = Export(new OnnxStepFloat(1));
        Assert.Equal((long)Proto.TensorProto.Types.DataType.Float, step.Graph.Node.First(node => node.OpType == "Cast").Attribute.Single().I);
    }

    [Fact]
    public void DoubleNetwork_IsFloat64Throughout()
    {
        Proto.ModelProto model = Export(new OnnxEluDouble(1));
        int type = (int)Proto.TensorProto.Types.DataType.Double;
        Assert.All(model.Graph.Initializer, tensor => Assert.Equal(type, tensor.DataType));
        Assert.Equal(type, model.Graph.Input[0].Type.TensorType.ElemType);
        Assert.Equal(type, model.Graph.Output[0].Type.TensorType.ElemType);
    }

    [Fact]
    public void Options_RenameInputOutputAndBatch_AndAddMetadata()
    {
        INetwork<float> network = new OnnxSoftmaxFloat(4);
        var options = new OnnxExportOptions
        {
            InputName = "features",
            OutputName = "probabilities",
            BatchDimensionName = "N",
            GraphName = "compass",
            DocString = "Which way.",
            ModelVersion = 3,
            Metadata = new System.Collections.Generic.Dictionary<string, string> { ["author"] = "tests" },
        };
        using var folder = new TempFolder();
        string path = folder.File("renamed.onnx");
        network.ExportOnnx(path, options);
        using var session = new InferenceSession(path);
        Assert.Equal("features", session.InputMetadata.Keys.Single());
        Assert.Equal("probabilities", session.OutputMetadata.Keys.Single());
        Assert.Equal("N", session.InputMetadata["features"].SymbolicDimensions[0]);
        Assert.Equal("compass", session.ModelMetadata.GraphName);
        Assert.Equal("Which way.", session.ModelMetadata.Description);
        Assert.Equal(3, session.ModelMetadata.Version);
        Assert.Equal("tests", session.ModelMetadata.CustomMetadataMap["author"]);

        float[] inputs = RandomInputs<float>(2, network.InputSize, seed: 5);
        float[] actual = Run(session, inputs, 2, network.InputSize, "features", "probabilities");
        var expected = new float[2 * network.OutputSize];
        network.PredictBatch(inputs, expected);
        AssertClose<float>(expected, actual, 1e-5, "renamed");
    }

    [Fact]
    public void Export_IsDeterministic_AndTheStreamOverloadWritesTheFileBytes()
    {
        var network = new OnnxGeluFloat(12);
        using var folder = new TempFolder();
        string path = folder.File("gelu.onnx");
        network.ExportOnnx(path);
        byte[] file = File.ReadAllBytes(path);

        using var stream = new MemoryStream();
        stream.Write(new byte[] { 1, 2, 3 });
        network.ExportOnnx(stream);
        Assert.True(stream.CanWrite, "the stream is left open");
        Assert.Equal(file, stream.ToArray()[3..]);

        network.ExportOnnx(path);
        Assert.Equal(file, File.ReadAllBytes(path));
    }
}
