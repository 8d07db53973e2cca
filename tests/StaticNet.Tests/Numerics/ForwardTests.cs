using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Xunit;

namespace StaticNet.Tests.Numerics;

public class ForwardTests
{
    public static IEnumerable<object[]> AllNetworks() => Networks.Named(_ => true);

    [Theory]
    [MemberData(nameof(AllNetworks))]
    public void Predict_matches_the_naive_reference(string name)
    {
        if (Networks.IsDouble(name))
        {
            Check<double>(name, tolerance: 1e-12);
        }
        else
        {
            Check<float>(name, tolerance: 2e-5);
        }
    }

    private static void Check<T>(string name, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        INetwork<T> network = Networks.Create<T>(name, seed: 11);
        // A step unit whose pre-activation is within rounding of 0 may legitimately flip: such inputs are drawn
        // again, every output of every other input is compared (see ReferenceNetwork.StepMargin).
        double stepMargin = typeof(T) == typeof(double) ? 1e-10 : 1e-4;
        const int Samples = 37; // float: one tile of 32 samples and a remainder; double: two tiles and a remainder
        var random = new SeededRandom(5);
        double[] parameters = network.Parameters.ToArray().Select(double.CreateChecked).ToArray();
        T[] input = new T[network.InputSize];
        T[] output = new T[network.OutputSize];
        T[] batchInputs = new T[network.InputSize * Samples];
        T[] batchOutputs = new T[network.OutputSize * Samples];

        int sample = 0;
        for (int draw = 0; sample < Samples && draw < 100 * Samples; draw++)
        {
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = T.CreateTruncating(random.NextUniform(-2, 2));
            }
            double[] exact = input.Select(double.CreateChecked).ToArray();
            if (ReferenceNetwork.StepMargin(network.Description, parameters, exact) < stepMargin)
            {
                continue;
            }
            input.CopyTo(batchInputs, sample * network.InputSize);
            network.Predict(input, output);

            double[] expected = ReferenceNetwork.Predict(network.Description, parameters, exact);
            for (int j = 0; j < expected.Length; j++)
            {
                double actual = double.CreateChecked(output[j]);
                Assert.True(Math.Abs(actual - expected[j]) <= tolerance * Math.Max(1, Math.Abs(expected[j])),
                    $"{name}: output {j} of sample {sample} is {actual}, the reference says {expected[j]}");
            }
            sample++;
        }
        Assert.True(sample == Samples, $"{name}: only {sample} of {100 * Samples} random inputs keep the step units away from 0");

        // The batch kernels sum in another order than the single-sample ones: equal up to rounding.
        network.PredictBatch(batchInputs, batchOutputs);
        for (sample = 0; sample < Samples; sample++)
        {
            network.Predict(batchInputs.AsSpan(sample * network.InputSize, network.InputSize), output);
            for (int j = 0; j < output.Length; j++)
            {
                double single = double.CreateChecked(output[j]);
                double batched = double.CreateChecked(batchOutputs[sample * network.OutputSize + j]);
                Assert.True(Math.Abs(single - batched) <= tolerance * Math.Max(1, Math.Abs(single)),
                    $"{name}: PredictBatch gives {batched} for output {j} of sample {sample}, Predict {single}");
            }
        }
    }

    [Fact]
    public void Softmax_outputs_are_a_distribution_even_for_huge_logits()
    {
        var network = new IrisNet(seed: 1);
        network.Parameters.Fill(1000f);
        float[] output = new float[IrisNet.OutputSize];
        network.Predict(new float[] { 5f, 3f, 1f, 0.2f }, output);
        Assert.All(output, value => Assert.False(float.IsNaN(value)));
        Assert.Equal(1f, output.Sum(), 5);
    }

    [Fact]
    public void Classify_returns_the_label_of_the_largest_output()
    {
        var network = new IrisNet(seed: 1);
        float[] input = { 5.1f, 3.5f, 1.4f, 0.2f };
        float[] output = new float[IrisNet.OutputSize];
        network.Predict(input, output);
        int best = Array.IndexOf(output, output.Max());
        Assert.Equal((IrisNet.Label)best, network.Classify(input));
        Assert.Equal(best, ((INetwork<float>)network).Classify(input));
        Assert.Equal("Setosa,Versicolor,Virginica", string.Join(",", Enum.GetNames<IrisNet.Label>()));
    }

    [Fact]
    public void Classify_with_one_sigmoid_output_thresholds_at_one_half()
    {
        var network = new XorNet(seed: 3);
        float[] output = new float[1];
        foreach (float[] input in new[] { new[] { 0f, 0f }, new[] { 0f, 1f }, new[] { 1f, 0f }, new[] { 1f, 1f } })
        {
            network.Predict(input, output);
            Assert.Equal(output[0] > 0.5f ? 1 : 0, network.Classify(input));
        }
    }

    [Fact]
    public void Wrong_span_lengths_throw_ArgumentException_naming_the_parameter_and_both_lengths()
    {
        var network = new IrisNet(seed: 1);
        var input = new ArgumentException[]
        {
            Assert.Throws<ArgumentException>(() => network.Predict(new float[3], new float[3])),
            Assert.Throws<ArgumentException>(() => network.Predict(new float[4], new float[2])),
            Assert.Throws<ArgumentException>(() => network.Classify(new float[5])),
            Assert.Throws<ArgumentException>(() => network.PredictBatch(new float[7], new float[3])),
            Assert.Throws<ArgumentException>(() => network.PredictBatch(new float[8], new float[3])),
            Assert.Throws<ArgumentException>(() => network.AccumulateGradient(new float[4], new float[2], new float[IrisNet.ParameterCount])),
            Assert.Throws<ArgumentException>(() => network.AccumulateGradient(new float[4], 0, new float[1])),
        };
        Assert.Equal(new[] { "input", "output", "input", "inputs", "outputs", "target", "gradient" }, input.Select(e => e.ParamName));
        Assert.Contains("3", input[0].Message);
        Assert.Contains("4", input[0].Message);
        Assert.Contains("131", input[6].Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => network.AccumulateGradient(new float[4], 3, new float[IrisNet.ParameterCount]));
    }

    [Fact]
    public void Constructors_use_the_PyTorch_default_initialization_deterministically()
    {
        var first = new MnistNet(seed: 42);
        var second = new MnistNet(seed: 42);
        var other = new MnistNet(seed: 43);
        Assert.True(first.Parameters.SequenceEqual(second.Parameters));
        Assert.False(first.Parameters.SequenceEqual(other.Parameters));

        foreach (LayerDescription layer in MnistNet.Description.Layers)
        {
            float bound = 1f / MathF.Sqrt(layer.FanIn);
            Span<float> weights = first.Parameters.Slice(layer.WeightOffset, layer.WeightCount);
            Assert.All(weights.ToArray(), w => Assert.InRange(w, -bound, bound));
            // Uniform(-b, b) has standard deviation b / sqrt 3.
            double deviation = Math.Sqrt(weights.ToArray().Select(w => (double)w * w).Average());
            Assert.InRange(deviation, 0.95 * bound / Math.Sqrt(3), 1.05 * bound / Math.Sqrt(3));
        }
    }

    [Fact]
    public void Weight_file_keys_follow_the_nn_Sequential_state_dict()
    {
        Assert.Equal(new[] { "0.weight", "2.weight", "4.weight" }, MnistNet.Description.Layers.Select(l => l.WeightKey));
        Assert.Equal(new[] { "0.bias", "2.bias", "4.bias" }, MnistNet.Description.Layers.Select(l => l.BiasKey));
        Assert.Equal(784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10, MnistNet.ParameterCount);
    }
}
