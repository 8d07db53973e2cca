using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text.Json;
using StaticNet.Tests.Golden;
using Xunit;

namespace StaticNet.Tests.Onnx;

/// <summary>
/// Networks imported at build time from ONNX files that torch.onnx.export wrote (Specs/Onnx, made by
/// Golden/Onnx/make_onnx.py): the baked parameters are PyTorch's, Pretrained().Predict matches PyTorch's
/// outputs, and the weight keys are PyTorch's state_dict keys.
/// </summary>
public sealed class OnnxImportTests
{
    private const string GoldenFileName = "Onnx/onnx_import.golden.json";

    public static TheoryData<string> Networks()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement network in GoldenFile.Load(GoldenFileName).GetProperty("networks").EnumerateArray())
        {
            data.Add(network.GetProperty("name").GetString()!);
        }
        return data;
    }

    private static JsonElement Golden(string name) =>
        GoldenFile.Load(GoldenFileName).GetProperty("networks").EnumerateArray().Single(n => n.GetProperty("name").GetString() == name);

    private static INetwork<float>? CreateFloat(string name) => name switch
    {
        "OnnxIris" => OnnxIris.Pretrained(),
        "OnnxTanhSigmoid" => OnnxTanhSigmoid.Pretrained(),
        "OnnxMixed" => OnnxMixed.Pretrained(),
        "OnnxNoBias" => OnnxNoBias.Pretrained(),
        "OnnxOpset13" => OnnxOpset13.Pretrained(),
        "OnnxMatMulAdd" => OnnxMatMulAdd.Pretrained(),
        "OnnxFlatten" => OnnxFlatten.Pretrained(),
        _ => null,
    };

    private static INetwork<double>? CreateDouble(string name) => name switch
    {
        "OnnxDouble" => OnnxDouble.Pretrained(),
        _ => null,
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Pretrained_predicts_like_PyTorch(string name)
    {
        JsonElement golden = Golden(name);
        if (golden.GetProperty("precision").GetString() == "double")
        {
            INetwork<double> network = CreateDouble(name) ?? throw new InvalidOperationException(name + " is not a double network");
            AssertPredicts(network, golden, 1e-10);
        }
        else
        {
            INetwork<float> network = CreateFloat(name) ?? throw new InvalidOperationException(name + " is not a float network");
            AssertPredicts(network, golden, 1e-5);
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Parameters_are_PyTorchs_in_canonical_order_and_keys_are_its_state_dict_keys(string name)
    {
        JsonElement golden = Golden(name);
        string[] keys = golden.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToArray();
        if (golden.GetProperty("precision").GetString() == "double")
        {
            INetwork<double> network = CreateDouble(name)!;
            Assert.Equal(Precision.Double, network.Description.Precision);
            Assert.Equal(GoldenFile.Vector<double>(golden.GetProperty("parameters")), network.Parameters.ToArray());
            Assert.Equal(keys, Keys(network.Description));
        }
        else
        {
            INetwork<float> network = CreateFloat(name)!;
            Assert.Equal(Precision.Float, network.Description.Precision);
            Assert.Equal(GoldenFile.Vector<float>(golden.GetProperty("parameters")), network.Parameters.ToArray());
            Assert.Equal(keys, Keys(network.Description));
        }
    }

    [Fact]
    public void Topology_and_spec_fields_come_through()
    {
        Assert.Equal(4, OnnxIris.InputSize);
        Assert.Equal(3, OnnxIris.OutputSize);
        Assert.Equal(Loss.CrossEntropy, OnnxIris.Description.Loss);
        Assert.Equal(new[] { Activation.Relu, Activation.Softmax }, OnnxIris.Description.Layers.Select(l => l.Activation));
        Assert.Equal(new[] { "setosa", "versicolor", "virginica" }, OnnxIris.Description.Labels);

        Assert.Equal(Loss.BinaryCrossEntropy, OnnxTanhSigmoid.Description.Loss);
        Assert.Equal(Loss.MeanSquaredError, OnnxMixed.Description.Loss);
        Assert.Equal(
            new[] { Activation.LeakyRelu, Activation.Elu, Activation.Gelu, Activation.Silu, Activation.Softplus, Activation.Identity },
            OnnxMixed.Description.Layers.Select(l => l.Activation));
        Assert.Equal(0.2, OnnxMixed.Description.Layers[0].Alpha);
        Assert.Equal(0.5, OnnxMixed.Description.Layers[1].Alpha);
        Assert.Equal(new[] { false, true, false }, OnnxNoBias.Description.Layers.Select(l => l.HasBias));
        Assert.Equal(new[] { Activation.Sigmoid, Activation.Gelu, Activation.Identity }, OnnxNoBias.Description.Layers.Select(l => l.Activation));
        Assert.Equal(new[] { Activation.Silu, Activation.Identity }, OnnxMatMulAdd.Description.Layers.Select(l => l.Activation));
        Assert.Equal(0.01, OnnxOpset13.Description.Layers[1].Alpha);
        Assert.Equal(12, OnnxFlatten.InputSize);   // nn.Flatten of a 1x3x4 sample
    }

    [Fact]
    public void Imported_network_classifies_with_its_labels_and_trains_like_any_other()
    {
        OnnxIris network = OnnxIris.Pretrained();
        JsonElement golden = Golden("OnnxIris");
        float[][] inputs = golden.GetProperty("inputs").EnumerateArray().Select(GoldenFile.Vector<float>).ToArray();
        float[][] outputs = golden.GetProperty("outputs").EnumerateArray().Select(GoldenFile.Vector<float>).ToArray();
        for (int i = 0; i < inputs.Length; i++)
        {
            int expected = Array.IndexOf(outputs[i], outputs[i].Max());
            Assert.Equal((OnnxIris.Label)expected, network.Classify(inputs[i]));
        }

        float[] gradient = new float[OnnxIris.ParameterCount];
        float loss = network.AccumulateGradient(inputs[0], 1, gradient);
        Assert.Equal(-MathF.Log(outputs[0][1]), loss, 1e-5f);
        Assert.Contains(gradient, g => g != 0f);
    }

    [Fact]
    public void Weight_files_saved_from_an_imported_network_load_into_it()
    {
        string path = Path.Combine(Path.GetTempPath(), "onnx-import-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            OnnxMixed.Pretrained().Save(path);
            OnnxMixed loaded = OnnxMixed.Load(path);
            Assert.Equal(OnnxMixed.Pretrained().Parameters.ToArray(), loaded.Parameters.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string[] Keys(NetworkDescription description) =>
        description.Layers.SelectMany(l => l.BiasKey is null ? new[] { l.WeightKey } : new[] { l.WeightKey, l.BiasKey }).ToArray();

    private static void AssertPredicts<T>(INetwork<T> network, JsonElement golden, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[][] inputs = golden.GetProperty("inputs").EnumerateArray().Select(GoldenFile.Vector<T>).ToArray();
        T[][] outputs = golden.GetProperty("outputs").EnumerateArray().Select(GoldenFile.Vector<T>).ToArray();
        Assert.NotEmpty(inputs);
        var actual = new T[network.Description.OutputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            network.Predict(inputs[i], actual);
            Assert.Equal(outputs[i].Length, actual.Length);
            for (int j = 0; j < actual.Length; j++)
            {
                double expected = double.CreateChecked(outputs[i][j]), value = double.CreateChecked(actual[j]);
                Assert.True(Math.Abs(expected - value) <= tolerance,
                    $"{golden.GetProperty("name").GetString()} sample {i} output {j}: PyTorch {expected:R}, StaticNet {value:R}");
            }
        }
    }
}
