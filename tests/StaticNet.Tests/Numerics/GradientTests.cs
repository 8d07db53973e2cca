using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace StaticNet.Tests.Numerics;

/// <summary>The generated backward pass against central finite differences of the reference loss, in double.</summary>
public class GradientTests
{
    public static IEnumerable<object[]> GradientNetworks() => Networks.Named(name => name.StartsWith("Grad", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(GradientNetworks))]
    public void Gradient_matches_central_finite_differences(string name)
    {
        INetwork<double> network = Networks.Create<double>(name, seed: 3);
        var random = new SeededRandom(17);
        double[] input = Enumerable.Range(0, network.InputSize).Select(_ => random.NextUniform(-1.5, 1.5)).ToArray();
        double[] target = MakeTarget(network, random);

        double[] gradient = new double[network.ParameterCount];
        double loss = network.AccumulateGradient(input, target, gradient);
        double[] parameters = network.Parameters.ToArray();
        Assert.Equal(ReferenceNetwork.Loss(network.Description, parameters, input, target), loss, 1e-12);

        double[] numericGradient = FiniteDifferences(network.Description, parameters, input, target);
        for (int k = 0; k < parameters.Length; k++)
        {
            double numeric = numericGradient[k];
            Assert.True(Math.Abs(gradient[k] - numeric) <= 1e-6 * Math.Max(1, Math.Abs(numeric)),
                $"{name}: parameter {k}: backprop {gradient[k]}, finite differences {numeric}");
        }
    }

    [Theory]
    [MemberData(nameof(GradientNetworks))]
    public void Gradient_is_accumulated_and_the_label_overload_equals_a_one_hot_target(string name)
    {
        INetwork<double> network = Networks.Create<double>(name, seed: 4);
        var random = new SeededRandom(9);
        double[] input = Enumerable.Range(0, network.InputSize).Select(_ => random.NextUniform(-1, 1)).ToArray();
        int label = 2;
        double[] oneHot = new double[network.OutputSize];
        oneHot[label] = 1;

        double[] once = new double[network.ParameterCount];
        double[] twice = new double[network.ParameterCount];
        double[] byLabel = new double[network.ParameterCount];
        double loss = network.AccumulateGradient(input, oneHot, once);
        network.AccumulateGradient(input, oneHot, twice);
        network.AccumulateGradient(input, oneHot, twice);
        Assert.Equal(loss, network.AccumulateGradient(input, label, byLabel));

        Assert.Equal(once, byLabel);
        for (int k = 0; k < once.Length; k++)
        {
            Assert.Equal(2 * once[k], twice[k], 1e-14);
        }
    }

    [Fact]
    public void Float_gradients_agree_with_double_gradients()
    {
        var network = new IrisNet(seed: 8);
        float[] input = { 5.9f, 3.0f, 5.1f, 1.8f };
        float[] gradient = new float[IrisNet.ParameterCount];
        float loss = network.AccumulateGradient(input, 2, gradient);

        double[] parameters = network.Parameters.ToArray().Select(p => (double)p).ToArray();
        double[] target = { 0, 0, 1 };
        double[] inputDouble = input.Select(v => (double)v).ToArray();
        Assert.Equal(ReferenceNetwork.Loss(IrisNet.Description, parameters, inputDouble, target), loss, 1e-5);
        double[] numeric = FiniteDifferences(IrisNet.Description, parameters, inputDouble, target);
        for (int k = 0; k < parameters.Length; k++)
        {
            Assert.Equal(numeric[k], gradient[k], 1e-4);
        }
    }

    /// <summary>Central differences of the reference loss with respect to every parameter.</summary>
    private static double[] FiniteDifferences(NetworkDescription network, double[] parameters, double[] input, double[] target)
    {
        const double h = 1e-6;
        double[] result = new double[parameters.Length];
        for (int k = 0; k < parameters.Length; k++)
        {
            double original = parameters[k];
            parameters[k] = original + h;
            double plus = ReferenceNetwork.Loss(network, parameters, input, target);
            parameters[k] = original - h;
            double minus = ReferenceNetwork.Loss(network, parameters, input, target);
            parameters[k] = original;
            result[k] = (plus - minus) / (2 * h);
        }
        return result;
    }

    private static double[] MakeTarget(INetwork<double> network, SeededRandom random)
    {
        double[] target = new double[network.OutputSize];
        switch (network.Description.Loss)
        {
            case Loss.CrossEntropy:
                // A soft target distribution exercises the general formula p * sum(t) - t.
                double total = 0;
                for (int j = 0; j < target.Length; j++)
                {
                    target[j] = random.NextUniform(0.1, 1);
                    total += target[j];
                }
                for (int j = 0; j < target.Length; j++)
                {
                    target[j] /= total;
                }
                break;
            case Loss.BinaryCrossEntropy:
                for (int j = 0; j < target.Length; j++)
                {
                    target[j] = random.NextDouble();
                }
                break;
            default:
                for (int j = 0; j < target.Length; j++)
                {
                    target[j] = random.NextUniform(-1, 1);
                }
                break;
        }
        return target;
    }
}
