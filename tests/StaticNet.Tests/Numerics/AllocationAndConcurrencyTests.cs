using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace StaticNet.Tests.Numerics;

public class AllocationAndConcurrencyTests
{
    [Fact]
    public void Inference_and_gradients_do_not_allocate_after_warm_up()
    {
        var iris = new IrisNet(seed: 1);
        var mnist = new MnistNet(seed: 1);
        var deep = new DeepGeluDouble(seed: 1);
        float[] irisInput = { 5.1f, 3.5f, 1.4f, 0.2f };
        float[] irisOutput = new float[IrisNet.OutputSize];
        float[] irisBatch = new float[IrisNet.InputSize * 8];
        float[] irisBatchOutput = new float[IrisNet.OutputSize * 8];
        float[] irisGradient = new float[IrisNet.ParameterCount];
        float[] irisTarget = { 0, 1, 0 };
        float[] mnistInput = new float[MnistNet.InputSize];
        float[] mnistOutput = new float[MnistNet.OutputSize];
        float[] mnistGradient = new float[MnistNet.ParameterCount];
        double[] deepInput = new double[DeepGeluDouble.InputSize];
        double[] deepOutput = new double[DeepGeluDouble.OutputSize];
        double[] deepGradient = new double[DeepGeluDouble.ParameterCount];

        void RunAll()
        {
            iris.Predict(irisInput, irisOutput);
            iris.Classify(irisInput);
            iris.PredictBatch(irisBatch, irisBatchOutput);
            iris.AccumulateGradient(irisInput, irisTarget, irisGradient);
            iris.AccumulateGradient(irisInput, 2, irisGradient);
            mnist.Predict(mnistInput, mnistOutput);
            mnist.Classify(mnistInput);
            mnist.AccumulateGradient(mnistInput, 7, mnistGradient);
            deep.Predict(deepInput, deepOutput);
            deep.AccumulateGradient(deepInput, 0, deepGradient);
        }

        RunAll(); // warm-up: JIT, per-thread scratch
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 10; i++)
            {
                RunAll();
            }
        });
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void One_instance_serves_many_threads_at_once()
    {
        var network = new MnistNet(seed: 5);
        var random = new SeededRandom(2);
        const int Samples = 64;
        float[][] inputs = Enumerable.Range(0, Samples)
            .Select(_ => Enumerable.Range(0, MnistNet.InputSize).Select(_ => (float)random.NextDouble()).ToArray())
            .ToArray();
        float[][] expected = inputs.Select(input =>
        {
            float[] output = new float[MnistNet.OutputSize];
            network.Predict(input, output);
            return output;
        }).ToArray();
        float[] expectedGradient = new float[MnistNet.ParameterCount];
        for (int s = 0; s < Samples; s++)
        {
            network.AccumulateGradient(inputs[s], s % 10, expectedGradient);
        }

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            float[] output = new float[MnistNet.OutputSize];
            float[] gradient = new float[MnistNet.ParameterCount];
            for (int round = 0; round < 20; round++)
            {
                for (int s = 0; s < Samples; s++)
                {
                    network.Predict(inputs[s], output);
                    if (!output.AsSpan().SequenceEqual(expected[s]))
                    {
                        failures.Add($"worker {worker}, sample {s}");
                    }
                }
            }
            for (int s = 0; s < Samples; s++)
            {
                network.AccumulateGradient(inputs[s], s % 10, gradient);
            }
            if (!gradient.AsSpan().SequenceEqual(expectedGradient))
            {
                failures.Add($"worker {worker}: gradient differs");
            }
        });
        Assert.Empty(failures);
    }
}
