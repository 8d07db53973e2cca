using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Numerics;
using System.Threading;
using StaticNet.Optimizers;

namespace StaticNet;

/// <summary>
/// Trains an <see cref="INetwork{T}"/> with an <see cref="IOptimizer"/> on in-memory data: epochs of shuffled
/// mini-batches, the mean gradient of each batch (PyTorch's <c>reduction="mean"</c>), optional gradient clipping,
/// a learning-rate schedule, validation and early stopping.
/// </summary>
/// <remarks>
/// <para>
/// Each mini-batch is shared among up to <see cref="Threads"/> threads when it is enough work to pay for it;
/// partial gradients are summed in a fixed order, so the same data, <see cref="Seed"/> and <see cref="Threads"/>
/// give bit-identical parameters. A different thread count sums in a different order and may differ by
/// floating-point rounding.
/// </para>
/// <para>
/// With <see cref="Checkpoints"/> set, the trainer saves checkpoints (network, optimizer state, shuffle state, early
/// stopping state and history) that <see cref="Resume"/> continues from, bit-identically to an uninterrupted run.
/// </para>
/// <para>A trainer is not thread-safe: run one <see cref="Fit"/> at a time.</para>
/// </remarks>
/// <example>
/// <code>
/// var trainer = new Trainer&lt;float&gt;(network, new Adam(1e-3))
/// {
///     Epochs = 100, BatchSize = 32, Seed = 1,
///     Schedule = LearningRateSchedule.Cosine(100), ClipGradientNorm = 1.0,
///     EarlyStopping = new EarlyStopping(patience: 10),
/// };
/// var (training, validation) = TrainingData&lt;float&gt;.FromLabels(inputs, labels, 4).Split(0.2, seed: 1);
/// TrainingHistory history = trainer.Fit(training, validation, new SynchronousProgress&lt;EpochMetrics&gt;(Console.WriteLine));
/// </code>
/// </example>
/// <typeparam name="T">The network's precision.</typeparam>
public sealed class Trainer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Batches with fewer than this many (rows x parameters) run on one thread: a round of the worker threads
    /// costs about 5-8 µs (measured on 2 cores), which small networks and small batches cannot repay. With a
    /// stand-in network doing three vector passes over its parameters per sample, 2 threads took 0.94x the time
    /// of 1 at 19K, 0.76x at 32K and about 0.6x from 77K up.
    /// </summary>
    internal const long DefaultParallelThreshold = 1 << 15;

    private int _epochs = 10;
    private int _batchSize = 32;
    private int _threads = Environment.ProcessorCount;
    private double? _clipGradientNorm;

    /// <summary>Creates a trainer for <paramref name="network"/>.</summary>
    /// <exception cref="NotSupportedException">The network is not trainable (it has a step activation).</exception>
    public Trainer(INetwork<T> network, IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!network.IsTrainable)
        {
            throw new NotSupportedException(NotTrainableMessage(network));
        }

        Network = network;
        Optimizer = optimizer;
    }

    /// <summary>The network whose parameters are trained in place.</summary>
    public INetwork<T> Network { get; }

    /// <summary>The optimizer; its state carries over from one <see cref="Fit"/> to the next.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>Number of passes over the training data (at most, with <see cref="EarlyStopping"/>). Default 10.</summary>
    public int Epochs
    {
        get => _epochs;
        set => _epochs = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Epochs must be at least 1.");
    }

    /// <summary>
    /// Samples per mini-batch (the last batch of an epoch may be smaller). Default 32. Any value at or above the
    /// number of samples (<c>int.MaxValue</c>, say) trains on all of them as one batch.
    /// </summary>
    public int BatchSize
    {
        get => _batchSize;
        set => _batchSize = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The batch size must be at least 1.");
    }

    /// <summary>Seed of the shuffling; null (the default) draws one, reported as <see cref="TrainingHistory.Seed"/>.</summary>
    public int? Seed { get; set; }

    /// <summary>Whether each epoch visits the samples in a new random order (default), or in their order.</summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>
    /// Most threads one mini-batch is shared among; default <see cref="Environment.ProcessorCount"/>.
    /// Small batches of small networks run on one thread whatever this says. A batch is cut into at most 1024
    /// parts (so <c>int.MaxValue</c> means "as many as are worth it"), run by at most one thread per processor.
    /// </summary>
    public int Threads
    {
        get => _threads;
        set => _threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Threads must be at least 1.");
    }

    /// <summary>
    /// Sets the optimizer's learning rate at the start of each epoch from the rate it had when <see cref="Fit"/>
    /// started; <see cref="Fit"/> puts that base rate back when it returns. Null (the default) keeps it constant.
    /// </summary>
    public LearningRateSchedule? Schedule { get; set; }

    /// <summary>
    /// If set, each batch's mean gradient is scaled down to this Euclidean norm when above it, as
    /// <c>torch.nn.utils.clip_grad_norm_</c> (see <see cref="GradientClipping.ClipByGlobalNorm"/>).
    /// </summary>
    public double? ClipGradientNorm
    {
        get => _clipGradientNorm;
        set => _clipGradientNorm = value is null || (value > 0 && double.IsFinite(value.Value))
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The gradient norm limit must be finite and positive.");
    }

    /// <summary>Stops when the validation loss stops improving (needs validation data). Null: run all epochs.</summary>
    public EarlyStopping? EarlyStopping { get; set; }

    /// <summary>
    /// Whether <see cref="EpochMetrics.Accuracy"/> is measured on classification data (default true). It costs an
    /// extra forward pass per sample; turn it off to train faster.
    /// </summary>
    public bool MeasureTrainingAccuracy { get; set; } = true;

    /// <summary>Work (rows x parameters) below which a batch runs on one thread; tests lower it.</summary>
    internal long ParallelThreshold { get; set; } = DefaultParallelThreshold;

    /// <summary>
    /// Saves training checkpoints during <see cref="Fit"/> and <see cref="Resume"/> (periodic and/or best), from which
    /// <see cref="Resume"/> continues. Null (the default): none. The optimizer must support
    /// <see cref="IOptimizer.ExportState"/> (StaticNet's optimizers do).
    /// </summary>
    public CheckpointOptions? Checkpoints { get; set; }

    /// <summary>Trains the network on <paramref name="data"/>.</summary>
    /// <param name="data">Training samples.</param>
    /// <param name="validation">Held-out samples evaluated after each epoch (needed by <see cref="EarlyStopping"/>).</param>
    /// <param name="progress">Receives each epoch's metrics, on the training thread, as soon as the epoch ends (after its checkpoint is written). A <see cref="SynchronousProgress{T}"/> handles them there, in order; <see cref="Progress{T}"/> posts them to the thread pool (in a console application), where they may run out of order and after <see cref="Fit"/> returns.</param>
    /// <param name="cancellationToken">Checked before every batch; training then stops with
    /// <see cref="OperationCanceledException"/>, leaving the parameters as they are.</param>
    /// <returns>Every epoch's metrics, the best epoch and whether training stopped early.</returns>
    /// <exception cref="ArgumentException">The data does not fit the network, or early stopping lacks validation data.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="NotSupportedException"><see cref="Checkpoints"/> is set but the optimizer cannot export its state.</exception>
    /// <exception cref="UnauthorizedAccessException">A checkpoint could not be written because its folder may not be written; training stops there.</exception>
    /// <exception cref="IOException">A checkpoint could not be written for another reason (see <see cref="WeightFile.Save{T}(INetwork{T}, string)"/>); training stops there.</exception>
    public TrainingHistory Fit(
        TrainingData<T> data,
        TrainingData<T>? validation = null,
        IProgress<EpochMetrics>? progress = null,
        CancellationToken cancellationToken = default)
    {
        CheckArguments(data, validation);
        double baseRate = Optimizer.LearningRate;
        if (!(baseRate >= 0) || double.IsInfinity(baseRate))
        {
            throw new InvalidOperationException($"The optimizer's learning rate is {baseRate}; it must be finite and non-negative.");
        }
        CheckpointOptions? checkpoints = PrepareCheckpoints();
        cancellationToken.ThrowIfCancellationRequested();

        int seed = Seed ?? SeededRandom.NewSeed();
        return Run(data, validation, progress, checkpoints, cancellationToken, baseRate, seed, new SeededRandom(seed), resume: null);
    }

    /// <summary>
    /// Continues training from a checkpoint written by <see cref="Checkpoints"/>, until <see cref="Epochs"/> epochs in
    /// all (counting the checkpoint's), as if training had never stopped: with the same data, trainer settings,
    /// optimizer hyperparameters and <see cref="Threads"/>, the parameters end bit-identical to an uninterrupted run.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The network gets the checkpoint's parameters and the optimizer its state (moments, step count); the learning
    /// rate schedule continues from the checkpoint's base learning rate, which the optimizer keeps afterwards (as
    /// <c>load_state_dict</c> restores <c>lr</c>). Early stopping continues from the checkpoint's best loss, best
    /// epoch and count of epochs without improvement; if that count had already reached the patience, no epoch runs.
    /// The returned history holds every epoch, the checkpoint's included; <paramref name="progress"/> hears only of new ones.
    /// </para>
    /// <para>
    /// Everything is checked before anything changes: a checkpoint that is malformed or of another network topology or
    /// precision throws <see cref="WeightFileException"/>; one of another kind of optimizer, other optimizer
    /// hyperparameters, another batch size, seed, shuffle setting or number of training samples throws
    /// <see cref="ArgumentException"/>. The network and the optimizer are then untouched.
    /// <see cref="Seed"/> may be null (the checkpoint's is used). <see cref="Threads"/> is not checked: another
    /// thread count continues correctly but may differ by rounding.
    /// </para>
    /// </remarks>
    /// <param name="checkpointPath">A checkpoint file (for example <see cref="TrainingCheckpoint.FindLatest"/>).</param>
    /// <param name="data">The training samples of the interrupted run.</param>
    /// <param name="validation">The validation samples of the interrupted run, if any.</param>
    /// <param name="progress">Receives each new epoch's metrics.</param>
    /// <param name="cancellationToken">As for <see cref="Fit"/>.</param>
    /// <exception cref="WeightFileException">The checkpoint is malformed or does not fit the network.</exception>
    /// <exception cref="ArgumentException">The checkpoint does not fit the optimizer, the trainer's settings or the data.</exception>
    /// <exception cref="NotSupportedException">The optimizer cannot import a state (StaticNet's optimizers can).</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="UnauthorizedAccessException">A checkpoint could not be read or written because of the file system's permissions.</exception>
    /// <exception cref="IOException">The checkpoint cannot be read, or a new checkpoint could not be written; training stops there.</exception>
    public TrainingHistory Resume(
        string checkpointPath,
        TrainingData<T> data,
        TrainingData<T>? validation = null,
        IProgress<EpochMetrics>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        CheckArguments(data, validation);
        TrainingCheckpoint checkpoint = TrainingCheckpoint.Read(checkpointPath);
        (ResumePoint resume, T[] parameters, T[]? normalization, OptimizerState state) = PrepareResume(checkpoint, data, checkpointPath);
        CheckpointOptions? checkpoints = PrepareCheckpoints();
        cancellationToken.ThrowIfCancellationRequested();

        // ImportState validates before it changes anything; the parameters are copied only after it succeeded.
        Optimizer.ImportState(state);
        parameters.CopyTo(Network.Parameters);
        normalization?.CopyTo(Network.NormalizationParameters);
        return Run(data, validation, progress, checkpoints, cancellationToken, checkpoint.BaseLearningRate, checkpoint.Seed,
            SeededRandom.FromState(checkpoint.ShuffleState), resume);
    }

    /// <summary>Where a resumed run continues from.</summary>
    private sealed record ResumePoint(
        int CompletedEpochs, IReadOnlyList<EpochMetrics> History, double BestLoss, int BestEpoch, int EpochsWithoutImprovement, T[]? BestParameters);

    private (ResumePoint Resume, T[] Parameters, T[]? Normalization, OptimizerState State) PrepareResume(TrainingCheckpoint checkpoint, TrainingData<T> data, string checkpointPath)
    {
        string source = checkpoint.File.SourceName ?? checkpointPath;
        NetworkDescription description = Network.Description;
        var strict = new WeightLoadOptions { RequireMatchingTopologyHash = true };
        T[] parameters = WeightFile.ReadParameters<T>(description, checkpoint.File, strict, keyPrefix: "",
            Network.NormalizationParameters.Length, out T[]? normalization);

        OptimizerState state = checkpoint.GetOptimizerState();
        if (state.ElementType is not null && (state.ElementType != typeof(T) || state.Length != Network.ParameterCount))
        {
            throw new WeightFileException(source, null,
                $"the optimizer buffers hold {state.Length} {state.ElementType.Name} values, but network {description.Name} has {Network.ParameterCount} {typeof(T).Name} parameters.");
        }
        string kind = Optimizer.ExportState().Optimizer;
        if (checkpoint.Optimizer != kind)
        {
            throw new ArgumentException(
                $"Checkpoint '{source}' was trained with the {checkpoint.Optimizer} optimizer, but this trainer's optimizer is {kind}; resume with a {checkpoint.Optimizer} optimizer configured as before.",
                nameof(checkpointPath));
        }
        foreach (KeyValuePair<string, string> hyperparameter in TrainingCheckpoint.DescribeHyperparameters(Optimizer))
        {
            checkpoint.Hyperparameters.TryGetValue(hyperparameter.Key, out string? saved);
            if (saved != hyperparameter.Value)
            {
                throw new ArgumentException(
                    $"Checkpoint '{source}' was trained with {kind} {hyperparameter.Key} = {saved ?? "(not recorded)"}, but this optimizer has {hyperparameter.Key} = {hyperparameter.Value}; resume with the same hyperparameters (or load the parameters with WeightFile.Load and start a new Fit).",
                    nameof(checkpointPath));
            }
        }
        if (checkpoint.BatchSize != BatchSize)
        {
            throw new ArgumentException(
                $"Checkpoint '{source}' was trained with batch size {checkpoint.BatchSize}, but BatchSize is {BatchSize}.", nameof(checkpointPath));
        }
        if (Seed is int seed && seed != checkpoint.Seed)
        {
            throw new ArgumentException(
                $"Checkpoint '{source}' was trained with seed {checkpoint.Seed}, but Seed is {seed}; set it to {checkpoint.Seed} or null.", nameof(checkpointPath));
        }
        if (checkpoint.Shuffle != Shuffle)
        {
            throw new ArgumentException(
                $"Checkpoint '{source}' was trained with Shuffle = {checkpoint.Shuffle}, but Shuffle is {Shuffle}.", nameof(checkpointPath));
        }
        if (checkpoint.TrainingSamples != data.Count)
        {
            throw new ArgumentException(
                $"Checkpoint '{source}' was trained on {checkpoint.TrainingSamples} samples, but {nameof(data)} has {data.Count}; resume with the same training data.", nameof(data));
        }
        if (checkpoint.Epoch > Epochs)
        {
            throw new ArgumentException(
                $"Checkpoint '{source}' has completed {checkpoint.Epoch} epochs, more than Epochs ({Epochs}), the total to train to.", nameof(checkpointPath));
        }

        T[]? best = null;
        if (EarlyStopping is { RestoreBestParameters: true } && checkpoint.BestEpoch > 0)
        {
            if (checkpoint.BestEpoch == checkpoint.Epoch)
            {
                best = (T[])parameters.Clone();
            }
            else if (checkpoint.HasBestParameters)
            {
                best = WeightFile.ReadParameters<T>(description, checkpoint.File, strict, TrainingCheckpoint.BestTensorPrefix);
            }
            else
            {
                throw new ArgumentException(
                    $"Checkpoint '{source}' does not hold the parameters of its best epoch ({checkpoint.BestEpoch}), which EarlyStopping.RestoreBestParameters needs; it was written by a run that did not restore them.",
                    nameof(checkpointPath));
            }
        }

        var resume = new ResumePoint(checkpoint.Epoch, checkpoint.History, checkpoint.BestLoss, checkpoint.BestEpoch, checkpoint.EpochsWithoutImprovement, best);
        return (resume, parameters, normalization, state);
    }

    private void CheckArguments(TrainingData<T> data, TrainingData<T>? validation)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckFits(Network, data, nameof(data));
        if (validation is not null)
        {
            CheckFits(Network, validation, nameof(validation));
        }
        if (EarlyStopping is not null && validation is null)
        {
            throw new ArgumentException(
                "Early stopping monitors the validation loss, but no validation data was given; pass some (for example from TrainingData.Split) or set EarlyStopping to null.",
                nameof(validation));
        }
    }

    /// <summary>Checks that checkpoints can be written (the optimizer exports its state) and creates the folder.</summary>
    private CheckpointOptions? PrepareCheckpoints()
    {
        CheckpointOptions? checkpoints = Checkpoints;
        if (checkpoints is not null)
        {
            Optimizer.ExportState();
            Directory.CreateDirectory(checkpoints.Folder);
        }
        return checkpoints;
    }

    private TrainingHistory Run(
        TrainingData<T> data,
        TrainingData<T>? validation,
        IProgress<EpochMetrics>? progress,
        CheckpointOptions? checkpoints,
        CancellationToken cancellationToken,
        double baseRate,
        int seed,
        SeededRandom random,
        ResumePoint? resume)
    {
        EarlyStopping? earlyStopping = EarlyStopping;
        int epochCount = Epochs;
        int batchSize = BatchSize;
        int threads = Threads;
        LearningRateSchedule? schedule = Schedule;
        bool shuffle = Shuffle;
        int[] order = new int[data.Count];
        // Any batch size at or above the data count is one full batch; (count + batchSize - 1) would overflow.
        int batches = data.Count / batchSize + (data.Count % batchSize == 0 ? 0 : 1);
        bool measureAccuracy = MeasureTrainingAccuracy && data.IsClassification;
        double minDelta = earlyStopping?.MinDelta ?? 0;
        T[]? bestParameters = earlyStopping is { RestoreBestParameters: true } ? new T[Network.ParameterCount] : null;

        // Epochs may be int.MaxValue ("until early stopping"): do not reserve room for all of them.
        var history = new List<EpochMetrics>(Math.Min(epochCount, 1024));
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0;
        int epochsWithoutImprovement = 0;
        bool stoppedEarly = false;
        int firstEpoch = 1;
        int lastEpoch = epochCount;
        if (resume is not null)
        {
            history.AddRange(resume.History);
            bestLoss = resume.BestLoss;
            bestEpoch = resume.BestEpoch;
            epochsWithoutImprovement = resume.EpochsWithoutImprovement;
            resume.BestParameters?.CopyTo(bestParameters!, 0);
            firstEpoch = resume.CompletedEpochs + 1;
            if (earlyStopping is not null && epochsWithoutImprovement >= earlyStopping.Patience && resume.CompletedEpochs < epochCount)
            {
                // The interrupted run stopped here.
                stoppedEarly = true;
                lastEpoch = resume.CompletedEpochs;
            }
        }
        ulong[] shuffleState = new ulong[4];

        using var session = new TrainingSession<T>(Network, Optimizer, ClipGradientNorm, threads, ParallelThreshold);
        try
        {
            // Counted by completed epochs, so that Epochs = int.MaxValue never increments past int.MaxValue.
            for (int completed = firstEpoch - 1; completed < lastEpoch; completed++)
            {
                int epoch = completed + 1;
                long started = Stopwatch.GetTimestamp();
                double rate = schedule is null ? baseRate : schedule.GetLearningRate(baseRate, epoch - 1);
                if (!(rate >= 0) || double.IsInfinity(rate))
                {
                    throw new InvalidOperationException($"The learning-rate schedule {schedule} gave {rate} for epoch {epoch}; a rate must be finite and non-negative.");
                }
                Optimizer.LearningRate = rate;

                for (int i = 0; i < order.Length; i++)
                {
                    order[i] = i;
                }
                if (shuffle)
                {
                    random.Shuffle(order.AsSpan());
                }

                double lossSum = 0;
                long correct = 0;
                for (int batch = 0; batch < batches; batch++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int start = batch * batchSize;
                    int count = Math.Min(batchSize, data.Count - start);
                    (double batchLoss, long batchCorrect) =
                        session.TrainBatch(data, order, start, count, measureAccuracy, epoch, batch + 1, batches);
                    lossSum += batchLoss;
                    correct += batchCorrect;
                }

                Evaluation? validationResult = null;
                if (validation is not null)
                {
                    validationResult = session.Evaluate(validation, cancellationToken);
                }

                var metrics = new EpochMetrics(
                    epoch,
                    lossSum / data.Count,
                    measureAccuracy ? (double)correct / data.Count : null,
                    validationResult?.Loss,
                    validationResult?.Accuracy,
                    rate,
                    Stopwatch.GetElapsedTime(started));
                history.Add(metrics);

                double monitored = validationResult?.Loss ?? metrics.Loss;
                bool improved = monitored < bestLoss - minDelta;
                if (improved)
                {
                    bestLoss = monitored;
                    bestEpoch = epoch;
                    epochsWithoutImprovement = 0;
                    if (bestParameters is not null)
                    {
                        Network.Parameters.CopyTo(bestParameters);
                    }
                }
                else
                {
                    epochsWithoutImprovement++;
                }

                if (checkpoints is not null)
                {
                    bool periodic = checkpoints.EveryEpochs > 0 && epoch % checkpoints.EveryEpochs == 0;
                    bool best = checkpoints.SaveBest && improved;
                    if (periodic || best)
                    {
                        random.GetState(shuffleState);
                        var point = new TrainingCheckpoint.Progress(
                            epoch, seed, shuffle, shuffleState, batchSize, data.Count, threads, baseRate,
                            bestLoss, bestEpoch, epochsWithoutImprovement, history);
                        SaveCheckpoint(checkpoints, point, bestParameters, periodic, best);
                    }
                }

                progress?.Report(metrics);

                if (earlyStopping is not null && epochsWithoutImprovement >= earlyStopping.Patience && epoch < epochCount)
                {
                    stoppedEarly = true;
                    break;
                }
            }
        }
        finally
        {
            Optimizer.LearningRate = baseRate;
        }

        bool restored = false;
        if (bestParameters is not null && bestEpoch > 0)
        {
            bestParameters.CopyTo(Network.Parameters);
            restored = true;
        }

        return new TrainingHistory(history.AsReadOnly(), bestEpoch, stoppedEarly, restored, seed);
    }

    private void SaveCheckpoint(CheckpointOptions checkpoints, in TrainingCheckpoint.Progress point, T[]? bestParameters, bool periodic, bool best)
    {
        SafeTensorsFile file = TrainingCheckpoint.Create(Network, Optimizer, point, bestParameters);
        if (periodic)
        {
            file.Save(checkpoints.GetEpochPath(point.Epoch));
            if (checkpoints.KeepLast > 0)
            {
                PruneCheckpoints(checkpoints.Folder, point.Epoch, checkpoints.KeepLast);
            }
        }
        if (best)
        {
            file.Save(checkpoints.BestPath);
        }
    }

    /// <summary>Deletes the periodic checkpoints of epochs up to <paramref name="epoch"/> but the last <paramref name="keep"/> (best effort).</summary>
    private static void PruneCheckpoints(string folder, int epoch, int keep)
    {
        var found = new List<(int Epoch, string Path)>();
        foreach (string path in Directory.EnumerateFiles(folder, "epoch-*.safetensors"))
        {
            int number = CheckpointOptions.ParseEpochFileName(System.IO.Path.GetFileName(path));
            if (number >= 0 && number <= epoch)
            {
                found.Add((number, path));
            }
        }
        if (found.Count <= keep)
        {
            return;
        }
        found.Sort((a, b) => b.Epoch.CompareTo(a.Epoch));
        for (int i = keep; i < found.Count; i++)
        {
            try
            {
                File.Delete(found[i].Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: an old checkpoint that cannot be deleted (say, open elsewhere) must not stop training.
            }
        }
    }

    /// <summary>Mean loss and accuracy of the network on <paramref name="data"/>, using up to <see cref="Threads"/> threads.</summary>
    public Evaluation Evaluate(TrainingData<T> data, CancellationToken cancellationToken = default) =>
        Trainer.Evaluate(Network, data, Threads, cancellationToken);

    internal static void CheckFits(IPredictor<T> network, TrainingData<T> data, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(data, parameterName);
        string name = network.Description.Name;
        if (data.InputSize != network.InputSize)
        {
            throw new ArgumentException(
                $"The {parameterName} rows have {data.InputSize} inputs, but network {name} takes {network.InputSize}.",
                parameterName);
        }

        if (data.HasLabels)
        {
            int classes = network.OutputSize == 1 ? 2 : network.OutputSize;
            ReadOnlySpan<int> labels = data.Labels;
            for (int row = 0; row < labels.Length; row++)
            {
                if (labels[row] >= classes)
                {
                    throw new ArgumentException(
                        $"The label of {parameterName} row {row} is {labels[row]}, but network {name} has {network.OutputSize} output{(network.OutputSize == 1 ? "" : "s")}, so labels must be in [0, {classes}).",
                        parameterName);
                }
            }
        }
        else if (data.TargetSize != network.OutputSize)
        {
            throw new ArgumentException(
                $"The {parameterName} targets have {data.TargetSize} values per row, but network {name} has {network.OutputSize} outputs.",
                parameterName);
        }
    }

    private static string NotTrainableMessage(INetwork<T> network)
    {
        NetworkDescription description = network.Description;
        foreach (LayerDescription layer in description.Layers)
        {
            if (layer.Activation == Activation.Step)
            {
                return $"Network {description.Name} cannot be trained: layer {layer.Index} uses the step activation, whose gradient is zero almost everywhere. " +
                       "Train a copy of the spec with sigmoid instead and copy its parameters (the layout is the same).";
            }
        }
        return $"Network {description.Name} cannot be trained (IsTrainable is false).";
    }
}

/// <summary>Helpers of <see cref="Trainer{T}"/> that need no trainer.</summary>
public static class Trainer
{
    /// <summary>
    /// Mean per-sample loss (as the network's <c>AccumulateGradient</c> defines it) and accuracy of
    /// <paramref name="network"/> on <paramref name="data"/>. The network's parameters are not changed.
    /// </summary>
    /// <param name="network">The network; if it is not trainable, the loss is NaN and only accuracy is measured.</param>
    /// <param name="data">Samples that fit the network.</param>
    /// <param name="threads">Most threads to share the work among (large data and networks only).</param>
    /// <param name="cancellationToken">Checked every <c>1024</c> samples.</param>
    /// <exception cref="ArgumentException">The data does not fit the network.</exception>
    public static Evaluation Evaluate<T>(INetwork<T> network, TrainingData<T> data, int threads = 1, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        Trainer<T>.CheckFits(network, data, nameof(data));
        if (threads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "Threads must be at least 1.");
        }

        using var session = new TrainingSession<T>(network, null, null, threads, Trainer<T>.DefaultParallelThreshold);
        return session.Evaluate(data, cancellationToken);
    }
}
