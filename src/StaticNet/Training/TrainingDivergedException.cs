using System;

namespace StaticNet;

/// <summary>
/// Training produced a loss (or gradient norm) that is NaN or infinite. The parameters are those from
/// before the offending batch's update. Usual cures: a smaller learning rate, gradient clipping, or
/// standardized inputs.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public TrainingDivergedException()
        : base("Training diverged: the loss became NaN or infinite.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a non-finite <paramref name="value"/> of <paramref name="quantity"/> in the given batch.</summary>
    /// <param name="epoch">Epoch number, from 1.</param>
    /// <param name="batch">Batch number within the epoch, from 1.</param>
    /// <param name="batches">Number of batches per epoch.</param>
    /// <param name="quantity">What was not finite (for example "loss").</param>
    /// <param name="value">The value.</param>
    public TrainingDivergedException(int epoch, int batch, int batches, string quantity, double value)
        : base($"Training diverged at epoch {epoch}, batch {batch} of {batches}: the {quantity} is {value}. " +
               "The parameters are those from before this batch. Try a smaller learning rate, gradient clipping or standardized inputs.")
    {
        Epoch = epoch;
        Batch = batch;
        Value = value;
    }

    /// <summary>Epoch number (from 1) at which training diverged, or 0 if unknown.</summary>
    public int Epoch { get; }

    /// <summary>Batch number (from 1) within <see cref="Epoch"/> at which training diverged, or 0 if unknown.</summary>
    public int Batch { get; }

    /// <summary>The non-finite value (mean batch loss or gradient norm).</summary>
    public double Value { get; }
}
