using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading;
using StaticNet.Optimizers;
using Xunit;

namespace StaticNet.Tests.Training;

public class TrainerTests
{
    private static Trainer<T> NewTrainer<T>(INetwork<T> network, IOptimizer optimizer, int epochs = 5, int batchSize = 4, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new(network, optimizer) { Epochs = epochs, BatchSize = batchSize, Threads = threads, Seed = 1 };

    // ---- up-front validation ----

    [Fact]
    public void Constructor_RefusesStepNetwork()
    {
        var network = new LinearNetwork<float>(2, 1, Activation.Step);
        var e = Assert.Throws<NotSupportedException>(() => new Trainer<float>(network, new GradientDescent(0.1)));
        Assert.Contains("step activation", e.Message);
        Assert.Contains("Linear", e.Message);
    }

    [Fact]
    public void Fit_RejectsDataThatDoesNotFitTheNetwork()
    {
        var network = new LinearNetwork<float>(2, 3, Activation.Softmax);
        var trainer = NewTrainer(network, new GradientDescent(0.1));

        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(TrainingData<float>.FromLabels([1, 2, 3], [0], 3)));
        Assert.Equal("data", e.ParamName);
        Assert.Contains("3 inputs", e.Message);
        Assert.Contains("takes 2", e.Message);

        e = Assert.Throws<ArgumentException>(() => trainer.Fit(TrainingData<float>.FromLabels([1, 2, 3, 4], [0, 3], 2)));
        Assert.Contains("row 1 is 3", e.Message);
        Assert.Contains("[0, 3)", e.Message);

        e = Assert.Throws<ArgumentException>(() => trainer.Fit(TrainingData<float>.FromTargets([1, 2], [0, 1], 2, 2)));
        Assert.Contains("2 values per row", e.Message);
        Assert.Contains("3 outputs", e.Message);

        var good = SyntheticData.Blobs<float>(12, 3, seed: 1);
        e = Assert.Throws<ArgumentException>(() => trainer.Fit(good, TrainingData<float>.FromLabels([1, 2, 3], [0], 3)));
        Assert.Equal("validation", e.ParamName);

        trainer.EarlyStopping = new EarlyStopping(2);
        e = Assert.Throws<ArgumentException>(() => trainer.Fit(good));
        Assert.Contains("validation", e.Message);
        Assert.Equal(0, network.Calls);
    }

    [Fact]
    public void Fit_AcceptsZeroOneLabelsForSingleOutput()
    {
        var network = new LinearNetwork<double>(1, 1, Activation.Sigmoid);
        var trainer = NewTrainer(network, new GradientDescent(0.5), epochs: 50);
        var data = TrainingData<double>.FromLabels([-2, -1, 1, 2], [0, 0, 1, 1], 1);
        TrainingHistory history = trainer.Fit(data);
        Assert.Equal(1.0, history.Last.Accuracy);
        Assert.Throws<ArgumentException>(() => trainer.Fit(TrainingData<double>.FromLabels([1], [2], 1)));
    }

    [Fact]
    public void Properties_RejectBadValues()
    {
        var trainer = new Trainer<float>(new LinearNetwork<float>(2, 3, Activation.Softmax), new GradientDescent(0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Epochs = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.BatchSize = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Threads = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.ClipGradientNorm = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.ClipGradientNorm = double.PositiveInfinity);
        trainer.ClipGradientNorm = null;
        Assert.Equal(Environment.ProcessorCount, trainer.Threads);
    }

    // ---- the step ----

    [Fact]
    public void EachStep_UsesTheMeanGradientOfItsBatch()
    {
        var network = new LinearNetwork<double>(2, 3, Activation.Softmax, seed: 3);
        var reference = new LinearNetwork<double>(2, 3, Activation.Softmax, seed: 3);
        var optimizer = new RecordingOptimizer(0.1);
        var trainer = NewTrainer(network, optimizer, epochs: 1, batchSize: 4);
        trainer.Shuffle = false;
        var data = SyntheticData.Blobs<double>(10, 3, seed: 2);

        trainer.Fit(data);

        Assert.Equal(3, optimizer.Gradients.Count);
        int[][] batches = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]];
        for (int b = 0; b < batches.Length; b++)
        {
            var gradient = new double[reference.ParameterCount];
            foreach (int row in batches[b])
            {
                reference.AccumulateGradient(data.Input(row), data.Labels[row], gradient);
            }
            for (int i = 0; i < gradient.Length; i++)
            {
                gradient[i] /= batches[b].Length;
            }
            Assert.Equal(gradient, optimizer.Gradients[b]);
            for (int i = 0; i < gradient.Length; i++)
            {
                reference.Parameters[i] -= 0.1 * gradient[i];
            }
        }
        Assert.Equal(reference.Parameters.ToArray(), network.Parameters.ToArray());
    }

    [Fact]
    public void ClipGradientNorm_BoundsEveryStep()
    {
        var network = new LinearNetwork<double>(2, 3, Activation.Softmax);
        var optimizer = new RecordingOptimizer(0.1);
        var trainer = NewTrainer(network, optimizer, epochs: 2);
        trainer.ClipGradientNorm = 0.05;
        trainer.Fit(SyntheticData.Blobs<double>(20, 3, seed: 2));

        Assert.Equal(10, optimizer.Gradients.Count);
        foreach (double[] gradient in optimizer.Gradients)
        {
            double norm = Math.Sqrt(gradient.Sum(g => g * g));
            Assert.InRange(norm, 0, 0.05);
        }
        Assert.Contains(optimizer.Gradients, g => Math.Sqrt(g.Sum(x => x * x)) > 0.0499);
    }

    // ---- learning, metrics, progress ----

    [Fact]
    public void Fit_LearnsBlobsAndReportsEveryEpoch()
    {
        var network = new LinearNetwork<float>(2, 3, Activation.Softmax);
        var (training, validation) = SyntheticData.Blobs<float>(300, 3, seed: 4).Split(0.2, seed: 1);
        var trainer = NewTrainer(network, new GradientDescent(0.1), epochs: 8, batchSize: 16);
        var progress = new ListProgress();

        TrainingHistory history = trainer.Fit(training, validation, progress);

        Assert.Equal(8, progress.Reports.Count);
        Assert.Equal(history.Epochs, progress.Reports);
        Assert.Equal(Enumerable.Range(1, 8), history.Epochs.Select(m => m.Epoch));
        Assert.False(history.StoppedEarly);
        Assert.False(history.RestoredBestParameters);
        Assert.Equal(1, history.Seed);
        Assert.True(history.Last.Loss < history.Epochs[0].Loss);
        Assert.True(history.Last.ValidationAccuracy >= 0.95);
        Assert.True(history.Last.Accuracy >= 0.9);
        Assert.All(history.Epochs, m => Assert.Equal(0.1, m.LearningRate));
        Assert.All(history.Epochs, m => Assert.True(m.Duration >= TimeSpan.Zero));

        int best = history.Epochs.Select((m, i) => (m.ValidationLoss!.Value, i)).Min().i + 1;
        Assert.Equal(best, history.BestEpoch);
        Assert.Same(history.Epochs[best - 1], history.Best);

        // The last validation metrics are those of the final parameters.
        Evaluation evaluation = Trainer.Evaluate(network, validation);
        Assert.Equal(history.Last.ValidationLoss!.Value, evaluation.Loss, 12);
        Assert.Equal(history.Last.ValidationAccuracy, evaluation.Accuracy);
        Assert.Equal(validation.Count, evaluation.Count);
        Assert.Contains("epoch 8: loss ", history.Last.ToString());
        Assert.Contains("val_accuracy", history.Last.ToString());
    }

    [Fact]
    public void Metrics_TrainingLossIsTheMeanPerSampleLoss()
    {
        // With a zero learning rate the parameters stay put, so the training loss equals an evaluation.
        var network = new LinearNetwork<double>(2, 3, Activation.Softmax);
        var data = SyntheticData.Blobs<double>(50, 3, seed: 4);
        TrainingHistory history = NewTrainer(network, new GradientDescent(0), epochs: 1, batchSize: 7).Fit(data);
        Evaluation evaluation = Trainer.Evaluate(network, data);
        Assert.Equal(evaluation.Loss, history.Last.Loss, 12);
        Assert.Equal(evaluation.Accuracy, history.Last.Accuracy);
    }

    [Fact]
    public void Metrics_RegressionHasNoAccuracy()
    {
        var network = new LinearNetwork<double>(2, 1, Activation.Identity);
        var (training, validation) = SyntheticData.Regression<double>(200, seed: 1).Split(0.25, seed: 2);
        TrainingHistory history = NewTrainer(network, new GradientDescent(0.1), epochs: 20, batchSize: 10).Fit(training, validation);
        Assert.Null(history.Last.Accuracy);
        Assert.Null(history.Last.ValidationAccuracy);
        Assert.InRange(history.Last.ValidationLoss!.Value, 0, 0.05);
        Assert.Equal(2.0, network.Parameters[0], 1);
        Assert.Equal(-1.0, network.Parameters[1], 1);
        Assert.Equal(0.5, network.Parameters[2], 1);
    }

    [Fact]
    public void MeasureTrainingAccuracy_CanBeTurnedOff()
    {
        var network = new LinearNetwork<float>(2, 3, Activation.Softmax);
        var trainer = NewTrainer(network, new GradientDescent(0.1), epochs: 1);
        trainer.MeasureTrainingAccuracy = false;
        Assert.Null(trainer.Fit(SyntheticData.Blobs<float>(12, 3, seed: 1)).Last.Accuracy);
    }

    [Fact]
    public void Schedule_SetsTheRatePerEpochAndRestoresTheBase()
    {
        var network = new LinearNetwork<double>(2, 3, Activation.Softmax);
        var optimizer = new RecordingOptimizer(0.2);
        var trainer = NewTrainer(network, optimizer, epochs: 4, batchSize: 5);
        trainer.Schedule = LearningRateSchedule.Step(2, 0.5);

        TrainingHistory history = trainer.Fit(SyntheticData.Blobs<double>(10, 3, seed: 1));

        Assert.Equal([0.2, 0.2, 0.1, 0.1], history.Epochs.Select(m => m.LearningRate));
        Assert.Equal([0.2, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1], optimizer.Rates);
        Assert.Equal(0.2, optimizer.LearningRate);
    }

    [Fact]
    public void Schedule_ThatGivesABadRateIsReported()
    {
        var trainer = NewTrainer(new LinearNetwork<double>(2, 3, Activation.Softmax), new GradientDescent(0.1));
        trainer.Schedule = new BadSchedule();
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(SyntheticData.Blobs<double>(10, 3, seed: 1)));
        Assert.Contains("epoch 2", e.Message);
        Assert.Equal(0.1, trainer.Optimizer.LearningRate);
    }

    private sealed class BadSchedule : LearningRateSchedule
    {
        public override double GetLearningRate(double baseRate, int completedEpochs) => completedEpochs == 1 ? double.NaN : baseRate;
    }

    // ---- determinism and threads ----

    private static (float[] Parameters, TrainingHistory History, int Threads) TrainBlobs(int threads, int? seed, long parallelThreshold = 1)
    {
        var network = new LinearNetwork<float>(2, 3, Activation.Softmax, seed: 5) { Threads = new ConcurrentDictionary<int, bool>() };
        var (training, validation) = SyntheticData.Blobs<float>(200, 3, seed: 6, spread: 1.5).Split(0.2, seed: 1);
        var trainer = new Trainer<float>(network, new GradientDescent(0.05))
        {
            Epochs = 4, BatchSize = 16, Threads = threads, Seed = seed, ParallelThreshold = parallelThreshold,
            ClipGradientNorm = 1.0,
        };
        TrainingHistory history = trainer.Fit(training, validation);
        return (network.Parameters.ToArray(), history, network.Threads.Count);
    }

    [Fact]
    public void SameSeedAndThreads_GiveBitIdenticalParameters()
    {
        var first = TrainBlobs(threads: 2, seed: 11);
        var second = TrainBlobs(threads: 2, seed: 11);
        // (Each batch is cut into two parts, see TrainingSessionTests.Parts_*; which thread runs a part does not matter.)
        Assert.Equal(first.Parameters, second.Parameters);
        Assert.Equal(first.History.Epochs.Select(m => m.Loss), second.History.Epochs.Select(m => m.Loss));
        Assert.Equal(first.History.Epochs.Select(m => m.ValidationLoss), second.History.Epochs.Select(m => m.ValidationLoss));

        var third = TrainBlobs(threads: 3, seed: 11);
        Assert.Equal(third.Parameters, TrainBlobs(threads: 3, seed: 11).Parameters);
    }

    [Fact]
    public void DifferentThreadCounts_DifferOnlyByRounding()
    {
        var one = TrainBlobs(threads: 1, seed: 11);
        var two = TrainBlobs(threads: 2, seed: 11);
        Assert.Equal(1, one.Threads);
        for (int i = 0; i < one.Parameters.Length; i++)
        {
            Assert.Equal(one.Parameters[i], two.Parameters[i], 1e-4f);
        }

        // Below the threshold a batch runs on the calling thread, exactly as with one thread.
        var small = TrainBlobs(threads: 2, seed: 11, parallelThreshold: long.MaxValue);
        Assert.Equal(1, small.Threads);
        Assert.Equal(one.Parameters, small.Parameters);
    }

    [Fact]
    public void Seed_ChangesTheShuffleAndIsReported()
    {
        Assert.NotEqual(TrainBlobs(1, seed: 11).Parameters, TrainBlobs(1, seed: 12).Parameters);

        var drawn = TrainBlobs(1, seed: null);
        Assert.Equal(drawn.Parameters, TrainBlobs(1, seed: drawn.History.Seed).Parameters);
    }

    // ---- early stopping ----

    /// <summary>Descends for <paramref name="descendingSteps"/> steps, then climbs: the loss gets worse.</summary>
    private sealed class TurningOptimizer(double learningRate, int descendingSteps) : IOptimizer
    {
        public double LearningRate { get; set; } = learningRate;
        public long StepCount { get; private set; }

        public void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T rate = T.CreateTruncating(StepCount < descendingSteps ? LearningRate : -LearningRate);
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] -= rate * gradient[i];
            }
            StepCount++;
        }

        public void Reset() => StepCount = 0;
    }

    private static (TrainingHistory History, List<double[]> Snapshots, double[] Final) FitTurning(EarlyStopping? earlyStopping, int epochs = 20)
    {
        var network = new LinearNetwork<double>(2, 3, Activation.Softmax, seed: 2);
        var training = SyntheticData.Blobs<double>(60, 3, seed: 1, spread: 1.0);
        var validation = SyntheticData.Blobs<double>(30, 3, seed: 2, spread: 1.0);
        var snapshots = new List<double[]>();
        var trainer = new Trainer<double>(network, new TurningOptimizer(0.05, descendingSteps: 4 * 6))
        {
            Epochs = epochs, BatchSize = 10, Seed = 3, Threads = 1, EarlyStopping = earlyStopping,
        };
        TrainingHistory history = trainer.Fit(training, validation, new ListProgress(_ => snapshots.Add(network.Parameters.ToArray())));
        return (history, snapshots, network.Parameters.ToArray());
    }

    [Fact]
    public void EarlyStopping_StopsAfterPatienceAndRestoresTheBest()
    {
        var (history, snapshots, final) = FitTurning(new EarlyStopping(patience: 3));

        Assert.Equal(4, history.BestEpoch);
        Assert.True(history.StoppedEarly);
        Assert.True(history.RestoredBestParameters);
        Assert.Equal(7, history.Epochs.Count);
        Assert.Equal(7, snapshots.Count);
        var losses = history.Epochs.Select(m => m.ValidationLoss!.Value).ToArray();
        Assert.Equal(losses.Min(), history.Best!.ValidationLoss);
        Assert.Equal(snapshots[3], final);
        Assert.NotEqual(snapshots[6], final);
    }

    [Fact]
    public void EarlyStopping_WithoutRestoreKeepsTheLastParameters()
    {
        var (history, snapshots, final) = FitTurning(new EarlyStopping(patience: 2, restoreBestParameters: false));
        Assert.Equal(4, history.BestEpoch);
        Assert.Equal(6, history.Epochs.Count);
        Assert.False(history.RestoredBestParameters);
        Assert.Equal(snapshots[5], final);
    }

    [Fact]
    public void EarlyStopping_MinDeltaDecidesWhatImproves()
    {
        var (history, snapshots, final) = FitTurning(new EarlyStopping(patience: 2, minDelta: 100));
        Assert.Equal(1, history.BestEpoch);
        Assert.Equal(3, history.Epochs.Count);
        Assert.True(history.StoppedEarly);
        Assert.Equal(snapshots[0], final);
    }

    [Fact]
    public void EarlyStopping_ThatNeverTriggersStillRestoresTheBest()
    {
        var (history, snapshots, final) = FitTurning(new EarlyStopping(patience: 10), epochs: 6);
        Assert.False(history.StoppedEarly);
        Assert.Equal(6, history.Epochs.Count);
        Assert.Equal(4, history.BestEpoch);
        Assert.Equal(snapshots[3], final);
    }

    // ---- divergence ----

    [Fact]
    public void NaNLoss_StopsWithEpochAndBatch()
    {
        // 10 rows in batches of 4, 4, 2: call 14 is in epoch 2, batch 1.
        var network = new LinearNetwork<double>(2, 3, Activation.Softmax) { LossOverride = call => call == 14 ? double.NaN : null };
        var snapshots = new List<double[]>();
        var trainer = NewTrainer(network, new GradientDescent(0.1), epochs: 5, batchSize: 4);

        var e = Assert.Throws<TrainingDivergedException>(() =>
            trainer.Fit(SyntheticData.Blobs<double>(10, 3, seed: 1), progress: new ListProgress(_ => snapshots.Add(network.Parameters.ToArray()))));

        Assert.Equal(2, e.Epoch);
        Assert.Equal(1, e.Batch);
        Assert.True(double.IsNaN(e.Value));
        Assert.Contains("epoch 2, batch 1 of 3", e.Message);
        Assert.Contains("NaN", e.Message);
        Assert.Single(snapshots);
        Assert.Equal(snapshots[0], network.Parameters.ToArray());
    }

    [Fact]
    public void InfiniteLoss_StopsWithEpochAndBatch()
    {
        var network = new LinearNetwork<float>(2, 3, Activation.Softmax) { LossOverride = call => call == 7 ? float.PositiveInfinity : null };
        var e = Assert.Throws<TrainingDivergedException>(() =>
            NewTrainer(network, new GradientDescent(0.1), batchSize: 4).Fit(SyntheticData.Blobs<float>(10, 3, seed: 1)));
        Assert.Equal(1, e.Epoch);
        Assert.Equal(2, e.Batch);
        Assert.True(double.IsPositiveInfinity(e.Value));
        Assert.Contains("epoch 1, batch 2 of 3", e.Message);
    }

    // ---- cancellation ----

    [Fact]
    public void Cancellation_BeforeFitDoesNoWork()
    {
        var network = new LinearNetwork<float>(2, 3, Activation.Softmax);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            NewTrainer(network, new GradientDescent(0.1)).Fit(SyntheticData.Blobs<float>(10, 3, seed: 1), cancellationToken: new CancellationToken(true)));
        Assert.Equal(0, network.Calls);
    }

    [Fact]
    public void Cancellation_FromProgressStopsBeforeTheNextEpoch()
    {
        var network = new LinearNetwork<float>(2, 3, Activation.Softmax);
        using var cts = new CancellationTokenSource();
        var progress = new ListProgress(m => { if (m.Epoch == 2) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            NewTrainer(network, new GradientDescent(0.1), epochs: 10).Fit(SyntheticData.Blobs<float>(10, 3, seed: 1), null, progress, cts.Token));
        Assert.Equal(2, progress.Reports.Count);
        Assert.Equal(20, network.Calls);
    }

    [Fact]
    public void Cancellation_DuringABatchStopsAfterThatBatch()
    {
        using var cts = new CancellationTokenSource();
        var network = new LinearNetwork<float>(2, 3, Activation.Softmax);
        network.LossOverride = call =>
        {
            if (call == 6) cts.Cancel();
            return null;
        };
        var optimizer = new GradientDescent(0.1);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            NewTrainer(network, optimizer, epochs: 10, batchSize: 4).Fit(SyntheticData.Blobs<float>(40, 3, seed: 1), cancellationToken: cts.Token));
        Assert.Equal(8, network.Calls);
        Assert.Equal(2, optimizer.StepCount);
    }

    // ---- evaluation ----

    [Fact]
    public void Evaluate_ComputesMeanLossAndAccuracy()
    {
        var network = new LinearNetwork<double>(2, 3, Activation.Softmax, seed: 9);
        var data = SyntheticData.Blobs<double>(2500, 3, seed: 3);
        double loss = 0;
        int correct = 0;
        var scratch = new double[network.ParameterCount];
        for (int r = 0; r < data.Count; r++)
        {
            loss += network.AccumulateGradient(data.Input(r), data.Labels[r], scratch);
            correct += network.Classify(data.Input(r)) == data.Labels[r] ? 1 : 0;
        }
        double[] before = network.Parameters.ToArray();

        Evaluation evaluation = Trainer.Evaluate(network, data);
        Assert.Equal(loss / data.Count, evaluation.Loss, 12);
        Assert.Equal((double)correct / data.Count, evaluation.Accuracy);
        Assert.Equal(2500, evaluation.Count);
        Assert.Equal(before, network.Parameters.ToArray());

        // Shared among threads (chunks of 1024 rows, three of them here), with the same result up to rounding.
        Evaluation shared = Trainer.Evaluate(network, data, threads: 2);
        Assert.Equal(evaluation.Loss, shared.Loss, 12);
        Assert.Equal(evaluation.Accuracy, shared.Accuracy);
    }

    [Fact]
    public void Evaluate_StepNetworkHasAccuracyButNoLoss()
    {
        var network = new LinearNetwork<float>(1, 1, Activation.Step);
        network.Parameters[0] = 1;
        network.Parameters[1] = 0;
        Evaluation evaluation = Trainer.Evaluate(network, TrainingData<float>.FromLabels([-1, 2, 3, -4], [0, 1, 0, 0], 1));
        Assert.True(double.IsNaN(evaluation.Loss));
        Assert.Equal(0.75, evaluation.Accuracy);
    }

    [Fact]
    public void Evaluate_OneHotTargetsCountArgmax()
    {
        var network = new LinearNetwork<float>(2, 3, Activation.Softmax);
        var labels = SyntheticData.Blobs<float>(30, 3, seed: 1);
        var oneHot = new float[30 * 3];
        for (int r = 0; r < 30; r++) oneHot[r * 3 + labels.Labels[r]] = 1;
        var targets = TrainingData<float>.FromTargets(labels.Inputs.ToArray(), oneHot, 2, 3);
        Evaluation a = Trainer.Evaluate(network, labels), b = Trainer.Evaluate(network, targets);
        Assert.Equal(a.Accuracy, b.Accuracy);
        Assert.Equal(a.Loss, b.Loss, 6);
    }
}
