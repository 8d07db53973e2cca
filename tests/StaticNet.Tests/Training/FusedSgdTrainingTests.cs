using System;
using System.Linq;
using StaticNet.Optimizers;
using Xunit;

namespace StaticNet.Tests.Training;

/// <summary>
/// Plain SGD without clipping trains through the network's fused step (<see cref="IFusedSgdStep{T}.TrySgdStep(ReadOnlySpan{T}, ReadOnlySpan{int}, T, out T)"/>);
/// gradient clipping with an unreachable norm forces the unfused path (gradient buffer, then <see cref="Sgd.Step{T}"/>) on the same batches.
/// </summary>
public class FusedSgdTrainingTests
{
    private static TrainingData<float> Data(int rows)
    {
        var random = new SeededRandom(8);
        float[] inputs = Enumerable.Range(0, rows * IrisNet.InputSize).Select(_ => (float)random.NextUniform(-2, 2)).ToArray();
        int[] labels = Enumerable.Range(0, rows).Select(_ => random.NextInt(IrisNet.OutputSize)).ToArray();
        return TrainingData<float>.FromLabels(inputs, labels, IrisNet.InputSize);
    }

    [Theory]
    [InlineData(1)]     // the single-sample pass, straight into the parameters
    [InlineData(7)]     // tiles with idle lanes
    [InlineData(32)]    // a full float tile on 256-bit vectors
    [InlineData(50)]    // larger than a tile on 256-bit vectors: the network declines, the unfused path runs
    public void Fused_training_matches_the_unfused_path(int batchSize)
    {
        TrainingData<float> data = Data(100);
        var fused = new IrisNet(seed: 5);
        var unfused = new IrisNet(seed: 5);
        var fusedSgd = new Sgd(0.1);
        var unfusedSgd = new Sgd(0.1);

        TrainingHistory fusedHistory = new Trainer<float>(fused, fusedSgd) { Epochs = 3, BatchSize = batchSize, Seed = 2, Threads = 1 }.Fit(data);
        TrainingHistory unfusedHistory = new Trainer<float>(unfused, unfusedSgd) { Epochs = 3, BatchSize = batchSize, Seed = 2, Threads = 1, ClipGradientNorm = double.MaxValue }.Fit(data);

        Assert.Equal(unfusedSgd.StepCount, fusedSgd.StepCount);
        float[] expected = unfused.Parameters.ToArray(), actual = fused.Parameters.ToArray();
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-5, $"parameter {k}: fused {actual[k]}, unfused {expected[k]}");
        }
        Assert.Equal(unfusedHistory.Last.Loss, fusedHistory.Last.Loss, 1e-5);
        Assert.Equal(unfusedHistory.Last.Accuracy, fusedHistory.Last.Accuracy);
    }

    [Fact]
    public void A_diverging_fused_step_throws_and_leaves_the_parameters_as_they_were()
    {
        // Finite data, but weights so large that the logits overflow: the loss is not finite.
        float[] inputs = Enumerable.Repeat(1e30f, 8 * IrisNet.InputSize).ToArray();
        var data = TrainingData<float>.FromLabels(inputs, Enumerable.Range(0, 8).Select(i => i % 3).ToArray(), IrisNet.InputSize);
        var network = new IrisNet(seed: 5);
        network.Parameters.Fill(1e30f);
        float[] before = network.Parameters.ToArray();
        var sgd = new Sgd(0.1);

        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer<float>(network, sgd) { Epochs = 1, BatchSize = 8, Threads = 1, Shuffle = false }.Fit(data));

        Assert.Equal(before, network.Parameters.ToArray());
        Assert.Equal(0, sgd.StepCount);
        Assert.Contains("loss", e.Message, StringComparison.OrdinalIgnoreCase);
    }
}
