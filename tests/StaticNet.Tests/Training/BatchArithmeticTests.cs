using System;
using System.Linq;
using StaticNet.Optimizers;
using StaticNet.Tests.Checkpoints;
using Xunit;

namespace StaticNet.Tests.Training;

/// <summary>
/// Batch, shard and epoch counts at the edges of <c>int</c>: a batch size, thread count or epoch count of
/// <c>int.MaxValue</c> is a natural way to ask for "all of it", and none of them may overflow.
/// </summary>
public class BatchArithmeticTests
{
    private static Trainer<double> NewTrainer(INetwork<double> network, IOptimizer optimizer, int batchSize, int threads = 1) =>
        new(network, optimizer) { Epochs = 3, BatchSize = batchSize, Threads = threads, Seed = 5 };

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(int.MaxValue - 1)]
    [InlineData(51)]
    public void Fit_BatchSizeAtOrAboveTheDataCount_TrainsOneFullBatchPerEpoch(int batchSize)
    {
        TrainingData<double> data = SyntheticData.Blobs<double>(50, 3, seed: 2);
        var fullBatch = new LinearNetwork<double>(2, 3, Activation.Softmax, seed: 3);
        var huge = new LinearNetwork<double>(2, 3, Activation.Softmax, seed: 3);
        double[] initial = huge.Parameters.ToArray();

        var optimizer = new Sgd(0.5, momentum: 0.9);
        TrainingHistory expected = NewTrainer(fullBatch, new Sgd(0.5, momentum: 0.9), batchSize: 50).Fit(data);
        TrainingHistory actual = NewTrainer(huge, optimizer, batchSize).Fit(data);

        Assert.Equal(3, optimizer.StepCount); // one step per epoch, not zero
        Assert.NotEqual(initial, huge.Parameters.ToArray());
        Assert.Equal(fullBatch.Parameters.ToArray(), huge.Parameters.ToArray());
        Assert.Equal(expected.Epochs.Select(e => e.Loss), actual.Epochs.Select(e => e.Loss));
    }

    [Fact]
    public void Fit_ThreadsIntMaxValue_TrainsLikeAsManyThreadsAsRows()
    {
        TrainingData<double> data = SyntheticData.Blobs<double>(40, 3, seed: 2);
        var capped = new LinearNetwork<double>(2, 3, Activation.Softmax, seed: 3);
        var unbounded = new LinearNetwork<double>(2, 3, Activation.Softmax, seed: 3);

        // Every batch of 20 rows is worth sharing, so the parts are min(threads, rows) = 20 either way.
        var a = NewTrainer(capped, new Adam(0.05), batchSize: 20, threads: 64);
        var b = NewTrainer(unbounded, new Adam(0.05), batchSize: 20, threads: int.MaxValue);
        a.ParallelThreshold = 1;
        b.ParallelThreshold = 1;
        a.Fit(data);
        b.Fit(data);

        Assert.Equal(capped.Parameters.ToArray(), unbounded.Parameters.ToArray());
        Assert.Equal(Trainer.Evaluate(capped, data).Loss, Trainer.Evaluate(unbounded, data, threads: int.MaxValue).Loss);
    }

    [Fact]
    public void Fit_EpochsIntMaxValue_RunsUntilEarlyStoppingAndResumesWithoutRunningMore()
    {
        (TrainingData<double> training, TrainingData<double> validation) = SyntheticData.Blobs<double>(60, 3, seed: 2).Split(0.25, seed: 1);
        using var folder = new TempFolder();
        var network = new LinearNetwork<double>(2, 3, Activation.Softmax, seed: 3);
        // A zero learning rate never improves on the first epoch: patience 1 stops after epoch 2.
        var trainer = new Trainer<double>(network, new Sgd(0))
        {
            Epochs = int.MaxValue, BatchSize = 16, Seed = 5, EarlyStopping = new EarlyStopping(1),
            Checkpoints = new CheckpointOptions(folder.Path),
        };

        TrainingHistory history = trainer.Fit(training, validation);
        Assert.True(history.StoppedEarly);
        Assert.Equal(2, history.Epochs.Count);

        var resumed = new Trainer<double>(new LinearNetwork<double>(2, 3, Activation.Softmax, seed: 9), new Sgd(0))
        {
            Epochs = int.MaxValue, BatchSize = 16, Seed = 5, EarlyStopping = new EarlyStopping(1),
        };
        TrainingHistory again = resumed.Resume(folder[CheckpointOptions.EpochFileName(2)], training, validation);
        Assert.True(again.StoppedEarly);
        Assert.Equal([1, 2], again.Epochs.Select(e => e.Epoch));
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(100_000)]
    public void BatchPredictor_HugeThreadCount_PredictsLikeOneCall(int threads)
    {
        var network = new MnistNet(seed: 4);
        var random = new SeededRandom(9);
        int count = 300;
        float[] inputs = Enumerable.Range(0, count * MnistNet.InputSize).Select(_ => (float)random.NextDouble()).ToArray();
        float[] expected = new float[count * MnistNet.OutputSize];
        float[] actual = new float[count * MnistNet.OutputSize];
        network.PredictBatch(inputs, expected);

        using var predictor = new BatchPredictor<float>(network, threads);
        predictor.PredictBatch(inputs, actual);

        Assert.Equal(threads, predictor.Threads);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(1 << 30, 1, 0, 4)]          // 2^30 rows x 4 outputs wraps to 0 in int
    [InlineData(1 << 29, 1, 0, 8)]
    [InlineData(1 << 29, 1, 1 << 29, 9)]    // 2^29 rows x 9 outputs wraps to 2^29
    public void Batch_length_checks_never_accept_a_span_whose_length_only_matches_a_wrapped_product(int inputsLength, int inputSize, int outputsLength, int outputSize)
    {
        // Generated PredictBatch, AccumulateGradientBatch and TrySgdStep check their spans here before their kernels
        // read and write through unchecked references: a product that wrapped around would let them run off the end.
        var error = Assert.Throws<ArgumentException>(() => ThrowHelper.CheckBatch(inputsLength, inputSize, outputsLength, outputSize, "outputs"));
        Assert.Equal("outputs", error.ParamName);
        Assert.Equal(3, ThrowHelper.CheckBatch(3 * inputSize, inputSize, 3 * outputSize, outputSize, "outputs"));
    }
}
