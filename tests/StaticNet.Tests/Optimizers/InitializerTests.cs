using System;
using System.Collections.Generic;
using System.Numerics;
using Xunit;

namespace StaticNet.Tests.Optimizers;

public sealed class InitializerTests
{
    /// <summary>A description built by hand (no generated class needed): dense layers with the given widths.</summary>
    internal static NetworkDescription Describe(int inputs, params (int Units, bool Bias)[] layers)
    {
        var list = new List<LayerDescription>();
        int offset = 0, fanIn = inputs;
        for (int i = 0; i < layers.Length; i++)
        {
            (int units, bool bias) = layers[i];
            int weightOffset = offset;
            offset += units * fanIn;
            int biasOffset = bias ? offset : -1;
            offset += bias ? units : 0;
            list.Add(new LayerDescription(i, fanIn, units, Activation.Relu, 0, bias, weightOffset, biasOffset,
                $"{2 * i}.weight", bias ? $"{2 * i}.bias" : null));
            fanIn = units;
        }
        return new NetworkDescription("Handmade", Precision.Double, inputs, list, Loss.MeanSquaredError, [], []);
    }

    private delegate void NetworkInit(Span<double> parameters, NetworkDescription network, int seed);

    private static readonly Dictionary<string, NetworkInit> Schemes = new()
    {
        ["xavier_uniform"] = (p, n, s) => Initializers.XavierUniform(p, n, s),
        ["xavier_normal"] = (p, n, s) => Initializers.XavierNormal(p, n, s),
        ["kaiming_uniform"] = (p, n, s) => Initializers.KaimingUniform(p, n, s),
        ["kaiming_normal"] = (p, n, s) => Initializers.KaimingNormal(p, n, s),
    };

    public static TheoryData<string> SchemeNames() => new() { "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal" };

    [Theory]
    [MemberData(nameof(SchemeNames))]
    public void SameSeedSameParametersOtherSeedOthers(string scheme)
    {
        NetworkDescription network = Describe(7, (5, true), (3, false), (2, true));
        var a = new double[network.ParameterCount];
        var b = new double[network.ParameterCount];
        var c = new double[network.ParameterCount];
        Schemes[scheme](a, network, 42);
        Schemes[scheme](b, network, 42);
        Schemes[scheme](c, network, 43);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        // Weights differ everywhere, not just somewhere.
        LayerDescription first = network.Layers[0];
        for (int i = 0; i < first.WeightCount; i++)
        {
            Assert.NotEqual(a[i], c[i]);
        }
    }

    [Theory]
    [MemberData(nameof(SchemeNames))]
    public void BiasesAreZeroAndWeightsAreNot(string scheme)
    {
        NetworkDescription network = Describe(7, (5, true), (3, false), (2, true));
        var parameters = new double[network.ParameterCount];
        parameters.AsSpan().Fill(9);
        Schemes[scheme](parameters, network, 1);
        foreach (LayerDescription layer in network.Layers)
        {
            for (int i = 0; i < layer.WeightCount; i++)
            {
                double w = parameters[layer.WeightOffset + i];
                Assert.NotEqual(0, w);
                Assert.True(Math.Abs(w) < 3, $"weight {w}");
            }
            if (layer.HasBias)
            {
                for (int i = 0; i < layer.Units; i++)
                {
                    Assert.Equal(0, parameters[layer.BiasOffset + i]);
                }
            }
        }
    }

    [Fact]
    public void NetworkOverloadDrawsLayerByLayerFromOneSequence()
    {
        NetworkDescription network = Describe(4, (6, true), (3, true));
        var whole = new float[network.ParameterCount];
        Initializers.KaimingNormal<float>(whole, network, 5);

        var byLayer = new float[network.ParameterCount];
        var random = new SeededRandom(5);
        foreach (LayerDescription layer in network.Layers)
        {
            Initializers.KaimingNormal<float>(byLayer, layer, random);
        }
        Assert.Equal(whole, byLayer);
    }

    [Fact]
    public void LayerOverloadTouchesOnlyItsLayer()
    {
        NetworkDescription network = Describe(4, (6, true), (3, true), (2, true));
        var parameters = new double[network.ParameterCount];
        parameters.AsSpan().Fill(7);
        LayerDescription middle = network.Layers[1];
        Initializers.XavierUniform<double>(parameters, middle, new SeededRandom(3), gain: 2);
        for (int i = 0; i < parameters.Length; i++)
        {
            bool inside = i >= middle.WeightOffset && i < middle.WeightOffset + middle.ParameterCount;
            if (!inside)
            {
                Assert.Equal(7, parameters[i]);
            }
            else
            {
                Assert.NotEqual(7, parameters[i]);
            }
        }
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        NetworkDescription network = Describe(4, (6, true), (3, true));
        Assert.Throws<ArgumentException>(() => Initializers.XavierUniform<double>(new double[5], network, 1));
        Assert.Throws<ArgumentException>(() => Initializers.KaimingNormal<double>(new double[5], network.Layers[1], new SeededRandom(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.XavierNormal<double>(new double[network.ParameterCount], network, 1, gain: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.XavierNormal<double>(new double[network.ParameterCount], network, 1, gain: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.KaimingUniform<double>(new double[network.ParameterCount], network, 1, negativeSlope: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.KaimingUniform<double>(new double[network.ParameterCount], network, 1, mode: (FanMode)7));
    }

    [Fact]
    public void GainsAreThoseOfTorch()
    {
        Assert.Equal(1.0, Initializers.CalculateGain(Activation.Identity));
        Assert.Equal(1.0, Initializers.CalculateGain(Activation.Sigmoid));
        Assert.Equal(5.0 / 3, Initializers.CalculateGain(Activation.Tanh));
        Assert.Equal(Math.Sqrt(2), Initializers.CalculateGain(Activation.Relu));
        Assert.Equal(Math.Sqrt(2 / (1 + 0.01 * 0.01)), Initializers.CalculateGain(Activation.LeakyRelu));
        Assert.Equal(Math.Sqrt(2 / 1.04), Initializers.CalculateGain(Activation.LeakyRelu, 0.2));
        Assert.Throws<ArgumentException>(() => Initializers.CalculateGain(Activation.Gelu));
    }

    // Statistics over one large layer (fanIn 1000, units 500: 500,000 weights).
    private const int FanIn = 1000, Units = 500;

    public static TheoryData<string, double, bool> Distributions() => new()
    {
        // scheme, expected deviation, uniform?
        { "xavier_uniform", Math.Sqrt(2.0 / (FanIn + Units)), true },
        { "xavier_uniform_gain", 5.0 / 3 * Math.Sqrt(2.0 / (FanIn + Units)), true },
        { "xavier_normal", Math.Sqrt(2.0 / (FanIn + Units)), false },
        { "kaiming_uniform", Math.Sqrt(2.0) / Math.Sqrt(FanIn), true },
        { "kaiming_uniform_fan_out_leaky", Math.Sqrt(2.0 / (1 + 0.2 * 0.2)) / Math.Sqrt(Units), true },
        { "kaiming_normal", Math.Sqrt(2.0) / Math.Sqrt(FanIn), false },
        { "kaiming_normal_fan_out", Math.Sqrt(2.0) / Math.Sqrt(Units), false },
    };

    [Theory]
    [MemberData(nameof(Distributions))]
    public void SamplesFollowTheDistribution(string scheme, double deviation, bool uniform)
    {
        NetworkDescription network = Describe(FanIn, (Units, true));
        var parameters = new float[network.ParameterCount];
        Span<float> p = parameters;
        switch (scheme)
        {
            case "xavier_uniform": Initializers.XavierUniform(p, network, 11); break;
            case "xavier_uniform_gain": Initializers.XavierUniform(p, network, 11, gain: 5.0 / 3); break;
            case "xavier_normal": Initializers.XavierNormal(p, network, 11); break;
            case "kaiming_uniform": Initializers.KaimingUniform(p, network, 11); break;
            case "kaiming_uniform_fan_out_leaky": Initializers.KaimingUniform(p, network, 11, negativeSlope: 0.2, mode: FanMode.FanOut); break;
            case "kaiming_normal": Initializers.KaimingNormal(p, network, 11); break;
            case "kaiming_normal_fan_out": Initializers.KaimingNormal(p, network, 11, mode: FanMode.FanOut); break;
            default: throw new ArgumentException(scheme);
        }

        int n = FanIn * Units;
        double sum = 0, sumSquares = 0, sumFourth = 0, largest = 0;
        int withinOneDeviation = 0;
        for (int i = 0; i < n; i++)
        {
            double w = parameters[i];
            sum += w;
            sumSquares += w * w;
            sumFourth += w * w * w * w;
            largest = Math.Max(largest, Math.Abs(w));
            withinOneDeviation += Math.Abs(w) <= deviation ? 1 : 0;
        }
        double mean = sum / n;
        double variance = sumSquares / n - mean * mean;
        double kurtosis = sumFourth / n / (variance * variance);

        // Mean: 0 within 5 standard errors. Variance: within 1.5% (about 7 standard errors for uniform
        // samples and 5 for normal ones at this size).
        Assert.True(Math.Abs(mean) < 5 * deviation / Math.Sqrt(n), $"mean {mean}");
        Assert.True(Math.Abs(variance / (deviation * deviation) - 1) < 0.015, $"variance {variance}, expected {deviation * deviation}");
        if (uniform)
        {
            double bound = Math.Sqrt(3) * deviation;
            Assert.True(largest <= bound * (1 + 1e-6), $"max |w| {largest} > bound {bound}");
            Assert.True(largest > bound * 0.999, $"max |w| {largest} far below bound {bound}");
            Assert.InRange(kurtosis, 1.8 - 0.05, 1.8 + 0.05);
            Assert.InRange(withinOneDeviation / (double)n, 1 / Math.Sqrt(3) - 0.005, 1 / Math.Sqrt(3) + 0.005);
        }
        else
        {
            Assert.InRange(kurtosis, 3 - 0.1, 3 + 0.1);
            Assert.InRange(withinOneDeviation / (double)n, 0.6827 - 0.005, 0.6827 + 0.005);
            Assert.True(largest > 4 * deviation, "a normal sample of this size reaches beyond 4 deviations");
        }
        for (int i = n; i < parameters.Length; i++)
        {
            Assert.Equal(0f, parameters[i]);
        }
    }
}
