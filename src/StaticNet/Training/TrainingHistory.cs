using System.Collections.Generic;

namespace StaticNet;

/// <summary>The outcome of <see cref="Trainer{T}.Fit"/>: every epoch's metrics, the best epoch and why it ended.</summary>
public sealed class TrainingHistory
{
    internal TrainingHistory(IReadOnlyList<EpochMetrics> epochs, int bestEpoch, bool stoppedEarly, bool restoredBest, int seed)
    {
        Epochs = epochs;
        BestEpoch = bestEpoch;
        StoppedEarly = stoppedEarly;
        RestoredBestParameters = restoredBest;
        Seed = seed;
    }

    /// <summary>Metrics of each epoch run, in order (<c>Epochs[i].Epoch == i + 1</c>).</summary>
    public IReadOnlyList<EpochMetrics> Epochs { get; }

    /// <summary>
    /// Number (from 1) of the epoch with the lowest validation loss (the lowest training loss without
    /// validation data), where with <see cref="EarlyStopping"/> only a decrease by more than its
    /// <see cref="EarlyStopping.MinDelta"/> counts; 0 if no epoch had a finite loss.
    /// </summary>
    public int BestEpoch { get; }

    /// <summary>Metrics of <see cref="BestEpoch"/>, or null.</summary>
    public EpochMetrics? Best => BestEpoch > 0 ? Epochs[BestEpoch - 1] : null;

    /// <summary>Metrics of the last epoch run.</summary>
    public EpochMetrics Last => Epochs[Epochs.Count - 1];

    /// <summary>Whether early stopping ended training before the configured number of epochs.</summary>
    public bool StoppedEarly { get; }

    /// <summary>Whether the network's parameters were set back to those of <see cref="BestEpoch"/> at the end.</summary>
    public bool RestoredBestParameters { get; }

    /// <summary>The shuffling seed used (drawn at random when <see cref="Trainer{T}.Seed"/> was null); reuse it to repeat the run.</summary>
    public int Seed { get; }
}
