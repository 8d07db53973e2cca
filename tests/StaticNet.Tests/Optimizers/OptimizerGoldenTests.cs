using System;
using System.Collections.Generic;
using System.Numerics;
using System.Text.Json;
using StaticNet.Optimizers;
using StaticNet.Tests.Golden;
using Xunit;

namespace StaticNet.Tests.Optimizers;

/// <summary>
/// Replays optimizer_steps.golden.json: torch.optim updates of a fixed 37-element parameter vector (not a
/// multiple of any vector width, so both the Vector&lt;T&gt; loop and the scalar tail run) under a fixed
/// sequence of five gradients, in float32 and float64.
/// </summary>
public sealed class OptimizerGoldenTests
{
    private const string FileName = "optimizer_steps.golden.json";

    public static IEnumerable<object[]> Cases()
    {
        foreach (JsonElement testCase in GoldenFile.Load(FileName).GetProperty("cases").EnumerateArray())
        {
            foreach (string name in GoldenFile.Names(testCase.GetProperty("optimizers")))
            {
                yield return [testCase.GetProperty("precision").GetString()!, name];
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorchStepByStep(string precision, string optimizer)
    {
        if (precision == "float")
        {
            Replay<float>(precision, optimizer);
        }
        else
        {
            Replay<double>(precision, optimizer);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ExportedStateContinuesExactly(string precision, string optimizer)
    {
        if (precision == "float")
        {
            ReplayThroughCheckpoint<float>(precision, optimizer);
        }
        else
        {
            ReplayThroughCheckpoint<double>(precision, optimizer);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void VectorLoopAndScalarTailAgreeBitForBit(string precision, string optimizer)
    {
        if (precision == "float")
        {
            CompareWithElementwise<float>(precision, optimizer);
        }
        else
        {
            CompareWithElementwise<double>(precision, optimizer);
        }
    }

    private static (JsonElement Case, JsonElement Config) Find(string precision, string optimizer)
    {
        foreach (JsonElement testCase in GoldenFile.Load(FileName).GetProperty("cases").EnumerateArray())
        {
            if (testCase.GetProperty("precision").GetString() == precision)
            {
                return (testCase, GoldenFile.Find(testCase.GetProperty("optimizers"), optimizer));
            }
        }
        throw new KeyNotFoundException(precision);
    }

    private static void Replay<T>(string precision, string optimizerName) where T : unmanaged, IFloatingPointIeee754<T>
    {
        (JsonElement testCase, JsonElement config) = Find(precision, optimizerName);
        T[] parameters = GoldenFile.Vector<T>(testCase.GetProperty("initial_parameters"));
        JsonElement gradients = testCase.GetProperty("gradients");
        JsonElement expected = config.GetProperty("parameters_after_step");
        IOptimizer optimizer = GoldenFile.CreateOptimizer(config);

        for (int step = 0; step < gradients.GetArrayLength(); step++)
        {
            GoldenFile.ApplySchedule(optimizer, config, step);
            optimizer.Step<T>(parameters, GoldenFile.Vector<T>(gradients[step]));
            Assert.Equal(step + 1, optimizer.StepCount);
            GoldenFile.AssertClose<T>(GoldenFile.Vector<T>(expected[step]), parameters, $"{optimizerName} step {step + 1}");
        }
    }

    private static void ReplayThroughCheckpoint<T>(string precision, string optimizerName) where T : unmanaged, IFloatingPointIeee754<T>
    {
        (JsonElement testCase, JsonElement config) = Find(precision, optimizerName);
        JsonElement gradients = testCase.GetProperty("gradients");
        int steps = gradients.GetArrayLength();
        for (int split = 0; split <= steps; split++)
        {
            T[] straight = GoldenFile.Vector<T>(testCase.GetProperty("initial_parameters"));
            T[] resumed = (T[])straight.Clone();
            IOptimizer reference = GoldenFile.CreateOptimizer(config);
            IOptimizer first = GoldenFile.CreateOptimizer(config);
            for (int step = 0; step < steps; step++)
            {
                GoldenFile.ApplySchedule(reference, config, step);
                reference.Step<T>(straight, GoldenFile.Vector<T>(gradients[step]));
            }

            for (int step = 0; step < split; step++)
            {
                GoldenFile.ApplySchedule(first, config, step);
                first.Step<T>(resumed, GoldenFile.Vector<T>(gradients[step]));
            }
            OptimizerState state = first.ExportState();
            double learningRate = first.LearningRate;
            // The export is a copy: further steps of the first optimizer must not change it.
            first.Step<T>((T[])resumed.Clone(), GoldenFile.Vector<T>(gradients[0]));

            IOptimizer second = GoldenFile.CreateOptimizer(config);
            second.LearningRate = 123; // must come back from the state
            second.ImportState(state);
            Assert.Equal(learningRate, second.LearningRate);
            Assert.Equal(split, second.StepCount);
            // The import is a copy too: spoiling the state object afterwards must not matter.
            foreach (OptimizerBuffer buffer in state.Buffers)
            {
                ((T[])buffer.Values).AsSpan().Fill(T.NaN);
            }
            for (int step = split; step < steps; step++)
            {
                GoldenFile.ApplySchedule(second, config, step);
                second.Step<T>(resumed, GoldenFile.Vector<T>(gradients[step]));
            }

            Assert.Equal(straight, resumed); // bit for bit
        }
    }

    private static void CompareWithElementwise<T>(string precision, string optimizerName) where T : unmanaged, IFloatingPointIeee754<T>
    {
        (JsonElement testCase, JsonElement config) = Find(precision, optimizerName);
        T[] all = GoldenFile.Vector<T>(testCase.GetProperty("initial_parameters"));
        JsonElement gradients = testCase.GetProperty("gradients");
        int steps = gradients.GetArrayLength();
        var grads = new T[steps][];
        for (int step = 0; step < steps; step++)
        {
            grads[step] = GoldenFile.Vector<T>(gradients[step]);
        }

        T[] single = (T[])all.Clone();
        IOptimizer whole = GoldenFile.CreateOptimizer(config);
        for (int step = 0; step < steps; step++)
        {
            GoldenFile.ApplySchedule(whole, config, step);
            whole.Step<T>(all, grads[step]);
        }
        for (int i = 0; i < single.Length; i++)
        {
            IOptimizer alone = GoldenFile.CreateOptimizer(config); // length 1: the scalar path only
            for (int step = 0; step < steps; step++)
            {
                GoldenFile.ApplySchedule(alone, config, step);
                alone.Step<T>(single.AsSpan(i, 1), grads[step].AsSpan(i, 1));
            }
        }
        Assert.Equal(all, single);
    }
}
