using System;
using System.Threading;
using StaticNet.Optimizers;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Tests.Training;

/// <summary>Generated networks (specs in Training/Specs) trained for real on small data sets.</summary>
public class LearningTests(ITestOutputHelper output)
{
    private static TrainingData<float> Xor() =>
        TrainingData<float>.FromTargets([0, 0, 0, 1, 1, 0, 1, 1], [0, 1, 1, 0], inputSize: 2, targetSize: 1);

    [Fact]
    public void Xor_TwoTwoOneSigmoid_ReachesFullAccuracy()
    {
        var network = new TrainerXor(seed: 1);
        var trainer = new Trainer<float>(network, new Sgd(0.5, momentum: 0.9)) { Epochs = 1000, BatchSize = 4, Seed = 1, Threads = 1 };

        TrainingHistory history = trainer.Fit(Xor());

        Assert.Equal(1.0, history.Last.Accuracy);
        Assert.True(history.Last.Loss < 0.1, $"final loss {history.Last.Loss}");
        output.WriteLine(history.Last.ToString());
        Evaluation evaluation = Trainer.Evaluate(network, Xor());
        Assert.Equal(1.0, evaluation.Accuracy);
        Assert.Equal(0, (int)network.Classify([0, 0]));
        Assert.Equal(1, (int)network.Classify([1, 0]));
    }

    [Fact]
    public void Xor_MostSeedsSolveIt()
    {
        int solved = 0;
        for (int seed = 1; seed <= 20; seed++)
        {
            var network = new TrainerXor(seed);
            new Trainer<float>(network, new Sgd(0.5, momentum: 0.9)) { Epochs = 1000, BatchSize = 4, Seed = seed, Threads = 1 }.Fit(Xor());
            solved += Trainer.Evaluate(network, Xor()).Accuracy == 1.0 ? 1 : 0;
        }
        output.WriteLine($"{solved} of 20 seeds solve XOR");
        Assert.True(solved >= 15, $"only {solved} of 20 seeds solve XOR");
    }

    [Fact]
    public void Xor_StepNetwork_IsRefusedButEvaluates()
    {
        var network = new TrainerStepXor(seed: 1);
        var e = Assert.Throws<NotSupportedException>(() => new Trainer<float>(network, new GradientDescent(0.1)));
        Assert.Contains("TrainerStepXor", e.Message);

        // Hand-set weights, as the introduction does: hidden = (OR, AND), output = OR and not AND.
        float[] parameters = [1, 1, 1, 1, -0.5f, -1.5f, 1, -1, -0.5f];
        parameters.CopyTo(network.Parameters);
        Evaluation evaluation = Trainer.Evaluate(network, Xor());
        Assert.Equal(1.0, evaluation.Accuracy);
        Assert.True(double.IsNaN(evaluation.Loss));
    }

    [Fact]
    public void Iris_HeldOutAccuracyIsAtLeast95Percent()
    {
        var (training, validation) = CsvDataSet.Load("iris").ToStandardizedTrainingData<float>().Split(0.2, seed: 1);
        var network = new TrainerIris(seed: 1);
        var trainer = new Trainer<float>(network, new Adam(1e-2))
        {
            Epochs = 100, BatchSize = 16, Seed = 1,
            Schedule = LearningRateSchedule.Cosine(100),
        };

        TrainingHistory history = trainer.Fit(training, validation);

        output.WriteLine(history.Last.ToString());
        Evaluation evaluation = Trainer.Evaluate(network, validation);
        Assert.True(evaluation.Accuracy >= 0.95, $"held-out accuracy {evaluation.Accuracy}, history: {history.Last}");
        Assert.Equal(history.Last.ValidationAccuracy, evaluation.Accuracy);
    }

    [Fact]
    public void Digits_HeldOutAccuracyIsAtLeast95Percent_WithEarlyStopping()
    {
        var (training, validation) = CsvDataSet.Load("digits").ToTrainingData<float>(1.0 / 16).Split(0.2, seed: 1);
        var network = new TrainerDigits(seed: 1);
        var trainer = new Trainer<float>(network, new Adam(3e-3))
        {
            Epochs = 40, BatchSize = 32, Seed = 1, Threads = 2,
            EarlyStopping = new EarlyStopping(patience: 4),
            ClipGradientNorm = 5,
        };

        TrainingHistory history = trainer.Fit(training, validation);

        output.WriteLine($"best {history.Best}; last {history.Last}; stopped early: {history.StoppedEarly}");
        Evaluation evaluation = Trainer.Evaluate(network, validation);
        Assert.True(evaluation.Accuracy >= 0.95, $"held-out accuracy {evaluation.Accuracy}, best: {history.Best}");
        Assert.True(history.RestoredBestParameters);
        Assert.Equal(history.Best!.ValidationLoss!.Value, evaluation.Loss, 6);
    }

    [Fact]
    public void Digits_SameSeedAndThreads_GiveBitIdenticalParameters()
    {
        var data = CsvDataSet.Load("digits").ToTrainingData<float>(1.0 / 16);
        float[] Train(int threads)
        {
            var network = new TrainerDigits(seed: 2);
            new Trainer<float>(network, new Adam(1e-3)) { Epochs = 2, BatchSize = 64, Seed = 3, Threads = threads, ParallelThreshold = 1 }
                .Fit(data);
            return network.Parameters.ToArray();
        }

        float[] first = Train(2);
        Assert.Equal(first, Train(2));
        float[] single = Train(1);
        for (int i = 0; i < first.Length; i++)
        {
            Assert.Equal(single[i], first[i], 1e-4f);
        }
    }

    [Fact]
    public void Digits_TrainBatchDoesNotAllocate()
    {
        var data = CsvDataSet.Load("digits").ToTrainingData<float>(1.0 / 16);
        var network = new TrainerDigits(seed: 2);
        int[] order = new int[data.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        using var session = new TrainingSession<float>(network, new Adam(1e-3), clipNorm: 1.0, threads: 1, parallelThreshold: long.MaxValue);
        session.TrainBatch(data, order, 0, 32, measureAccuracy: true, 1, 1, 1);
        session.Evaluate(data, CancellationToken.None);

        long allocated = AllocationMeter.Measure(() =>
        {
            for (int batch = 0; batch < 50; batch++)
            {
                session.TrainBatch(data, order, batch * 32, 32, measureAccuracy: true, 1, batch + 1, 50);
            }
        });
        Assert.Equal(0, allocated);
    }
}
