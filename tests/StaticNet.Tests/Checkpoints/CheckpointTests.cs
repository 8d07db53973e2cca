using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using StaticNet.Optimizers;
using StaticNet.Tests.Training;
using Xunit;

namespace StaticNet.Tests.Checkpoints;

/// <summary>A temporary folder, deleted with everything in it on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "staticnet-checkpoints-" + Guid.NewGuid().ToString("N"));

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public string[] Files() =>
        Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

/// <summary>Trainer checkpoints on a generated network (Training/Specs/TrainerIris): save, resume, manage, reject.</summary>
public class CheckpointTests
{
    private static readonly Lazy<(TrainingData<float> Training, TrainingData<float> Validation)> Iris = new(() =>
        CsvDataSet.Load("iris").ToStandardizedTrainingData<float>().Split(0.2, seed: 1));

    private static TrainingData<float> Training => Iris.Value.Training;

    private static TrainingData<float> Validation => Iris.Value.Validation;

    public static TheoryData<string> OptimizerKinds => new() { "adam", "sgd-momentum", "adamw-amsgrad", "sgd-nesterov" };

    private static IOptimizer NewOptimizer(string kind) => kind switch
    {
        "adam" => new Adam(1e-2),
        "sgd-momentum" => new Sgd(0.05, momentum: 0.9, weightDecay: 1e-4),
        "adamw-amsgrad" => new AdamW(1e-2, amsgrad: true),
        "sgd-nesterov" => new Sgd(0.05, momentum: 0.8, nesterov: true),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The one configuration every run in a comparison uses, but for epochs, checkpoints and early stopping.</summary>
    private static Trainer<float> NewTrainer(INetwork<float> network, IOptimizer optimizer, int epochs, int? seed = 7, int threads = 1) =>
        new(network, optimizer)
        {
            Epochs = epochs, BatchSize = 16, Seed = seed, Threads = threads, ParallelThreshold = 1,
            Schedule = LearningRateSchedule.Cosine(6), ClipGradientNorm = 2.0,
        };

    private static void AssertSameHistory(IReadOnlyList<EpochMetrics> expected, IReadOnlyList<EpochMetrics> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            // Everything but the wall time, bit for bit.
            Assert.Equal(expected[i] with { Duration = TimeSpan.Zero }, actual[i] with { Duration = TimeSpan.Zero });
        }
    }

    private static void AssertBitIdentical(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"parameter {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    // ---- resume gives the uninterrupted run ----

    [Theory]
    [MemberData(nameof(OptimizerKinds))]
    public void Resume_AfterThreeOfSixEpochs_IsBitIdenticalToAnUninterruptedRun(string kind)
    {
        using var folder = new TempFolder();

        var uninterruptedNetwork = new TrainerIris(seed: 1);
        IOptimizer uninterruptedOptimizer = NewOptimizer(kind);
        TrainingHistory uninterrupted = NewTrainer(uninterruptedNetwork, uninterruptedOptimizer, epochs: 6).Fit(Training, Validation);

        var firstNetwork = new TrainerIris(seed: 1);
        var first = NewTrainer(firstNetwork, NewOptimizer(kind), epochs: 3);
        first.Checkpoints = new CheckpointOptions(folder.Path) { EveryEpochs = 3, SaveBest = false };
        first.Fit(Training, Validation);
        Assert.Equal(["epoch-0003.safetensors"], folder.Files());

        // A new process, in effect: another initialization, a fresh optimizer and trainer, no seed given.
        var network = new TrainerIris(seed: 12345);
        IOptimizer optimizer = NewOptimizer(kind);
        var progress = new ListProgress();
        TrainingHistory resumed = NewTrainer(network, optimizer, epochs: 6, seed: null)
            .Resume(folder["epoch-0003.safetensors"], Training, Validation, progress);

        AssertBitIdentical(uninterruptedNetwork.Parameters, network.Parameters);
        AssertSameHistory(uninterrupted.Epochs, resumed.Epochs);
        Assert.Equal([4, 5, 6], progress.Reports.Select(m => m.Epoch));
        Assert.Equal(uninterrupted.BestEpoch, resumed.BestEpoch);
        Assert.Equal(7, resumed.Seed);
        Assert.Equal(uninterruptedOptimizer.StepCount, optimizer.StepCount);
        Assert.Equal(uninterruptedOptimizer.LearningRate, optimizer.LearningRate); // the base rate, after the schedule

        // The optimizers' states agree too, so training on would stay identical.
        OptimizerState expectedState = uninterruptedOptimizer.ExportState(), actualState = optimizer.ExportState();
        Assert.Equal(expectedState.Buffers.Select(b => b.Name), actualState.Buffers.Select(b => b.Name));
        for (int i = 0; i < expectedState.Buffers.Count; i++)
        {
            AssertBitIdentical((float[])expectedState.Buffers[i].Values, (float[])actualState.Buffers[i].Values);
        }
    }

    [Fact]
    public void Resume_WithTwoThreadsAndRestoredBest_IsBitIdentical()
    {
        using var folder = new TempFolder();
        var stopping = () => new EarlyStopping(patience: 100, restoreBestParameters: true);

        var expectedNetwork = new TrainerIris(seed: 3);
        var uninterruptedTrainer = NewTrainer(expectedNetwork, new Adam(5e-2), epochs: 8, threads: 2);
        uninterruptedTrainer.EarlyStopping = stopping();
        TrainingHistory expected = uninterruptedTrainer.Fit(Training, Validation);

        var firstTrainer = NewTrainer(new TrainerIris(seed: 3), new Adam(5e-2), epochs: 8, threads: 2);
        firstTrainer.EarlyStopping = stopping();
        firstTrainer.Checkpoints = new CheckpointOptions(folder.Path) { EveryEpochs = 1, KeepLast = 0 };
        firstTrainer.Fit(Training, Validation);

        // Resume from every epoch: each gives the same end.
        for (int epoch = 1; epoch <= 8; epoch++)
        {
            var network = new TrainerIris(seed: 4);
            var trainer = NewTrainer(network, new Adam(5e-2), epochs: 8, threads: 2);
            trainer.EarlyStopping = stopping();
            TrainingHistory resumed = trainer.Resume(folder[CheckpointOptions.EpochFileName(epoch)], Training, Validation);

            AssertBitIdentical(expectedNetwork.Parameters, network.Parameters);
            AssertSameHistory(expected.Epochs, resumed.Epochs);
            Assert.Equal(expected.BestEpoch, resumed.BestEpoch);
            Assert.True(resumed.RestoredBestParameters);
        }
    }

    [Fact]
    public void Resume_OfARunThatStoppedEarly_StopsWhereItStopped()
    {
        using var folder = new TempFolder();
        // With a huge MinDelta only the first epoch improves, so patience 2 stops training after epoch 3.
        var stopping = () => new EarlyStopping(patience: 2, minDelta: 10, restoreBestParameters: true);

        var expectedNetwork = new TrainerIris(seed: 5);
        var trainer = NewTrainer(expectedNetwork, new Sgd(0.05, momentum: 0.9), epochs: 6);
        trainer.EarlyStopping = stopping();
        trainer.Checkpoints = new CheckpointOptions(folder.Path) { EveryEpochs = 1, KeepLast = 0 };
        TrainingHistory expected = trainer.Fit(Training, Validation);
        Assert.True(expected.StoppedEarly);
        Assert.Equal(3, expected.Epochs.Count);
        Assert.Equal(1, expected.BestEpoch);
        Assert.True(TrainingCheckpoint.Read(folder["epoch-0002.safetensors"]).HasBestParameters);

        foreach (int epoch in new[] { 2, 3 })
        {
            var network = new TrainerIris(seed: 6);
            var resumedTrainer = NewTrainer(network, new Sgd(0.05, momentum: 0.9), epochs: 6);
            resumedTrainer.EarlyStopping = stopping();
            var progress = new ListProgress();
            TrainingHistory resumed = resumedTrainer.Resume(folder[CheckpointOptions.EpochFileName(epoch)], Training, Validation, progress);

            Assert.True(resumed.StoppedEarly);
            Assert.Equal(3 - epoch, progress.Reports.Count);
            AssertSameHistory(expected.Epochs, resumed.Epochs);
            AssertBitIdentical(expectedNetwork.Parameters, network.Parameters); // epoch 1's, restored
        }
    }

    [Fact]
    public void Resume_OfADoubleNetwork_IsBitIdentical_AndAFloatCheckpointIsRejected()
    {
        using var folder = new TempFolder();
        TrainingData<double> data = SyntheticData.Blobs<double>(120, 3, seed: 2, spread: 1.5);
        Trainer<double> Make(INetwork<double> network, int epochs) =>
            new(network, new Adam(2e-2, amsgrad: true)) { Epochs = epochs, BatchSize = 10, Seed = 4, Threads = 1 };

        var expected = new LinearNetwork<double>(2, 3, Activation.Softmax, seed: 1);
        Make(expected, 5).Fit(data);

        var first = Make(new LinearNetwork<double>(2, 3, Activation.Softmax, seed: 1), 2);
        first.Checkpoints = new CheckpointOptions(folder.Path) { EveryEpochs = 2, SaveBest = false };
        first.Fit(data);
        string path = folder["epoch-0002.safetensors"];
        Assert.All(TrainingCheckpoint.Read(path).File.Tensors, t => Assert.Equal(SafeTensorsDType.F64, t.DType));

        var network = new LinearNetwork<double>(2, 3, Activation.Softmax, seed: 2);
        Make(network, 5).Resume(path, data);
        Assert.Equal(expected.Parameters.ToArray(), network.Parameters.ToArray());

        // The same topology in float: the parameters would convert, but the optimizer's moments are double.
        var single = new LinearNetwork<float>(2, 3, Activation.Softmax, seed: 2);
        float[] before = single.Parameters.ToArray();
        var optimizer = new Adam(2e-2, amsgrad: true);
        var floatTrainer = new Trainer<float>(single, optimizer) { Epochs = 5, BatchSize = 10, Seed = 4 };
        var e = Assert.Throws<WeightFileException>(() => floatTrainer.Resume(path, SyntheticData.Blobs<float>(120, 3, seed: 2, spread: 1.5)));
        Assert.Contains("Double values, but network Linear has 9 Single parameters", e.Message);
        Assert.Equal(before, single.Parameters.ToArray());
        Assert.Equal(0, optimizer.StepCount);
    }

    // ---- what a checkpoint holds ----

    [Fact]
    public void Checkpoint_RecordsTheRunAndLoadsAsAPlainWeightFile()
    {
        using var folder = new TempFolder();
        var network = new TrainerIris(seed: 1);
        var optimizer = new Adam(1e-2);
        var trainer = NewTrainer(network, optimizer, epochs: 2);
        trainer.Checkpoints = new CheckpointOptions(folder.Path) { EveryEpochs = 2, SaveBest = false };
        TrainingHistory history = trainer.Fit(Training, Validation);

        string path = folder["epoch-0002.safetensors"];
        TrainingCheckpoint checkpoint = TrainingCheckpoint.Read(path);
        Assert.Equal(2, checkpoint.Epoch);
        Assert.Equal(7, checkpoint.Seed);
        Assert.Equal("TrainerIris", checkpoint.NetworkName);
        Assert.Equal("Adam", checkpoint.Optimizer);
        Assert.Equal(optimizer.StepCount, checkpoint.OptimizerStepCount);
        Assert.Equal(1e-2, checkpoint.BaseLearningRate);
        Assert.Equal(history.Epochs[1].LearningRate, checkpoint.OptimizerLearningRate);
        Assert.Equal(16, checkpoint.BatchSize);
        Assert.Equal(Training.Count, checkpoint.TrainingSamples);
        Assert.Equal(history.BestEpoch, checkpoint.BestEpoch);
        Assert.Equal(history.Best!.ValidationLoss, checkpoint.BestLoss);
        Assert.False(checkpoint.HasBestParameters);
        AssertSameHistory(history.Epochs, checkpoint.History);
        Assert.Equal(history.Epochs.Select(m => m.Duration), checkpoint.History.Select(m => m.Duration));

        SafeTensorsFile file = checkpoint.File;
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "optimizer.exp_avg", "optimizer.exp_avg_sq"],
            file.Tensors.Select(t => t.Name));
        Assert.Equal([(long)TrainerIris.ParameterCount], file.Find("optimizer.exp_avg")!.Shape);
        AssertBitIdentical((float[])optimizer.ExportState().GetBuffer("exp_avg")!, file.Find("optimizer.exp_avg")!.ToArray<float>());
        OptimizerState state = checkpoint.GetOptimizerState();
        Assert.Equal(optimizer.StepCount, state.StepCount);
        Assert.Equal(typeof(float), state.ElementType);

        // Default options: the optimizer.* tensors are namespaced, so a generated network's Load takes the file as is.
        AssertBitIdentical(network.Parameters, TrainerIris.Load(path).Parameters);
        var other = new TrainerIris(seed: 9);
        WeightFile.Load(other, path, new WeightLoadOptions { RequireMatchingTopologyHash = true });
        AssertBitIdentical(network.Parameters, other.Parameters);
    }

    [Fact]
    public void ReservedTensorNames_AreStillUnexpectedInAPlainWeightFile()
    {
        var network = new TrainerIris(seed: 1);
        SafeTensorsFile file = WeightFile.ToSafeTensors(network);
        file.Tensors.Add(SafeTensorsTensor.Create<float>("optimizer.exp_avg", new float[3], [3], SafeTensorsDType.F32));
        var e = Assert.Throws<WeightFileException>(() => WeightFile.Load(new TrainerIris(seed: 2), file));
        Assert.Contains("unexpected tensor 'optimizer.exp_avg'", e.Message);
    }

    [Fact]
    public void BestCheckpoint_HoldsTheBestEpochsParameters()
    {
        using var folder = new TempFolder();
        var network = new TrainerIris(seed: 2);
        // A large rate makes the validation loss go up and down, so the best epoch is usually not the last.
        var trainer = NewTrainer(network, new Sgd(0.3, momentum: 0.9), epochs: 9);
        trainer.Schedule = null;
        trainer.EarlyStopping = new EarlyStopping(patience: 100, restoreBestParameters: true);
        trainer.Checkpoints = new CheckpointOptions(folder.Path) { EveryEpochs = 0, SaveBest = true };
        var bestSeen = new List<int>();
        TrainingHistory history = trainer.Fit(Training, Validation, new ListProgress(m =>
        {
            // The best checkpoint is written before the epoch is reported.
            if (File.Exists(folder["best.safetensors"]))
            {
                bestSeen.Add(TrainingCheckpoint.Read(folder["best.safetensors"]).Epoch);
            }
        }));

        Assert.Equal(["best.safetensors"], folder.Files());
        // (With these seeds the validation loss is lowest at epoch 8 of 9; the test needs only an earlier best epoch.)
        Assert.True(history.BestEpoch < 9, $"best epoch {history.BestEpoch}: validation losses {string.Join(", ", history.Epochs.Select(m => m.ValidationLoss))}");
        TrainingCheckpoint best = TrainingCheckpoint.Read(folder["best.safetensors"]);
        Assert.Equal(history.BestEpoch, best.Epoch);
        Assert.Equal(history.BestEpoch, best.BestEpoch);
        Assert.Equal(0, best.EpochsWithoutImprovement);
        Assert.Equal(history.Best!.ValidationLoss, best.BestLoss);
        Assert.Equal(9, bestSeen.Count);
        Assert.Equal(history.BestEpoch, bestSeen[^1]);
        Assert.True(history.RestoredBestParameters);
        AssertBitIdentical(network.Parameters, TrainerIris.Load(folder["best.safetensors"]).Parameters);
        Assert.Equal(history.Best.ValidationLoss!.Value, Trainer.Evaluate(TrainerIris.Load(folder["best.safetensors"]), Validation).Loss);
    }

    // ---- file management ----

    [Fact]
    public void EveryEpochsAndKeepLast_ManageTheFolder()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder["epoch-0001.safetensors"], "stale: older than this run's, so pruned");
        File.WriteAllText(folder["epoch-0010.safetensors"], "stale: of a later epoch, so left alone");
        File.WriteAllText(folder["notes.txt"], "not a checkpoint");

        var trainer = NewTrainer(new TrainerIris(seed: 1), new Adam(1e-2), epochs: 7);
        trainer.Checkpoints = new CheckpointOptions(folder.Path) { EveryEpochs = 2, KeepLast = 2, SaveBest = false };
        trainer.Fit(Training);

        Assert.Equal(["epoch-0004.safetensors", "epoch-0006.safetensors", "epoch-0010.safetensors", "notes.txt"], folder.Files());
        Assert.Equal(6, TrainingCheckpoint.Read(folder["epoch-0006.safetensors"]).Epoch);
        Assert.Equal(folder["epoch-0010.safetensors"], TrainingCheckpoint.FindLatest(folder.Path));
    }

    [Fact]
    public void KeepLastZero_KeepsEveryCheckpoint_AndTheFolderIsCreated()
    {
        using var folder = new TempFolder();
        string inner = Path.Combine(folder.Path, "run", "checkpoints");
        var trainer = NewTrainer(new TrainerIris(seed: 1), new Adam(1e-2), epochs: 5);
        trainer.Checkpoints = new CheckpointOptions(inner) { EveryEpochs = 2, KeepLast = 0 };
        trainer.Fit(Training, Validation);

        string[] files = Directory.GetFiles(inner).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(["best.safetensors", "epoch-0002.safetensors", "epoch-0004.safetensors"], files);
        Assert.Equal(Path.Combine(inner, "epoch-0004.safetensors"), TrainingCheckpoint.FindLatest(inner));
        Assert.Null(TrainingCheckpoint.FindLatest(Path.Combine(folder.Path, "missing")));
        Assert.Empty(Directory.GetFiles(inner, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Options_ValidateAndNameFiles()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointOptions("x") { EveryEpochs = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointOptions("x") { KeepLast = -1 });
        Assert.Throws<ArgumentException>(() => new CheckpointOptions(""));
        Assert.Equal("epoch-0005.safetensors", CheckpointOptions.EpochFileName(5));
        Assert.Equal("epoch-12345.safetensors", CheckpointOptions.EpochFileName(12345));
        Assert.Equal(12345, CheckpointOptions.ParseEpochFileName("epoch-12345.safetensors"));
        Assert.Equal(-1, CheckpointOptions.ParseEpochFileName("epoch-12a.safetensors"));
        Assert.Equal(-1, CheckpointOptions.ParseEpochFileName("epoch-.safetensors"));
        Assert.Equal(-1, CheckpointOptions.ParseEpochFileName("best.safetensors"));
    }

    [Fact]
    public void Checkpoints_NeedAnOptimizerThatExportsItsState()
    {
        using var folder = new TempFolder();
        var network = new TrainerIris(seed: 1);
        float[] before = network.Parameters.ToArray();
        var trainer = NewTrainer(network, new GradientDescent(0.1), epochs: 2);
        trainer.Checkpoints = new CheckpointOptions(folder.Path);
        Assert.Throws<NotSupportedException>(() => trainer.Fit(Training));
        AssertBitIdentical(before, network.Parameters);
    }

    // ---- cancellation ----

    [Fact]
    public void Cancellation_MidRun_LeavesTheLastCheckpointLoadableAndResumable()
    {
        using var folder = new TempFolder();
        var expectedNetwork = new TrainerIris(seed: 1);
        NewTrainer(expectedNetwork, new Adam(1e-2), epochs: 6).Fit(Training, Validation);

        using var cts = new CancellationTokenSource();
        var network = new TrainerIris(seed: 1);
        var trainer = NewTrainer(network, new Adam(1e-2), epochs: 6);
        trainer.Checkpoints = new CheckpointOptions(folder.Path) { EveryEpochs = 1, KeepLast = 1, SaveBest = false };
        // Cancel in the middle of epoch 4 (from inside a batch would need a fake network; a progress handler on a
        // timer would be flaky): epoch 3's report cancels, so epoch 4's first batch check throws.
        var progress = new ListProgress(m => { if (m.Epoch == 3) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(Training, Validation, progress, cts.Token));

        Assert.Equal(["epoch-0003.safetensors"], folder.Files());
        string latest = TrainingCheckpoint.FindLatest(folder.Path)!;
        Assert.Equal(3, TrainingCheckpoint.Read(latest).Epoch);
        TrainerIris.Load(latest);

        var resumedNetwork = new TrainerIris(seed: 2);
        NewTrainer(resumedNetwork, new Adam(1e-2), epochs: 6).Resume(latest, Training, Validation);
        AssertBitIdentical(expectedNetwork.Parameters, resumedNetwork.Parameters);
    }

    // ---- rejection: nothing changes ----

    private static string SaveCheckpoint(TempFolder folder, IOptimizer optimizer, int epochs = 2)
    {
        var trainer = NewTrainer(new TrainerIris(seed: 1), optimizer, epochs);
        trainer.Checkpoints = new CheckpointOptions(folder.Path) { EveryEpochs = epochs, SaveBest = false };
        trainer.Fit(Training, Validation);
        return folder[CheckpointOptions.EpochFileName(epochs)];
    }

    /// <summary>Resume must throw <typeparamref name="TException"/> and leave the network and the optimizer as they were.</summary>
    private static TException AssertRejected<TException>(string path, Func<INetwork<float>, IOptimizer, Trainer<float>> makeTrainer,
        INetwork<float>? network = null, IOptimizer? optimizer = null, TrainingData<float>? data = null)
        where TException : Exception
    {
        network ??= new TrainerIris(seed: 42);
        optimizer ??= new Adam(1e-2);
        float[] before = network.Parameters.ToArray();
        double rate = optimizer.LearningRate;
        Trainer<float> trainer = makeTrainer(network, optimizer);
        TException e = Assert.Throws<TException>(() => trainer.Resume(path, data ?? Training, Validation));
        AssertBitIdentical(before, network.Parameters);
        Assert.Equal(0, optimizer.StepCount);
        Assert.Equal(rate, optimizer.LearningRate);
        return e;
    }

    [Fact]
    public void CorruptCheckpoint_ThrowsWeightFileException_AndChangesNothing()
    {
        using var folder = new TempFolder();
        string path = SaveCheckpoint(folder, new Adam(1e-2));
        byte[] bytes = File.ReadAllBytes(path);
        Trainer<float> Make(INetwork<float> n, IOptimizer o) => NewTrainer(n, o, epochs: 6);

        // Truncated: the last tensor's data is cut short.
        string truncated = folder["truncated.safetensors"];
        File.WriteAllBytes(truncated, bytes.AsSpan(0, bytes.Length - 5).ToArray());
        AssertRejected<WeightFileException>(truncated, Make);

        // A byte of the JSON header overwritten.
        string garbled = folder["garbled.safetensors"];
        byte[] copy = (byte[])bytes.Clone();
        copy[12] = (byte)'#';
        File.WriteAllBytes(garbled, copy);
        AssertRejected<WeightFileException>(garbled, Make);

        // Valid safetensors, broken checkpoint metadata.
        foreach ((string key, string? value, string message) in new (string, string?, string)[]
        {
            ("staticnet.checkpoint.history", "[{\"epoch\": 1", "not a valid history"),
            ("staticnet.checkpoint.epoch", "three", "'staticnet.checkpoint.epoch' is 'three'"),
            ("staticnet.checkpoint.shuffle_state", "0000000000000000,0000000000000000,0000000000000000,0000000000000000", "not all zero"),
            ("staticnet.checkpoint.optimizer.step", null, "'staticnet.checkpoint.optimizer.step' is missing"),
            ("staticnet.checkpoint.format", "2", "training checkpoints of format '1'"),
            ("staticnet.checkpoint.epoch", "3", "has 2 epochs, but the checkpoint is of epoch 3"),
        })
        {
            SafeTensorsFile file = SafeTensorsFile.Read(path);
            if (value is null)
            {
                file.Metadata.Remove(key);
            }
            else
            {
                file.Metadata[key] = value;
            }
            string edited = folder["edited.safetensors"];
            file.Save(edited);
            var e = AssertRejected<WeightFileException>(edited, Make);
            Assert.Contains(message, e.Message);
        }

        // Not a checkpoint at all.
        string plain = folder["plain.safetensors"];
        new TrainerIris(seed: 1).Save(plain);
        Assert.Contains("not a training checkpoint", AssertRejected<WeightFileException>(plain, Make).Message);

        // An optimizer buffer of the wrong length.
        SafeTensorsFile shortBuffer = SafeTensorsFile.Read(path);
        int index = shortBuffer.Tensors.IndexOf(shortBuffer.Find("optimizer.exp_avg")!);
        shortBuffer.Tensors[index] = SafeTensorsTensor.Create<float>("optimizer.exp_avg", new float[5], [5], SafeTensorsDType.F32);
        shortBuffer.Save(folder["short.safetensors"]);
        AssertRejected<WeightFileException>(folder["short.safetensors"], Make);

        // The checkpoint itself is still fine.
        NewTrainer(new TrainerIris(seed: 42), new Adam(1e-2), epochs: 6).Resume(path, Training, Validation);
    }

    [Fact]
    public void MismatchedNetwork_ThrowsWeightFileException_AndChangesNothing()
    {
        using var folder = new TempFolder();
        string path = SaveCheckpoint(folder, new Adam(1e-2));

        // Another topology: shapes differ.
        var digits = new TrainerDigits(seed: 1);
        var data = TrainingData<float>.FromLabels(new float[64 * 4], [0, 1, 2, 3], 64);
        var e = Assert.Throws<WeightFileException>(() =>
            new Trainer<float>(digits, new Adam(1e-2)) { Epochs = 6, BatchSize = 16, Seed = 7 }.Resume(path, data));
        Assert.Contains("topology", e.Message);

        // Same shapes, another activation: the topology hash tells them apart (a plain Load would accept the file).
        SafeTensorsFile file = SafeTensorsFile.Read(path);
        file.Metadata[WeightFile.TopologyHashKey] = "0000000000000000";
        file.Save(folder["other-hash.safetensors"]);
        var hash = AssertRejected<WeightFileException>(folder["other-hash.safetensors"], (n, o) => NewTrainer(n, o, epochs: 6));
        Assert.Contains("staticnet.topology_hash", hash.Message);
    }

    [Fact]
    public void MismatchedOptimizerOrSettings_ThrowArgumentException_AndChangeNothing()
    {
        using var folder = new TempFolder();
        string adamPath = SaveCheckpoint(folder, new Adam(1e-2));

        var kind = AssertRejected<ArgumentException>(adamPath, (n, o) => NewTrainer(n, o, epochs: 6), optimizer: new Sgd(0.1, momentum: 0.9));
        Assert.Contains("trained with the Adam optimizer, but this trainer's optimizer is SGD", kind.Message);
        var adamW = AssertRejected<ArgumentException>(adamPath, (n, o) => NewTrainer(n, o, epochs: 6), optimizer: new AdamW(1e-2));
        Assert.Contains("AdamW", adamW.Message);
        var betas = AssertRejected<ArgumentException>(adamPath, (n, o) => NewTrainer(n, o, epochs: 6), optimizer: new Adam(1e-2, beta1: 0.8));
        Assert.Contains("beta1 = 0.9, but this optimizer has beta1 = 0.8", betas.Message);
        var amsgrad = AssertRejected<ArgumentException>(adamPath, (n, o) => NewTrainer(n, o, epochs: 6), optimizer: new Adam(1e-2, amsgrad: true));
        Assert.Contains("amsgrad", amsgrad.Message);

        using var sgdFolder = new TempFolder();
        string sgdPath = SaveCheckpoint(sgdFolder, new Sgd(0.05, momentum: 0.9));
        var momentum = AssertRejected<ArgumentException>(sgdPath, (n, o) => NewTrainer(n, o, epochs: 6), optimizer: new Sgd(0.05));
        Assert.Contains("momentum = 0.9, but this optimizer has momentum = 0", momentum.Message);

        Assert.Contains("batch size 16, but BatchSize is 8",
            AssertRejected<ArgumentException>(adamPath, (n, o) => { var t = NewTrainer(n, o, epochs: 6); t.BatchSize = 8; return t; }).Message);
        Assert.Contains("seed 7, but Seed is 8",
            AssertRejected<ArgumentException>(adamPath, (n, o) => NewTrainer(n, o, epochs: 6, seed: 8)).Message);
        Assert.Contains("Shuffle = True, but Shuffle is False",
            AssertRejected<ArgumentException>(adamPath, (n, o) => { var t = NewTrainer(n, o, epochs: 6); t.Shuffle = false; return t; }).Message);
        Assert.Contains("completed 2 epochs, more than Epochs (1)",
            AssertRejected<ArgumentException>(adamPath, (n, o) => NewTrainer(n, o, epochs: 1)).Message);
        var samples = AssertRejected<ArgumentException>(adamPath, (n, o) => NewTrainer(n, o, epochs: 6), data: Validation);
        Assert.Equal("data", samples.ParamName);

        // Best parameters wanted, but the run that wrote the checkpoint did not keep them. A huge MinDelta makes
        // epoch 1 the best for good, so epoch 2's checkpoint would need them.
        using var plainFolder = new TempFolder();
        var plainTrainer = NewTrainer(new TrainerIris(seed: 1), new Adam(1e-2), epochs: 2);
        plainTrainer.EarlyStopping = new EarlyStopping(patience: 10, minDelta: 10, restoreBestParameters: false);
        plainTrainer.Checkpoints = new CheckpointOptions(plainFolder.Path) { EveryEpochs = 2, SaveBest = false };
        plainTrainer.Fit(Training, Validation);
        TrainingCheckpoint withoutBest = TrainingCheckpoint.Read(plainFolder["epoch-0002.safetensors"]);
        Assert.Equal(1, withoutBest.BestEpoch);
        Assert.False(withoutBest.HasBestParameters);
        var restore = AssertRejected<ArgumentException>(plainFolder["epoch-0002.safetensors"], (n, o) =>
        {
            var t = NewTrainer(n, o, epochs: 6);
            t.EarlyStopping = new EarlyStopping(patience: 10, minDelta: 10);
            return t;
        });
        Assert.Contains("RestoreBestParameters", restore.Message);
    }

    [Fact]
    public void Resume_AtTheLastEpoch_TrainsNoMore()
    {
        using var folder = new TempFolder();
        string path = SaveCheckpoint(folder, new Adam(1e-2), epochs: 3);
        var network = new TrainerIris(seed: 9);
        var optimizer = new Adam(1e-2);
        var progress = new ListProgress();
        TrainingHistory history = NewTrainer(network, optimizer, epochs: 3).Resume(path, Training, Validation, progress);
        Assert.Empty(progress.Reports);
        Assert.Equal(3, history.Epochs.Count);
        Assert.Equal(TrainingCheckpoint.Read(path).OptimizerStepCount, optimizer.StepCount);
        AssertBitIdentical(TrainerIris.Load(path).Parameters, network.Parameters);
    }
}
