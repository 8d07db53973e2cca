using System;
using System.Buffers;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Text;
using System.Text.Json;
using StaticNet.Optimizers;

namespace StaticNet;

/// <summary>
/// A training checkpoint as written by <see cref="Trainer{T}"/> (see <see cref="CheckpointOptions"/>), read back for
/// inspection; <see cref="Trainer{T}.Resume"/> continues training from one.
/// </summary>
/// <remarks>
/// <para>A checkpoint is one safetensors file:</para>
/// <list type="bullet">
/// <item>the network's parameters at the end of epoch <see cref="Epoch"/>, under the keys and metadata of a plain weight
/// file, so <see cref="WeightFile.Load{T}(INetwork{T}, string, WeightLoadOptions?)"/> (and a generated network's
/// <c>Load</c>) read a checkpoint as they read a weight file: the extra tensors live under the reserved prefixes
/// <c>optimizer.</c> and <c>best.</c>, which a file marked as a checkpoint may carry. (PyTorch's
/// <c>load_state_dict</c> needs <c>strict=False</c> or a filter on those prefixes.)</item>
/// <item><c>optimizer.&lt;buffer&gt;</c>: the optimizer's per-parameter buffers (<c>optimizer.exp_avg</c>,
/// <c>optimizer.exp_avg_sq</c>, <c>optimizer.max_exp_avg_sq</c>, <c>optimizer.momentum_buffer</c>), 1-D, in the
/// network's precision.</item>
/// <item><c>best.&lt;key&gt;</c>: the parameters of the best epoch so far, when early stopping restores them and the best
/// epoch is an earlier one (otherwise they are the checkpoint's own parameters).</item>
/// <item>metadata <c>staticnet.checkpoint.*</c>: format version, completed epochs, seed and shuffle generator state,
/// batch size, sample count, base learning rate, optimizer kind, step count, learning rate and hyperparameters,
/// early-stopping state (best loss, best epoch, epochs without improvement) and the metrics of every epoch so far
/// (<c>staticnet.checkpoint.history</c>, a JSON array). Numbers are written so that they read back bit-exactly.</item>
/// </list>
/// </remarks>
public sealed class TrainingCheckpoint
{
    internal const string FormatVersion = "1";
    internal const string Prefix = "staticnet.checkpoint.";
    internal const string FormatKey = Prefix + "format";
    internal const string EpochKey = Prefix + "epoch";
    internal const string SeedKey = Prefix + "seed";
    internal const string ShuffleKey = Prefix + "shuffle";
    internal const string ShuffleStateKey = Prefix + "shuffle_state";
    internal const string BatchSizeKey = Prefix + "batch_size";
    internal const string SamplesKey = Prefix + "training_samples";
    internal const string ThreadsKey = Prefix + "threads";
    internal const string BaseLearningRateKey = Prefix + "base_learning_rate";
    internal const string BestLossKey = Prefix + "best_loss";
    internal const string BestEpochKey = Prefix + "best_epoch";
    internal const string EpochsWithoutImprovementKey = Prefix + "epochs_without_improvement";
    internal const string HistoryKey = Prefix + "history";
    internal const string BestParametersKey = Prefix + "best_parameters";
    internal const string OptimizerKey = Prefix + "optimizer";
    internal const string OptimizerStepKey = Prefix + "optimizer.step";
    internal const string OptimizerLearningRateKey = Prefix + "optimizer.learning_rate";
    internal const string HyperparameterPrefix = Prefix + "optimizer.hp.";

    /// <summary>Prefix of the optimizer buffers' tensor names.</summary>
    public const string OptimizerTensorPrefix = "optimizer.";

    /// <summary>Prefix of the best parameters' tensor names.</summary>
    public const string BestTensorPrefix = "best.";

    private readonly ulong[] _shuffleState;
    private readonly Dictionary<string, string> _hyperparameters;

    private TrainingCheckpoint(SafeTensorsFile file)
    {
        File = file;
        string source = file.SourceName ?? "<memory>";
        IDictionary<string, string> metadata = file.Metadata;
        if (!metadata.TryGetValue(FormatKey, out string? format))
        {
            throw new WeightFileException(source, null,
                $"this is a weight file, not a training checkpoint (metadata '{FormatKey}' is missing).");
        }
        if (format != FormatVersion)
        {
            throw new WeightFileException(source, null,
                $"metadata '{FormatKey}' is '{format}'; this version of StaticNet reads training checkpoints of format '{FormatVersion}'.");
        }

        metadata.TryGetValue(WeightFile.NetworkNameKey, out string? name);
        NetworkName = name;
        Epoch = ReadInt(source, metadata, EpochKey, 1);
        Seed = ReadInt(source, metadata, SeedKey, int.MinValue);
        Shuffle = Read(source, metadata, ShuffleKey) switch
        {
            "true" => true,
            "false" => false,
            string other => throw Bad(source, ShuffleKey, other, "'true' or 'false'"),
        };
        _shuffleState = ReadShuffleState(source, metadata);
        BatchSize = ReadInt(source, metadata, BatchSizeKey, 1);
        TrainingSamples = ReadInt(source, metadata, SamplesKey, 1);
        Threads = ReadInt(source, metadata, ThreadsKey, 1);
        BaseLearningRate = ReadDouble(source, metadata, BaseLearningRateKey);
        if (!(BaseLearningRate >= 0) || double.IsInfinity(BaseLearningRate))
        {
            throw Bad(source, BaseLearningRateKey, metadata[BaseLearningRateKey], "a finite non-negative number");
        }
        Optimizer = Read(source, metadata, OptimizerKey);
        OptimizerStepCount = ReadLong(source, metadata, OptimizerStepKey);
        OptimizerLearningRate = ReadDouble(source, metadata, OptimizerLearningRateKey);
        if (!(OptimizerLearningRate >= 0))
        {
            throw Bad(source, OptimizerLearningRateKey, metadata[OptimizerLearningRateKey], "a non-negative number");
        }
        _hyperparameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> entry in metadata)
        {
            if (entry.Key.StartsWith(HyperparameterPrefix, StringComparison.Ordinal))
            {
                _hyperparameters.Add(entry.Key.Substring(HyperparameterPrefix.Length), entry.Value);
            }
        }
        BestLoss = ReadDouble(source, metadata, BestLossKey);
        BestEpoch = ReadInt(source, metadata, BestEpochKey, 0);
        EpochsWithoutImprovement = ReadInt(source, metadata, EpochsWithoutImprovementKey, 0);
        if (BestEpoch > Epoch || EpochsWithoutImprovement > Epoch)
        {
            throw new WeightFileException(source, null,
                $"the checkpoint is of epoch {Epoch}, but its best epoch is {BestEpoch} and it counts {EpochsWithoutImprovement} epochs without improvement.");
        }
        History = ReadHistory(source, Read(source, metadata, HistoryKey), Epoch);
        HasBestParameters = Read(source, metadata, BestParametersKey) switch
        {
            "true" => true,
            "false" => false,
            string other => throw Bad(source, BestParametersKey, other, "'true' or 'false'"),
        };
    }

    /// <summary>The file as read.</summary>
    public SafeTensorsFile File { get; }

    /// <summary>Name of the network the checkpoint was saved from, or null if the file does not say.</summary>
    public string? NetworkName { get; }

    /// <summary>Number of epochs completed when the checkpoint was written (its parameters are those after this epoch).</summary>
    public int Epoch { get; }

    /// <summary>The training run's shuffling seed.</summary>
    public int Seed { get; }

    /// <summary>Whether the run shuffled the samples each epoch.</summary>
    public bool Shuffle { get; }

    /// <summary>The run's mini-batch size.</summary>
    public int BatchSize { get; }

    /// <summary>Number of training samples of the run.</summary>
    public int TrainingSamples { get; }

    /// <summary>The trainer's <see cref="Trainer{T}.Threads"/> setting; resuming with the same value gives bit-identical results.</summary>
    public int Threads { get; }

    /// <summary>The learning rate the run started from (schedules scale it per epoch).</summary>
    public double BaseLearningRate { get; }

    /// <summary>Kind of optimizer: <c>SGD</c>, <c>Adam</c> or <c>AdamW</c> (see <see cref="OptimizerState.Optimizer"/>).</summary>
    public string Optimizer { get; }

    /// <summary>Optimizer steps taken.</summary>
    public long OptimizerStepCount { get; }

    /// <summary>The optimizer's learning rate during the checkpoint's epoch.</summary>
    public double OptimizerLearningRate { get; }

    /// <summary>Lowest monitored loss so far (positive infinity if none was finite).</summary>
    public double BestLoss { get; }

    /// <summary>Epoch of <see cref="BestLoss"/>, 0 if none.</summary>
    public int BestEpoch { get; }

    /// <summary>Epochs in a row, up to <see cref="Epoch"/>, that did not improve on the best.</summary>
    public int EpochsWithoutImprovement { get; }

    /// <summary>
    /// Whether the file holds the best epoch's parameters as <c>best.*</c> tensors: written when the run's early stopping
    /// restores the best parameters and the best epoch is an earlier one (when it is this one, they are the file's own).
    /// </summary>
    public bool HasBestParameters { get; }

    /// <summary>Metrics of epochs 1 to <see cref="Epoch"/>.</summary>
    public IReadOnlyList<EpochMetrics> History { get; }

    /// <summary>The optimizer's hyperparameters as text, by <c>torch.optim</c> name (<c>momentum</c>, <c>betas</c>...).</summary>
    internal IReadOnlyDictionary<string, string> Hyperparameters => _hyperparameters;

    internal ReadOnlySpan<ulong> ShuffleState => _shuffleState;

    /// <summary>Reads the checkpoint at <paramref name="path"/>.</summary>
    /// <exception cref="WeightFileException">The file is malformed or not a training checkpoint.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static TrainingCheckpoint Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FromFile(SafeTensorsFile.Read(path));
    }

    /// <summary>Interprets a safetensors file already in memory as a checkpoint.</summary>
    /// <exception cref="WeightFileException">The file is not a valid training checkpoint.</exception>
    public static TrainingCheckpoint FromFile(SafeTensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return new TrainingCheckpoint(file);
    }

    /// <summary>
    /// Path of the periodic checkpoint (<c>epoch-NNNN.safetensors</c>) with the highest epoch in <paramref name="folder"/>,
    /// or null if there is none (or no such folder).
    /// </summary>
    public static string? FindLatest(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            return null;
        }
        string? latest = null;
        int latestEpoch = -1;
        foreach (string path in Directory.EnumerateFiles(folder, "epoch-*.safetensors"))
        {
            int epoch = CheckpointOptions.ParseEpochFileName(Path.GetFileName(path));
            if (epoch > latestEpoch)
            {
                latestEpoch = epoch;
                latest = path;
            }
        }
        return latest;
    }

    /// <summary>
    /// The optimizer's state (buffers decoded, in the precision they were saved in), for
    /// <see cref="IOptimizer.ImportState"/>.
    /// </summary>
    /// <exception cref="WeightFileException">An <c>optimizer.*</c> tensor is not a 1-D F32 or F64 tensor, or they disagree.</exception>
    public OptimizerState GetOptimizerState()
    {
        string source = File.SourceName ?? "<memory>";
        var buffers = new List<OptimizerBuffer>();
        foreach (SafeTensorsTensor tensor in File.Tensors)
        {
            if (!tensor.Name.StartsWith(OptimizerTensorPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            if (tensor.Shape.Count != 1 || tensor.DType is not (SafeTensorsDType.F32 or SafeTensorsDType.F64))
            {
                throw new WeightFileException(source, tensor.Name,
                    $"optimizer buffer '{tensor.Name}' is {tensor.DType.ToHeaderName()} {tensor.ShapeText}; expected a 1-D F32 or F64 tensor.");
            }
            Array values = tensor.DType == SafeTensorsDType.F32 ? tensor.ToArray<float>() : tensor.ToArray<double>();
            buffers.Add(new OptimizerBuffer(tensor.Name.Substring(OptimizerTensorPrefix.Length), values));
        }
        try
        {
            return new OptimizerState(Optimizer, OptimizerStepCount, OptimizerLearningRate, buffers);
        }
        catch (ArgumentException e)
        {
            throw new WeightFileException(source, null, $"the optimizer state is inconsistent: {e.Message}", e);
        }
    }

    // ---- writing ----

    /// <summary>Everything a checkpoint records besides the network and the optimizer.</summary>
    internal readonly record struct Progress(
        int Epoch,
        int Seed,
        bool Shuffle,
        ulong[] ShuffleState,
        int BatchSize,
        int TrainingSamples,
        int Threads,
        double BaseLearningRate,
        double BestLoss,
        int BestEpoch,
        int EpochsWithoutImprovement,
        List<EpochMetrics> History);

    /// <summary>
    /// The checkpoint file of <paramref name="network"/> and <paramref name="optimizer"/> now; <paramref name="bestParameters"/>
    /// is stored as <c>best.*</c> when given and the best epoch is an earlier one.
    /// </summary>
    internal static SafeTensorsFile Create<T>(INetwork<T> network, IOptimizer optimizer, in Progress progress, T[]? bestParameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        SafeTensorsFile file = WeightFile.ToSafeTensors(network);
        OptimizerState state = optimizer.ExportState();
        foreach (OptimizerBuffer buffer in state.Buffers)
        {
            file.Tensors.Add(buffer.Values switch
            {
                float[] values => SafeTensorsTensor.Create<float>(OptimizerTensorPrefix + buffer.Name, values, [values.Length], SafeTensorsDType.F32),
                double[] values => SafeTensorsTensor.Create<double>(OptimizerTensorPrefix + buffer.Name, values, [values.Length], SafeTensorsDType.F64),
                _ => throw new InvalidOperationException($"Optimizer buffer '{buffer.Name}' is a {buffer.Values.GetType().Name}."),
            });
        }
        bool storeBest = bestParameters is not null && progress.BestEpoch > 0 && progress.BestEpoch < progress.Epoch;
        if (storeBest)
        {
            WeightFile.AddTensors<T>(file, network.Description, bestParameters, BestTensorPrefix);
        }

        IDictionary<string, string> metadata = file.Metadata;
        metadata[FormatKey] = FormatVersion;
        metadata[EpochKey] = Text(progress.Epoch);
        metadata[SeedKey] = Text(progress.Seed);
        metadata[ShuffleKey] = progress.Shuffle ? "true" : "false";
        metadata[ShuffleStateKey] = string.Join(",", Array.ConvertAll(progress.ShuffleState, word => word.ToString("x16", CultureInfo.InvariantCulture)));
        metadata[BatchSizeKey] = Text(progress.BatchSize);
        metadata[SamplesKey] = Text(progress.TrainingSamples);
        metadata[ThreadsKey] = Text(progress.Threads);
        metadata[BaseLearningRateKey] = Text(progress.BaseLearningRate);
        metadata[OptimizerKey] = state.Optimizer;
        metadata[OptimizerStepKey] = state.StepCount.ToString(CultureInfo.InvariantCulture);
        metadata[OptimizerLearningRateKey] = Text(state.LearningRate);
        foreach (KeyValuePair<string, string> entry in DescribeHyperparameters(optimizer))
        {
            metadata[HyperparameterPrefix + entry.Key] = entry.Value;
        }
        metadata[BestLossKey] = Text(progress.BestLoss);
        metadata[BestEpochKey] = Text(progress.BestEpoch);
        metadata[EpochsWithoutImprovementKey] = Text(progress.EpochsWithoutImprovement);
        metadata[BestParametersKey] = storeBest ? "true" : "false";
        metadata[HistoryKey] = WriteHistory(progress.History);
        return file;
    }

    /// <summary>Whether the file's metadata marks it as a training checkpoint.</summary>
    internal static bool IsCheckpoint(SafeTensorsFile file) => file.Metadata.ContainsKey(FormatKey);

    /// <summary>Whether a checkpoint may carry the tensor <paramref name="name"/> besides the network's.</summary>
    internal static bool IsReservedTensorName(string name) =>
        name.StartsWith(OptimizerTensorPrefix, StringComparison.Ordinal) || name.StartsWith(BestTensorPrefix, StringComparison.Ordinal);

    /// <summary>
    /// The hyperparameters (besides the learning rate) that must match for a resumed run to continue exactly, by
    /// <c>torch.optim</c> name; empty for optimizers StaticNet does not know.
    /// </summary>
    internal static Dictionary<string, string> DescribeHyperparameters(IOptimizer optimizer)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (optimizer)
        {
            case Sgd sgd:
                result["momentum"] = Text(sgd.Momentum);
                result["dampening"] = Text(sgd.Dampening);
                result["nesterov"] = sgd.Nesterov ? "true" : "false";
                result["weight_decay"] = Text(sgd.WeightDecay);
                break;
            case Adam adam:
                AddAdam(result, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay, adam.Amsgrad);
                break;
            case AdamW adamW:
                AddAdam(result, adamW.Beta1, adamW.Beta2, adamW.Epsilon, adamW.WeightDecay, adamW.Amsgrad);
                break;
        }
        return result;

        static void AddAdam(Dictionary<string, string> result, double beta1, double beta2, double epsilon, double weightDecay, bool amsgrad)
        {
            result["beta1"] = Text(beta1);
            result["beta2"] = Text(beta2);
            result["eps"] = Text(epsilon);
            result["weight_decay"] = Text(weightDecay);
            result["amsgrad"] = amsgrad ? "true" : "false";
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Shortest text that parses back to the same double ("R"); infinities as <c>Infinity</c>/<c>-Infinity</c>.</summary>
    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    // ---- reading helpers ----

    private static WeightFileException Bad(string source, string key, string value, string expected) =>
        new(source, null, $"checkpoint metadata '{key}' is '{Shorten(value)}'; expected {expected}.");

    private static string Shorten(string value) => value.Length <= 80 ? value : string.Concat(value.AsSpan(0, 77), "...");

    private static string Read(string source, IDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out string? value)
            ? value
            : throw new WeightFileException(source, null, $"checkpoint metadata '{key}' is missing.");

    private static int ReadInt(string source, IDictionary<string, string> metadata, string key, int minimum)
    {
        string text = Read(source, metadata, key);
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= minimum
            ? value
            : throw Bad(source, key, text, minimum == int.MinValue ? "an integer" : $"an integer of at least {minimum}");
    }

    private static long ReadLong(string source, IDictionary<string, string> metadata, string key)
    {
        string text = Read(source, metadata, key);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw Bad(source, key, text, "a non-negative integer");
    }

    private static double ReadDouble(string source, IDictionary<string, string> metadata, string key)
    {
        string text = Read(source, metadata, key);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw Bad(source, key, text, "a number");
    }

    private static ulong[] ReadShuffleState(string source, IDictionary<string, string> metadata)
    {
        string text = Read(source, metadata, ShuffleStateKey);
        string[] words = text.Split(',');
        var state = new ulong[4];
        bool valid = words.Length == 4;
        for (int i = 0; valid && i < 4; i++)
        {
            valid = words[i].Length == 16 && ulong.TryParse(words[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out state[i]);
        }
        if (!valid || (state[0] | state[1] | state[2] | state[3]) == 0)
        {
            throw Bad(source, ShuffleStateKey, text, "four comma-separated 16-digit hexadecimal words, not all zero");
        }
        return state;
    }

    private static string WriteHistory(List<EpochMetrics> history)
    {
        var buffer = new ArrayBufferWriter<byte>(128 * (history.Count + 1));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (EpochMetrics metrics in history)
            {
                writer.WriteStartObject();
                writer.WriteNumber("epoch", metrics.Epoch);
                WriteNumber(writer, "loss", metrics.Loss);
                WriteNumber(writer, "accuracy", metrics.Accuracy);
                WriteNumber(writer, "val_loss", metrics.ValidationLoss);
                WriteNumber(writer, "val_accuracy", metrics.ValidationAccuracy);
                WriteNumber(writer, "lr", metrics.LearningRate);
                writer.WriteNumber("duration_ticks", metrics.Duration.Ticks);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Finite numbers as JSON numbers (System.Text.Json writes the shortest round-trip form), others as strings.</summary>
    private static void WriteNumber(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is not double number)
        {
            writer.WriteNull(name);
        }
        else if (double.IsFinite(number))
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteString(name, Text(number));
        }
    }

    private static ReadOnlyCollection<EpochMetrics> ReadHistory(string source, string json, int epochs)
    {
        var history = new List<EpochMetrics>(epochs);
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("the history is not a JSON array");
            }
            foreach (JsonElement entry in document.RootElement.EnumerateArray())
            {
                int epoch = entry.GetProperty("epoch").GetInt32();
                if (epoch != history.Count + 1)
                {
                    throw new FormatException($"entry {history.Count} is of epoch {epoch}, expected {history.Count + 1}");
                }
                history.Add(new EpochMetrics(
                    epoch,
                    Number(entry, "loss") ?? throw new FormatException($"epoch {epoch} has no loss"),
                    Number(entry, "accuracy"),
                    Number(entry, "val_loss"),
                    Number(entry, "val_accuracy"),
                    Number(entry, "lr") ?? throw new FormatException($"epoch {epoch} has no learning rate"),
                    TimeSpan.FromTicks(entry.GetProperty("duration_ticks").GetInt64())));
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new WeightFileException(source, null, $"checkpoint metadata '{HistoryKey}' is not a valid history: {e.Message}", e);
        }
        if (history.Count != epochs)
        {
            throw new WeightFileException(source, null,
                $"checkpoint metadata '{HistoryKey}' has {history.Count} epochs, but the checkpoint is of epoch {epochs}.");
        }
        return history.AsReadOnly();

        static double? Number(JsonElement entry, string name)
        {
            JsonElement value = entry.GetProperty(name);
            return value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.Number => value.GetDouble(),
                JsonValueKind.String => double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
                    ? number
                    : throw new FormatException($"'{name}' is '{value.GetString()}', not a number"),
                _ => throw new FormatException($"'{name}' is a JSON {value.ValueKind}, not a number"),
            };
        }
    }
}
