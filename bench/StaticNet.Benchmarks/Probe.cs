using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using StaticNet.Optimizers;

namespace StaticNet.Benchmarks;

/// <summary>
/// A quick A/B probe for kernel work, not the benchmark: the fastest of many short timed rounds of StaticNet and
/// the expert per operation (the minimum resists load on a shared machine better than a mean). Reported numbers
/// come from the BenchmarkDotNet suite (bench/run), never from here.
/// <c>dotnet StaticNet.Benchmarks.dll --probe [net ...]</c>
/// </summary>
internal static class Probe
{
    public static int Run(string[] nets)
    {
        if (nets.Length == 0)
        {
            nets = Workload.Names.ToArray();
        }
        foreach (string net in nets)
        {
            var workload = new Workload(net);
            INetwork<float> network = workload.CreateGenerated();
            ExpertMlp expert = workload.CreateExpert();
            float[] input = workload.Input(0).ToArray();
            float[] output = new float[workload.OutputSize];
            float[] outputs = new float[Workload.BatchSize * workload.OutputSize];
            float[] gradient = new float[network.ParameterCount];
            var sgd = new Sgd(Workload.TimedLearningRate);
            Report(net, "Predict", () => network.Predict(input, output), () => expert.Predict(input, output));
            Report(net, "PredictBatch64", () => network.PredictBatch(workload.Inputs, outputs), () => expert.PredictBatch(workload.Inputs, outputs));
            Report(net, "Train32", () => workload.TrainStep(network, gradient, sgd, Workload.TrainBatch), () => workload.TrainStep(expert, Workload.TrainBatch, Workload.TimedLearningRate));
            Report(net, "Train1", () => workload.TrainStep(network, gradient, sgd, 1), () => workload.TrainStep(expert, 1, Workload.TimedLearningRate));
            // The unfused path the Trainer takes for momentum, weight decay, Adam/AdamW, clipping or several threads:
            // accumulate, then the optimizer's fused step (divide by the batch size, update, clear the gradient).
            Report(net, "Train32 optimizer", () => OptimizerStep(workload, network, gradient, sgd, 32), () => workload.TrainStep(expert, 32, Workload.TimedLearningRate));
            Report(net, "Train1 optimizer", () => OptimizerStep(workload, network, gradient, sgd, 1), () => workload.TrainStep(expert, 1, Workload.TimedLearningRate));
        }
        return 0;
    }

    private static void OptimizerStep(Workload workload, INetwork<float> network, float[] gradient, Sgd sgd, int count)
    {
        ReadOnlySpan<float> inputs = workload.Inputs.AsSpan(0, count * workload.InputSize);
        if (workload.Classification)
        {
            network.AccumulateGradientBatch(inputs, workload.Labels.AsSpan(0, count), gradient);
        }
        else
        {
            network.AccumulateGradientBatch(inputs, workload.Targets.AsSpan(0, count * workload.OutputSize), gradient);
        }
        sgd.Step<float>(network.Parameters, gradient, count, clearGradient: true);
    }

    private static void Report(string net, string operation, Action staticNet, Action expert, int repeat = 1)
    {
        double ours = Fastest(staticNet) * repeat, theirs = Fastest(expert) * repeat;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{net,-7} {operation,-17} StaticNet {Format(ours),10}  expert {Format(theirs),10}  speed-up {theirs / ours,5:F2}x"));
    }

    private static string Format(double seconds) =>
        seconds < 1e-6 ? string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e9:F1} ns") : string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e6:F2} us");

    /// <summary>Seconds per call: the fastest of 40 rounds of about 5 ms each, after a warm-up.</summary>
    private static double Fastest(Action action)
    {
        // Half a second of warm-up first, so tiered compilation has finished with everything the action calls.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.ElapsedMilliseconds < 500)
        {
            action();
        }
        var watch = Stopwatch.StartNew();
        int calls = 0;
        while (watch.ElapsedMilliseconds < 5)
        {
            action();
            calls++;
        }
        calls = Math.Max(1, calls);
        double best = double.MaxValue;
        for (int round = 0; round < 40; round++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++)
            {
                action();
            }
            best = Math.Min(best, (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency / calls);
        }
        return best;
    }
}
