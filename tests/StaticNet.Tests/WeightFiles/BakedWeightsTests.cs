using System;
using System.IO;
using Xunit;

namespace StaticNet.Tests.WeightFiles;

/// <summary>Weights baked into the assembly at build time (Specs/Baked) against the same files loaded at run time.</summary>
public sealed class BakedWeightsTests
{
    [Fact]
    public void Pretrained_network_equals_the_loaded_file_bit_for_bit()
    {
        TorchMlpBaked baked = TorchMlpBaked.Pretrained();
        var loaded = new TorchMlp(seed: 1);
        WeightFile.Load(loaded, Path.Combine(TorchGoldenTests.GoldenDirectory, "torch_mlp_f32.safetensors"));
        Assert.Equal(WeightFileRoundTripTests.Bits(loaded.Parameters), WeightFileRoundTripTests.Bits(baked.Parameters));

        float[] input = { 0.5f, -1f, 2f, 0.25f };
        float[] expected = new float[3], actual = new float[3];
        loaded.Predict(input, expected);
        baked.Predict(input, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Pretrained_converts_half_precision_files_like_the_runtime_loader()
    {
        TorchMlpBakedHalf baked = TorchMlpBakedHalf.Pretrained();
        var loaded = new TorchMlpBakedHalf(seed: 1);
        WeightFile.Load(loaded, Path.Combine(TorchGoldenTests.GoldenDirectory, "torch_mlp_f16.safetensors"));
        Assert.Equal(loaded.Parameters.ToArray(), baked.Parameters.ToArray());
    }

    [Fact]
    public void Each_call_returns_an_independent_network_and_does_not_allocate_the_data()
    {
        TorchMlpBaked first = TorchMlpBaked.Pretrained();
        first.Parameters.Clear();
        TorchMlpBaked second = TorchMlpBaked.Pretrained();
        Assert.NotEqual(0f, second.Parameters[0]);
    }
}

public sealed class BakedWeightsBesideSpecTests
{
    [Fact]
    public void A_weight_file_beside_its_spec_is_found_without_listing_it()
    {
        TorchMlpBeside baked = TorchMlpBeside.Pretrained();
        var loaded = new TorchMlpBeside(seed: 1);
        WeightFile.Load(loaded, Path.Combine(TorchGoldenTests.GoldenDirectory, "torch_mlp_f64.safetensors"));
        Assert.Equal(loaded.Parameters.ToArray(), baked.Parameters.ToArray());
    }
}
