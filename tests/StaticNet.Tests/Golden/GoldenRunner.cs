using System;
using System.Collections.Generic;
using System.Numerics;
using System.Text.Json;
using StaticNet.Optimizers;
using Xunit;

namespace StaticNet.Tests.Golden;

/// <summary>
/// The checks of a network against its PyTorch golden file (&lt;Name&gt;.golden.json from make_golden.py),
/// for any <see cref="INetwork{T}"/>: the generated classes and the runtime's <see cref="DynamicNetwork{T}"/>.
/// </summary>
internal static class GoldenRunner
{
    public static readonly string[] NetworkNames =
    [
        "GoldenIrisSoftmax",
        "GoldenTanhSigmoidBce",
        "GoldenGeluSiluMse",
        "GoldenEluLeakyLogits",
        "GoldenSoftplusSigmoidBce",
    ];

    public static JsonElement Load(string network) => GoldenFile.Load(network + ".golden.json");

    public static IEnumerable<string> OptimizerNames(string network) => GoldenFile.Names(Load(network).GetProperty("optimizers"));

    public static bool UsesLabels(string network) => Load(network).TryGetProperty("labels", out _);

    /// <summary>The description DESIGN.md implies for the golden spec, built without the generator.</summary>
    public static NetworkDescription DescribeSpec(JsonElement spec)
    {
        var layers = new List<LayerDescription>();
        int fanIn = spec.GetProperty("inputs").GetInt32(), offset = 0, module = 0;
        int index = 0;
        foreach (JsonElement layer in spec.GetProperty("layers").EnumerateArray())
        {
            int units = layer.GetProperty("units").GetInt32();
            Activation activation = ParseActivation(layer);
            bool bias = !layer.TryGetProperty("bias", out JsonElement b) || b.GetBoolean();
            int weightOffset = offset;
            offset += units * fanIn;
            int biasOffset = bias ? offset : -1;
            offset += bias ? units : 0;
            layers.Add(new LayerDescription(index, fanIn, units, activation, ExpectedAlpha(layer, activation), bias, weightOffset, biasOffset,
                $"{module}.weight", bias ? $"{module}.bias" : null));
            module += activation == Activation.Identity ? 1 : 2;
            fanIn = units;
            index++;
        }
        return new NetworkDescription(spec.GetProperty("name").GetString()!, ParsePrecision(spec), spec.GetProperty("inputs").GetInt32(),
            layers, ParseLoss(spec), [], []);
    }

    private static Activation ParseActivation(JsonElement layer) =>
        (layer.TryGetProperty("activation", out JsonElement a) ? a.GetString() : "identity") switch
        {
            "identity" => Activation.Identity,
            "sigmoid" => Activation.Sigmoid,
            "tanh" => Activation.Tanh,
            "relu" => Activation.Relu,
            "leaky_relu" => Activation.LeakyRelu,
            "elu" => Activation.Elu,
            "gelu" => Activation.Gelu,
            "silu" => Activation.Silu,
            "softplus" => Activation.Softplus,
            "softmax" => Activation.Softmax,
            var other => throw new NotSupportedException(other),
        };

    private static double ExpectedAlpha(JsonElement layer, Activation activation) =>
        layer.TryGetProperty("alpha", out JsonElement alpha) ? alpha.GetDouble()
        : activation == Activation.LeakyRelu ? 0.01
        : activation == Activation.Elu ? 1.0
        : 0;

    private static Loss ParseLoss(JsonElement spec) => spec.GetProperty("loss").GetString() switch
    {
        "mse" => Loss.MeanSquaredError,
        "cross_entropy" => Loss.CrossEntropy,
        "binary_cross_entropy" => Loss.BinaryCrossEntropy,
        var other => throw new NotSupportedException(other),
    };

    private static Precision ParsePrecision(JsonElement spec) =>
        spec.GetProperty("precision").GetString() == "double" ? Precision.Double : Precision.Float;

    /// <summary>The network's description is what the golden spec says, and its keys are PyTorch's state_dict keys.</summary>
    public static void CheckDescription<T>(INetwork<T> network, JsonElement golden) where T : unmanaged, IFloatingPointIeee754<T>
    {
        NetworkDescription expected = DescribeSpec(golden.GetProperty("spec"));
        NetworkDescription actual = network.Description;
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Precision, actual.Precision);
        Assert.Equal(typeof(T) == typeof(float) ? Precision.Float : Precision.Double, actual.Precision);
        Assert.Equal(expected.InputSize, actual.InputSize);
        Assert.Equal(expected.Loss, actual.Loss);
        Assert.Equal(expected.Layers.Count, actual.Layers.Count);
        for (int i = 0; i < expected.Layers.Count; i++)
        {
            LayerDescription e = expected.Layers[i], a = actual.Layers[i];
            Assert.Equal(e with { BiasKey = null, WeightKey = "" }, a with { BiasKey = null, WeightKey = "" });
        }
        int parameterCount = golden.GetProperty("parameter_count").GetInt32();
        Assert.Equal(parameterCount, actual.ParameterCount);
        Assert.Equal(parameterCount, network.ParameterCount);
        Assert.Equal(parameterCount, network.Parameters.Length);
        Assert.Equal(expected.InputSize, network.InputSize);
        Assert.Equal(expected.OutputSize, network.OutputSize);

        var keys = new List<string>();
        foreach (LayerDescription layer in actual.Layers)
        {
            keys.Add(layer.WeightKey);
            if (layer.BiasKey is not null)
            {
                keys.Add(layer.BiasKey);
            }
        }
        var torchKeys = new List<string>();
        foreach (JsonElement key in golden.GetProperty("state_dict_keys").EnumerateArray())
        {
            torchKeys.Add(key.GetString()!);
        }
        Assert.Equal(torchKeys, keys);
    }

    /// <summary>Mean loss over the batch; <paramref name="gradient"/> receives the mean gradient.</summary>
    public static T BatchGradient<T>(INetwork<T> network, JsonElement golden, Span<T> gradient, bool oneHot = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = golden.GetProperty("batch").GetInt32();
        T[] inputs = GoldenFile.Matrix<T>(golden.GetProperty("inputs"));
        Assert.Equal(batch * network.InputSize, inputs.Length);
        gradient.Clear();
        T loss = T.Zero;
        if (golden.TryGetProperty("labels", out JsonElement labels))
        {
            var target = new T[network.OutputSize];
            for (int s = 0; s < batch; s++)
            {
                int label = labels[s].GetInt32();
                ReadOnlySpan<T> input = inputs.AsSpan(s * network.InputSize, network.InputSize);
                if (oneHot)
                {
                    Array.Clear(target);
                    target[label] = T.One;
                    loss += network.AccumulateGradient(input, target, gradient);
                }
                else
                {
                    loss += network.AccumulateGradient(input, label, gradient);
                }
            }
        }
        else
        {
            T[] targets = GoldenFile.Matrix<T>(golden.GetProperty("targets"));
            for (int s = 0; s < batch; s++)
            {
                loss += network.AccumulateGradient(
                    inputs.AsSpan(s * network.InputSize, network.InputSize),
                    targets.AsSpan(s * network.OutputSize, network.OutputSize),
                    gradient);
            }
        }
        T count = T.CreateTruncating(batch);
        for (int i = 0; i < gradient.Length; i++)
        {
            gradient[i] /= count;
        }
        return loss / count;
    }

    /// <summary>Loss and gradient at the initial parameters match PyTorch's.</summary>
    public static void CheckLossAndGradient<T>(INetwork<T> network, JsonElement golden, bool oneHot = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GoldenFile.Vector<T>(golden.GetProperty("initial_parameters")).CopyTo(network.Parameters);
        var gradient = new T[network.ParameterCount];
        T loss = BatchGradient(network, golden, gradient, oneHot);
        GoldenFile.AssertClose(T.CreateTruncating(golden.GetProperty("loss").GetDouble()), loss, "loss");
        GoldenFile.AssertClose<T>(GoldenFile.Vector<T>(golden.GetProperty("gradient")), gradient, "gradient");
    }

    /// <summary>Five full-batch steps with one optimizer configuration follow PyTorch's trajectory.</summary>
    public static void CheckTraining<T>(INetwork<T> network, JsonElement golden, string optimizerName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        JsonElement config = GoldenFile.Find(golden.GetProperty("optimizers"), optimizerName);
        GoldenFile.Vector<T>(golden.GetProperty("initial_parameters")).CopyTo(network.Parameters);
        IOptimizer optimizer = GoldenFile.CreateOptimizer(config);
        var gradient = new T[network.ParameterCount];
        JsonElement losses = config.GetProperty("losses");
        JsonElement after = config.GetProperty("parameters_after_step");
        for (int step = 0; step < after.GetArrayLength(); step++)
        {
            GoldenFile.ApplySchedule(optimizer, config, step);
            T loss = BatchGradient(network, golden, gradient);
            GoldenFile.AssertClose(T.CreateTruncating(losses[step].GetDouble()), loss, $"{optimizerName} loss before step {step + 1}");
            optimizer.Step(network.Parameters, (ReadOnlySpan<T>)gradient);
            GoldenFile.AssertClose<T>(GoldenFile.Vector<T>(after[step]), network.Parameters, $"{optimizerName} parameters after step {step + 1}");
        }
    }
}
