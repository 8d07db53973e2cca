using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using StaticNet.Generator.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Generator.Tests;

/// <summary>
/// Random valid specs (fixed seed) across every emitter path: unrolled and vectorized layers around the unroll
/// limit, row-block remainders, stack and per-thread scratch buffers, every activation, loss, precision, labels.
/// They are generated in one run, compiled together with the strict options, loaded, and run: Predict against a
/// naive reference forward pass, and in double precision AccumulateGradient against central differences.
/// </summary>
public sealed class RandomTopologyTests
{
    private static readonly string[] Hidden = { "identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "softplus" };
    private static readonly string[] Output = { "identity", "sigmoid", "tanh", "relu", "softmax", "softplus", "leaky_relu" };

    private static readonly Lazy<(List<Net> Nets, Assembly Assembly)> Compiled = new(Build);

    private sealed record Net(string Name, bool IsDouble, string Spec);

    private static TimeSpan BuildTime;

    private readonly ITestOutputHelper _output;

    public RandomTopologyTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void RandomValidSpecsGenerateWithoutDiagnosticsAndCompileTogetherCleanly()
    {
        // Building runs the generator, asserts its diagnostics and compiles strictly; here, only what it covered.
        List<Net> nets = Compiled.Value.Nets;
        Assert.Equal(38, nets.Count);
        Assert.Contains(nets, n => n.IsDouble);
        Assert.Contains(nets, n => n.Spec.Contains("\"step\"", StringComparison.Ordinal));
        Assert.Contains(nets, n => !n.IsDouble && n.Spec.Contains("\"step\"", StringComparison.Ordinal));
        Assert.Contains(nets, n => n.Spec.Contains("\"normalize\": [", StringComparison.Ordinal));
    }

    [Fact]
    public void PredictMatchesANaiveReferenceForwardPass()
    {
        var (nets, assembly) = Compiled.Value;
        var random = new Random(7);
        foreach (Net net in nets)
        {
            object instance = Activator.CreateInstance(assembly.GetType("Random." + net.Name, throwOnError: true)!, 12345)!;
            if (net.IsDouble)
            {
                var network = (INetwork<double>)instance;
                RandomizeNormalization(network.NormalizationParameters, random, v => v);
                double[] parameters = network.Parameters.ToArray();
                double[] normalization = network.NormalizationParameters.ToArray();
                double[] input = DrawAwayFromSteps(random, network.Description, parameters, x => Normalize(x, normalization), 1e-10, net);
                var output = new double[network.OutputSize];
                network.Predict(input, output);
                double[] expected = Reference(network.Description, parameters, Normalize(input, normalization));
                AssertClose(expected, output, 1e-12, net);
                CheckBatchAndClassify(network, input, output, random);
            }
            else
            {
                var network = (INetwork<float>)instance;
                RandomizeNormalization(network.NormalizationParameters, random, v => (float)v);
                double[] parameters = network.Parameters.ToArray().Select(v => (double)v).ToArray();
                double[] normalization = network.NormalizationParameters.ToArray().Select(v => (double)v).ToArray();
                // The network normalizes in float.
                Func<double[], double[]> normalize = x => Normalize(x.Select(v => (double)(float)v).ToArray(), normalization).Select(v => (double)(float)v).ToArray();
                double[] input = DrawAwayFromSteps(random, network.Description, parameters, normalize, 1e-4, net);
                float[] inputF = input.Select(v => (float)v).ToArray();
                var output = new float[network.OutputSize];
                network.Predict(inputF, output);
                double[] expected = Reference(network.Description, parameters, normalize(input));
                AssertClose(expected, output.Select(v => (double)v).ToArray(), 2e-4, net);
                CheckBatchAndClassify(network, inputF, output, random);
            }
        }
    }

    [Fact]
    public void DoublePrecisionGradientsMatchCentralDifferences()
    {
        var (nets, assembly) = Compiled.Value;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var random = new Random(11);
        int checkedNets = 0;
        foreach (Net net in nets.Where(n => n.IsDouble))
        {
            var network = (INetwork<double>)Activator.CreateInstance(assembly.GetType("Random." + net.Name, throwOnError: true)!, 777)!;
            if (!network.IsTrainable)
            {
                Assert.Throws<NotSupportedException>(() => network.AccumulateGradient(new double[network.InputSize], 0, new double[network.ParameterCount]));
                continue;
            }
            checkedNets++;
            double[] input = RandomVector(random, network.InputSize);
            double[] target = TargetFor(network.Description, random, out int label);

            var gradient = new double[network.ParameterCount];
            double loss = network.AccumulateGradient(input, target, gradient);
            Assert.True(double.IsFinite(loss), $"{net.Name}: loss {loss}");

            // Accumulates: a second call adds the same gradient again.
            var twice = (double[])gradient.Clone();
            Assert.Equal(loss, network.AccumulateGradient(input, target, twice), 12);
            for (int i = 0; i < twice.Length; i++)
            {
                Assert.Equal(2 * gradient[i], twice[i], 12);
            }

            // The class-index overload is the one-hot (or 0/1) target.
            if (label >= 0)
            {
                var byLabel = new double[network.ParameterCount];
                Assert.Equal(loss, network.AccumulateGradient(input, label, byLabel), 12);
                Assert.Equal(gradient, byLabel);
            }

            Span<double> parameters = network.Parameters;
            var scratch = new double[network.ParameterCount];
            int count = parameters.Length;
            foreach (int p in Enumerable.Range(0, 25).Select(_ => random.Next(count)).Distinct().ToList())
            {
                double saved = parameters[p];
                const double h = 1e-6;
                parameters[p] = saved + h;
                double plus = network.AccumulateGradient(input, target, scratch);
                parameters[p] = saved - h;
                double minus = network.AccumulateGradient(input, target, scratch);
                parameters[p] = saved;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(numeric - gradient[p]) <= 1e-6 + 1e-5 * Math.Abs(numeric),
                    $"{net.Name} parameter {p}: analytic {gradient[p]:R}, numeric {numeric:R}\n{net.Spec}");
            }
        }
        _output.WriteLine($"compiling {nets.Count} networks: {BuildTime.TotalSeconds:F1} s of CPU; gradient checks of {checkedNets}: {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(checkedNets >= 10, $"only {checkedNets} trainable double networks");
    }

    // ---- building ------------------------------------------------------------------------------------------

    private static (List<Net>, Assembly) Build()
    {
        var random = new Random(424242);
        var nets = new List<Net>();
        for (int i = 0; i < 30; i++)
        {
            nets.Add(RandomNet(random, i));
        }

        // Edges chosen on purpose: the unroll limit (16 x 16 = 256 weights unrolled, 16 x 17 vectorized), single
        // units and inputs, a one-unit softmax, and buffers too large for the stack (16 KB) in both precisions.
        nets.Add(Fixed("EdgeUnroll", false, 16, "{ \"units\": 16, \"activation\": \"tanh\" }, { \"units\": 17, \"activation\": \"elu\" }, { \"units\": 16, \"activation\": \"softmax\" }"));
        nets.Add(Fixed("EdgeOne", true, 1, "{ \"units\": 1, \"activation\": \"relu\", \"bias\": false }, { \"units\": 1, \"activation\": \"softmax\" }"));
        nets.Add(Fixed("EdgeScratchFloat", false, 8, "{ \"units\": 5000, \"activation\": \"relu\" }, { \"units\": 3, \"activation\": \"softmax\" }"));
        nets.Add(Fixed("EdgeScratchDouble", true, 4, "{ \"units\": 2100, \"activation\": \"silu\" }, { \"units\": 5 }"));
        nets.Add(Fixed("EdgeWideOutput", true, 3, "{ \"units\": 3000, \"activation\": \"sigmoid\" }"));
        nets.Add(Fixed("EdgeStep", true, 3, "{ \"units\": 4, \"activation\": \"step\" }, { \"units\": 2, \"activation\": \"softmax\" }"));
        nets.Add(Fixed("EdgeStepFloat", false, 40, "{ \"units\": 17, \"activation\": \"step\" }, { \"units\": 9, \"activation\": \"relu\" }, { \"units\": 3, \"activation\": \"step\" }"));
        nets.Add(Fixed("EdgeStepFloatWide", false, 100, "{ \"units\": 64, \"activation\": \"step\" }, { \"units\": 2, \"activation\": \"softmax\" }"));

        GeneratorRun run = GeneratorHarness.Run(nets.Select(n => GeneratorHarness.Spec(n.Name + ".staticnet.json", n.Spec)).ToArray<AdditionalText>());
        run.AssertDidNotCrash();
        Assert.True(run.Diagnostics.All(d => d.Id == "SN0100"), GeneratorRun.Describe(run.Diagnostics));
        Assert.Equal(nets.Count, run.Sources.Count);

        TimeSpan cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        Assembly assembly = GeneratorHarness.CompileAndLoad(run.Sources.Values); // asserts zero warnings and errors
        BuildTime = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return (nets, assembly);
    }

    private static Net Fixed(string name, bool isDouble, int inputs, string layers) =>
        new(name, isDouble, $"{{ \"name\": \"{name}\", \"namespace\": \"Random\", \"precision\": \"{(isDouble ? "double" : "float")}\", \"inputs\": {inputs}, \"layers\": [{layers}] }}");

    private static Net RandomNet(Random random, int index)
    {
        int[] widths = { 1, 2, 3, 5, 8, 9, 16, 17, 31, 40, 64, 100 };
        bool isDouble = random.Next(3) == 0;
        string name = "Net" + index.ToString(CultureInfo.InvariantCulture);
        int inputs = widths[random.Next(widths.Length)];
        int depth = random.Next(1, 6);
        var layers = new List<string>();
        string last = "identity";
        int units = 0;
        for (int l = 0; l < depth; l++)
        {
            bool isLast = l == depth - 1;
            units = widths[random.Next(widths.Length)];
            string activation = isLast ? Output[random.Next(Output.Length)] : Hidden[random.Next(Hidden.Length)];
            // Random steps in double networks only, so the random stream stays as it was; float steps are fixed edges
            // below. Either way, inputs are drawn to keep every step unit's pre-activation away from 0.
            if (isDouble && random.Next(15) == 0)
            {
                activation = "step";
            }
            var layer = new StringBuilder($"{{ \"units\": {units}, \"activation\": \"{activation}\"");
            if (random.Next(5) == 0)
            {
                layer.Append(", \"bias\": false");
            }
            if (activation is "leaky_relu" or "elu" && random.Next(2) == 0)
            {
                layer.Append(", \"alpha\": ").Append(new[] { "0.05", "0.3", "2" }[random.Next(3)]);
            }
            if (random.Next(4) == 0)
            {
                layer.Append(", \"name\": \"layer_").Append(l).Append('"');
            }
            layers.Add(layer.Append(" }").ToString());
            last = activation;
        }

        var spec = new StringBuilder($"{{ \"name\": \"{name}\", \"namespace\": \"Random\", \"precision\": \"{(isDouble ? "double" : "float")}\", \"inputs\": {inputs}, ");
        if (random.Next(5) == 0)
        {
            spec.Append("\"inputNames\": [").Append(string.Join(", ", Enumerable.Range(0, inputs).Select(i => $"\"x{i}\""))).Append("], ");
        }
        if (random.Next(4) == 0)
        {
            string[] kinds = { "none", "standard", "min_max" };
            spec.Append("\"normalize\": ").Append(random.Next(2) == 0
                ? $"\"{kinds[random.Next(1, 3)]}\""
                : "[" + string.Join(", ", Enumerable.Range(0, inputs).Select(_ => $"\"{kinds[random.Next(3)]}\"")) + "]").Append(", ");
        }
        spec.Append("\"layers\": [").Append(string.Join(", ", layers)).Append(']');
        if (random.Next(3) == 0)
        {
            int count = units == 1 ? 2 : units;
            spec.Append(", \"labels\": [").Append(string.Join(", ", Enumerable.Range(0, count).Select(i => $"\"class {i}\""))).Append(']');
        }
        string[] losses = last switch
        {
            "softmax" => new[] { "cross_entropy", "mse" },
            "sigmoid" => new[] { "binary_cross_entropy", "mse" },
            "identity" => new[] { "mse", "cross_entropy" },
            _ => new[] { "mse" },
        };
        if (random.Next(2) == 0)
        {
            spec.Append(", \"loss\": \"").Append(losses[random.Next(losses.Length)]).Append('"');
        }
        return new Net(name, isDouble, spec.Append(" }").ToString());
    }

    /// <summary>
    /// A random input whose every step unit's pre-activation is farther from 0 than <paramref name="margin"/> times the
    /// size of its terms (|b| + sum |w x|), so rounding cannot flip it: then every output is compared with the reference.
    /// </summary>
    private static double[] DrawAwayFromSteps(Random random, NetworkDescription description, double[] parameters, Func<double[], double[]> normalize, double margin, Net net)
    {
        for (int draw = 0; draw < 1000; draw++)
        {
            double[] input = RandomVector(random, description.InputSize);
            if (StepMargin(description, parameters, normalize(input)) >= margin)
            {
                return input;
            }
        }
        throw new InvalidOperationException($"{net.Name}: no random input keeps the step units away from 0\n{net.Spec}");
    }

    private static double StepMargin(NetworkDescription description, double[] parameters, double[] input)
    {
        double margin = double.PositiveInfinity;
        double[] values = input;
        foreach (LayerDescription layer in description.Layers)
        {
            var z = new double[layer.Units];
            for (int j = 0; j < layer.Units; j++)
            {
                double sum = layer.HasBias ? parameters[layer.BiasOffset + j] : 0, scale = Math.Abs(sum);
                for (int i = 0; i < layer.FanIn; i++)
                {
                    double term = parameters[layer.WeightOffset + j * layer.FanIn + i] * values[i];
                    sum += term;
                    scale += Math.Abs(term);
                }
                z[j] = sum;
                if (layer.Activation == Activation.Step && scale > 0)
                {
                    margin = Math.Min(margin, Math.Abs(sum) / scale);
                }
            }
            values = Activate(layer, z);
        }
        return margin;
    }

    // ---- the reference -------------------------------------------------------------------------------------

    private static double[] Reference(NetworkDescription description, double[] parameters, double[] input)
    {
        double[] values = input;
        foreach (LayerDescription layer in description.Layers)
        {
            var z = new double[layer.Units];
            for (int j = 0; j < layer.Units; j++)
            {
                double sum = layer.HasBias ? parameters[layer.BiasOffset + j] : 0;
                for (int i = 0; i < layer.FanIn; i++)
                {
                    sum += parameters[layer.WeightOffset + j * layer.FanIn + i] * values[i];
                }
                z[j] = sum;
            }
            values = Activate(layer, z);
        }
        return values;
    }

    private static double[] Activate(LayerDescription layer, double[] z)
    {
        if (layer.Activation == Activation.Softmax)
        {
            double max = z.Max();
            double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
            double total = e.Sum();
            return e.Select(v => v / total).ToArray();
        }
        double alpha = layer.Alpha;
        return z.Select(x => layer.Activation switch
        {
            Activation.Identity => x,
            Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
            Activation.Tanh => Math.Tanh(x),
            Activation.Relu => Math.Max(0, x),
            Activation.LeakyRelu => x > 0 ? x : alpha * x,
            Activation.Elu => x > 0 ? x : alpha * (Math.Exp(x) - 1),
            Activation.Gelu => 0.5 * x * (1 + Kernels.Erf(x / Math.Sqrt(2))),
            Activation.Silu => x / (1 + Math.Exp(-x)),
            Activation.Softplus => x > 20 ? x : Math.Log(1 + Math.Exp(x)),
            Activation.Step => x > 0 ? 1 : 0,
            _ => throw new ArgumentOutOfRangeException(nameof(layer)),
        }).ToArray();
    }

    /// <summary>Random shift and scale for networks with "normalize" (an empty span for the others).</summary>
    private static void RandomizeNormalization<T>(Span<T> parameters, Random random, Func<double, T> convert)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = convert(i < parameters.Length / 2 ? random.NextDouble() - 0.5 : 0.5 + random.NextDouble());
        }
    }

    private static double[] Normalize(double[] input, double[] parameters) =>
        parameters.Length == 0 ? input : input.Select((x, i) => (x - parameters[i]) * parameters[input.Length + i]).ToArray();

    private static void CheckBatchAndClassify<T>(INetwork<T> network, T[] input, T[] output, Random random)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        // 37 rows (a float tile of 32 and a remainder; two double tiles and a remainder), the input at row 33,
        // random rows around it: the batch kernels run, and the input's row is compared with Predict.
        const int Rows = 37, At = 33;
        T[] other = RandomVector(random, network.InputSize).Select(v => T.CreateTruncating(v)).ToArray();
        T[] batch = Enumerable.Range(0, Rows).SelectMany(row => row == At ? input : other).ToArray();
        var outputs = new T[Rows * network.OutputSize];
        network.PredictBatch(batch, outputs);
        // The batch kernels sum in another order than Predict: equal up to rounding (the input keeps its step units away from 0).
        double tolerance = typeof(T) == typeof(double) ? 1e-12 : 1e-5;
        for (int j = 0; j < network.OutputSize; j++)
        {
            double single = double.CreateChecked(output[j]), batched = double.CreateChecked(outputs[At * network.OutputSize + j]);
            Assert.True(Math.Abs(single - batched) <= tolerance * Math.Max(1, Math.Abs(single)), $"PredictBatch {batched}, Predict {single}");
        }

        int expected = network.OutputSize > 1
            ? Array.IndexOf(output, output.Max())
            : output[0] > T.CreateTruncating(network.Description.Layers[^1].Activation is Activation.Sigmoid or Activation.Step ? 0.5 : 0.0) ? 1 : 0;
        Assert.Equal(expected, network.Classify(input));
    }

    private static double[] TargetFor(NetworkDescription description, Random random, out int label)
    {
        int outputs = description.OutputSize;
        label = -1;
        if (description.Loss == Loss.CrossEntropy || (description.Loss == Loss.BinaryCrossEntropy && outputs == 1) || random.Next(3) == 0)
        {
            label = random.Next(outputs == 1 ? 2 : outputs);
            var oneHot = new double[outputs];
            oneHot[outputs == 1 ? 0 : label] = outputs == 1 ? label : 1;
            return oneHot;
        }
        return RandomVector(random, outputs).Select(v => (v + 1) / 2).ToArray();
    }

    private static double[] RandomVector(Random random, int length) =>
        Enumerable.Range(0, length).Select(_ => random.NextDouble() * 2 - 1).ToArray();

    private static void AssertClose(double[] expected, double[] actual, double tolerance, Net net)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"{net.Name} output {i}: expected {expected[i]:R}, generated {actual[i]:R}\n{net.Spec}");
        }
    }
}
