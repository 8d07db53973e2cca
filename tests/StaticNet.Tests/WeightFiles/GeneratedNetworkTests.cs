using System.IO;
using System.Text.Json;
using StaticNet;
using Xunit;

namespace StaticNet.Tests.WeightFiles;

/// <summary>The same PyTorch files, loaded into the network the generator builds from Specs/WeightFiles/TorchMlp.staticnet.json.</summary>
public sealed class GeneratedNetworkTests
{
    [Theory]
    [InlineData("f32")]
    [InlineData("f16")]
    [InlineData("bf16")]
    [InlineData("f64")]
    public void GeneratedNetworkLoadsPyTorchFilesAndMatchesItsOutputs(string variant)
    {
        using JsonDocument golden = TorchGoldenTests.Golden();
        JsonElement expected = golden.RootElement.GetProperty("variants").GetProperty(variant);
        var network = new TorchMlp(seed: 1);
        WeightFile.Load(network, Path.Combine(TorchGoldenTests.GoldenDirectory, expected.GetProperty("file").GetString()!));
        TorchGoldenTests.AssertOutputs(golden, expected, network);
    }

    [Fact]
    public void GeneratedKeysAreThoseOfPyTorch()
    {
        using JsonDocument golden = TorchGoldenTests.Golden();
        var keys = new System.Collections.Generic.List<string>();
        foreach (LayerDescription layer in TorchMlp.Description.Layers)
        {
            keys.Add(layer.WeightKey);
            keys.Add(layer.BiasKey!);
        }
        Assert.Equal(
            [.. System.Linq.Enumerable.Select(golden.RootElement.GetProperty("keys").EnumerateArray(), k => k.GetString()!)],
            keys);
    }

    [Fact]
    public void GeneratedNetworkRoundTripsAndFakeAgreesOnLayout()
    {
        var network = new TorchMlp(seed: 42);
        var stream = new MemoryStream();
        WeightFile.Save(network, stream);

        // A file from the generated network loads into the hand-written fake of the same shape, and back.
        stream.Position = 0;
        var fake = FakeNetwork<float>.TorchMlp();
        WeightFile.Load(fake, stream);
        Assert.Equal(WeightFileRoundTripTests.Bits(network.Parameters), WeightFileRoundTripTests.Bits(fake.Parameters));

        var copy = new TorchMlp(seed: 7);
        var again = new MemoryStream();
        WeightFile.Save(fake, again);
        again.Position = 0;
        WeightFile.Load(copy, again);
        Assert.Equal(WeightFileRoundTripTests.Bits(network.Parameters), WeightFileRoundTripTests.Bits(copy.Parameters));

        float[] input = [0.5f, -1f, 2f, 0.25f];
        float[] a = new float[3], b = new float[3];
        network.Predict(input, a);
        fake.Predict(input, b);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(a[i], b[i], 1e-5f);
        }
    }
}
