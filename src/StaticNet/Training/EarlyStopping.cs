using System;

namespace StaticNet;

/// <summary>
/// Stops training when the validation loss has not improved for <see cref="Patience"/> epochs, like
/// Keras' <c>EarlyStopping(monitor="val_loss")</c>: an epoch improves when its validation loss is below
/// the best so far by more than <see cref="MinDelta"/>.
/// </summary>
public sealed class EarlyStopping
{
    /// <summary>Creates the rule.</summary>
    /// <param name="patience">Number of epochs in a row without improvement after which training stops (at least 1).</param>
    /// <param name="minDelta">Decrease of the validation loss below the best that counts as an improvement.</param>
    /// <param name="restoreBestParameters">
    /// Whether the network gets back the parameters of its best epoch when training ends
    /// (whether it stopped early or ran all epochs).
    /// </param>
    public EarlyStopping(int patience, double minDelta = 0, bool restoreBestParameters = true)
    {
        if (patience < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(patience), patience, "Must be at least 1.");
        }
        if (!(minDelta >= 0) || double.IsInfinity(minDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "Must be finite and non-negative.");
        }

        Patience = patience;
        MinDelta = minDelta;
        RestoreBestParameters = restoreBestParameters;
    }

    /// <summary>Number of epochs in a row without improvement after which training stops.</summary>
    public int Patience { get; }

    /// <summary>Decrease of the validation loss below the best that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Whether the network gets back the parameters of its best epoch when training ends.</summary>
    public bool RestoreBestParameters { get; }
}
