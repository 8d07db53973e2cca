using System;
using System.IO;
using Xunit;

namespace StaticNet.Tests.WeightFiles;

/// <summary>The generated Save/Load members, in both precisions.</summary>
public sealed class GeneratedSaveLoadTests
{
    [Fact]
    public void Generated_Save_and_Load_round_trip_a_float_network()
    {
        string folder = Directory.CreateTempSubdirectory("staticnet-").FullName;
        try
        {
            string path = Path.Combine(folder, "iris.safetensors");
            var network = new IrisNet(seed: 3);
            network.Save(path);
            IrisNet loaded = IrisNet.Load(path);
            Assert.True(network.Parameters.SequenceEqual(loaded.Parameters));
            float[] input = { 6.3f, 2.9f, 5.6f, 1.8f };
            Assert.Equal(network.Classify(input), loaded.Classify(input));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Generated_Save_and_Load_round_trip_a_double_network_through_a_stream()
    {
        var network = new DeepGeluDouble(seed: 9);
        var stream = new MemoryStream();
        network.Save(stream);
        stream.Position = 0;
        DeepGeluDouble loaded = DeepGeluDouble.Load(stream);
        Assert.True(network.Parameters.SequenceEqual(loaded.Parameters));
    }

    [Fact]
    public void Loading_a_file_of_another_topology_fails_clearly_and_changes_nothing()
    {
        var iris = new IrisNet(seed: 3);
        var stream = new MemoryStream();
        iris.Save(stream);
        stream.Position = 0;
        var xor = new XorNet(seed: 1);
        float[] before = xor.Parameters.ToArray();
        var error = Assert.Throws<WeightFileException>(() => WeightFile.Load(xor, stream));
        Assert.Contains("0.weight", error.Message);
        Assert.Equal(before, xor.Parameters.ToArray());
    }
}
