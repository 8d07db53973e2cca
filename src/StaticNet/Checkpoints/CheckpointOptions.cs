using System;
using System.Globalization;
using System.IO;

namespace StaticNet;

/// <summary>
/// Where and when <see cref="Trainer{T}"/> saves training checkpoints: one safetensors file per checkpoint holding
/// the network's parameters (under their normal keys, so it loads as a weight file), the optimizer's state and
/// the trainer's progress, from which <see cref="Trainer{T}.Resume"/> continues bit-identically.
/// </summary>
/// <remarks>
/// <para>
/// Periodic checkpoints are written after every <see cref="EveryEpochs"/>-th epoch as
/// <c>epoch-0005.safetensors</c> (see <see cref="EpochFileName"/>); the best one, after each epoch that
/// improves the monitored loss (the validation loss, or the training loss without validation data, by the
/// trainer's improvement rule), as <c>best.safetensors</c>. A checkpoint is written before the epoch's progress
/// report, so a handler that cancels training finds the checkpoint of the epoch it was told about. Every write is
/// atomic (temporary file, flush, rename): a crash or cancellation never leaves a torn checkpoint.
/// </para>
/// <para>The file format is described on <see cref="TrainingCheckpoint"/>.</para>
/// </remarks>
/// <example>
/// <code>
/// trainer.Checkpoints = new CheckpointOptions("checkpoints") { EveryEpochs = 5, SaveBest = true, KeepLast = 2 };
/// trainer.Fit(training, validation);
/// // later, after a crash, with a new network, optimizer and trainer configured the same way:
/// trainer.Resume(TrainingCheckpoint.FindLatest("checkpoints")!, training, validation);
/// </code>
/// </example>
public sealed class CheckpointOptions
{
    /// <summary>File name of the best checkpoint.</summary>
    public const string BestFileName = "best.safetensors";

    private readonly int _everyEpochs = 1;
    private readonly int _keepLast = 2;

    /// <summary>Creates options that write into <paramref name="folder"/> (created when training starts if missing).</summary>
    public CheckpointOptions(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Folder = folder;
    }

    /// <summary>The folder checkpoints are written to.</summary>
    public string Folder { get; }

    /// <summary>
    /// Write <c>epoch-NNNN.safetensors</c> after every epoch whose number is a multiple of this; 0 writes no periodic
    /// checkpoints (only the best, if <see cref="SaveBest"/>). Default 1.
    /// </summary>
    public int EveryEpochs
    {
        get => _everyEpochs;
        init => _everyEpochs = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "EveryEpochs must be 0 (never) or positive.");
    }

    /// <summary>Write <see cref="BestFileName"/> after every epoch that improves the monitored loss. Default true.</summary>
    public bool SaveBest { get; init; } = true;

    /// <summary>
    /// Number of periodic checkpoints kept: after writing one, the oldest <c>epoch-NNNN.safetensors</c> files of the
    /// folder with a number up to the current epoch are deleted beyond this many (files of later epochs, left by an
    /// earlier longer run, are not touched). 0 keeps them all. Default 2. The best checkpoint is never deleted. Deleting
    /// is best effort: a file that cannot be deleted is left, and training goes on.
    /// </summary>
    public int KeepLast
    {
        get => _keepLast;
        init => _keepLast = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "KeepLast must be 0 (keep all) or positive.");
    }

    /// <summary>The periodic checkpoint's file name for <paramref name="epoch"/>: <c>epoch-0005.safetensors</c> (at least four digits).</summary>
    public static string EpochFileName(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return string.Create(CultureInfo.InvariantCulture, $"epoch-{epoch:D4}.safetensors");
    }

    /// <summary>Path of the periodic checkpoint of <paramref name="epoch"/> in <see cref="Folder"/>.</summary>
    public string GetEpochPath(int epoch) => Path.Combine(Folder, EpochFileName(epoch));

    /// <summary>Path of the best checkpoint in <see cref="Folder"/>.</summary>
    public string BestPath => Path.Combine(Folder, BestFileName);

    /// <summary>The epoch number in a periodic checkpoint's file name, or -1 if <paramref name="fileName"/> is not one.</summary>
    internal static int ParseEpochFileName(string fileName)
    {
        const string Prefix = "epoch-", Suffix = ".safetensors";
        if (!fileName.StartsWith(Prefix, StringComparison.Ordinal) || !fileName.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return -1;
        }
        ReadOnlySpan<char> digits = fileName.AsSpan(Prefix.Length, fileName.Length - Prefix.Length - Suffix.Length);
        if (digits.Length == 0)
        {
            return -1;
        }
        foreach (char c in digits)
        {
            if (c is < '0' or > '9')
            {
                return -1;
            }
        }
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int epoch) ? epoch : -1;
    }
}
