using System;
using System.IO;
using System.Text.Json;
using StaticNet;
using Xunit;

namespace StaticNet.Tests.WeightFiles;

/// <summary>
/// Files written by PyTorch (make_safetensors.py: its own struct + json writer, not ours) load into a network
/// with the parameters PyTorch reads back, and predict what PyTorch predicts.
/// </summary>
public sealed class TorchGoldenTests
{
    internal static readonly string GoldenDirectory = Path.Combine(AppContext.BaseDirectory, "Golden", "WeightFiles");

    internal static JsonDocument Golden() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(GoldenDirectory, "torch_mlp.json")));

    [Theory]
    [InlineData("f32")]
    [InlineData("f16")]
    [InlineData("bf16")]
    [InlineData("f64")]
    public void FloatNetworkLoadsPyTorchFilesAndMatchesItsOutputs(string variant)
    {
        using JsonDocument golden = Golden();
        JsonElement expected = golden.RootElement.GetProperty("variants").GetProperty(variant);
        var network = FakeNetwork<float>.TorchMlp();
        WeightFile.Load(network, Path.Combine(GoldenDirectory, expected.GetProperty("file").GetString()!));

        // Bit-exact: our F16/BF16/F64 conversion equals torch's .to(torch.float32).
        int i = 0;
        foreach (JsonElement value in expected.GetProperty("parameters").EnumerateArray())
        {
            Assert.Equal(BitConverter.SingleToInt32Bits((float)value.GetDouble()), BitConverter.SingleToInt32Bits(network.Parameters[i++]));
        }
        Assert.Equal(network.ParameterCount, i);
        AssertOutputs(golden, expected, network);
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("f16")]
    [InlineData("bf16")]
    [InlineData("f64")]
    public void DoubleNetworkLoadsPyTorchFilesAndMatchesItsOutputs(string variant)
    {
        using JsonDocument golden = Golden();
        JsonElement expected = golden.RootElement.GetProperty("variants").GetProperty(variant);
        var network = FakeNetwork<double>.TorchMlp();
        WeightFile.Load(network, Path.Combine(GoldenDirectory, expected.GetProperty("file").GetString()!));

        int i = 0;
        foreach (JsonElement value in expected.GetProperty("parameters").EnumerateArray())
        {
            Assert.Equal((double)(float)value.GetDouble(), network.Parameters[i++]);
        }
        AssertOutputs(golden, expected, network);
    }

    [Fact]
    public void PyTorchFileStructureIsAsExpected()
    {
        SafeTensorsFile file = SafeTensorsFile.Read(Path.Combine(GoldenDirectory, "torch_mlp_bf16.safetensors"));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], Array.ConvertAll([.. file.Tensors], t => t.Name));
        Assert.All(file.Tensors, t => Assert.Equal(SafeTensorsDType.BF16, t.DType));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.False(file.Metadata.ContainsKey(WeightFile.TopologyHashKey)); // PyTorch files carry no hash, and load anyway
    }

    [Fact]
    public void OurRewriteOfAPyTorchFileKeepsEveryByteOfData()
    {
        string path = Path.Combine(GoldenDirectory, "torch_mlp_f32.safetensors");
        SafeTensorsFile torch = SafeTensorsFile.Read(path);
        var network = FakeNetwork<float>.TorchMlp();
        WeightFile.Load(network, path);

        var stream = new MemoryStream();
        WeightFile.Save(network, stream);
        SafeTensorsFile ours = SafeTensorsFile.Read(new MemoryStream(stream.ToArray()));
        Assert.Equal(torch.Tensors.Count, ours.Tensors.Count);
        for (int t = 0; t < torch.Tensors.Count; t++)
        {
            Assert.Equal(torch.Tensors[t].Name, ours.Tensors[t].Name);
            Assert.Equal(torch.Tensors[t].Shape, ours.Tensors[t].Shape);
            Assert.Equal(torch.Tensors[t].Data.ToArray(), ours.Tensors[t].Data.ToArray());
        }
    }

    internal static void AssertOutputs<T>(JsonDocument golden, JsonElement expected, INetwork<T> network)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        JsonElement inputs = golden.RootElement.GetProperty("inputs");
        JsonElement outputs = expected.GetProperty("outputs");
        Assert.Equal(inputs.GetArrayLength(), outputs.GetArrayLength());
        var input = new T[network.InputSize];
        var output = new T[network.OutputSize];
        for (int row = 0; row < inputs.GetArrayLength(); row++)
        {
            int k = 0;
            foreach (JsonElement value in inputs[row].EnumerateArray())
            {
                input[k++] = T.CreateChecked((float)value.GetDouble());
            }
            network.Predict(input, output);
            k = 0;
            foreach (JsonElement value in outputs[row].EnumerateArray())
            {
                double actual = double.CreateChecked(output[k++]);
                Assert.True(Math.Abs(actual - value.GetDouble()) <= 1e-5,
                    $"row {row}, output {k - 1}: PyTorch {value.GetDouble()}, StaticNet {actual}");
            }
        }
    }
}
