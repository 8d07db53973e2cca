using System;
using System.Globalization;
using System.Text;

namespace StaticNet;

/// <summary>What one epoch of <see cref="Trainer{T}.Fit"/> measured.</summary>
/// <param name="Epoch">Epoch number, from 1.</param>
/// <param name="Loss">Mean per-sample training loss over the epoch (measured as it trains, before each batch's update).</param>
/// <param name="Accuracy">Share of training samples classified right (as it trains), or null if not measured or not a classification.</param>
/// <param name="ValidationLoss">Mean per-sample loss on the validation data after the epoch, or null without validation data.</param>
/// <param name="ValidationAccuracy">Share of validation samples classified right after the epoch, or null.</param>
/// <param name="LearningRate">The optimizer's learning rate during the epoch.</param>
/// <param name="Duration">Wall time of the epoch, validation included.</param>
public sealed record EpochMetrics(
    int Epoch,
    double Loss,
    double? Accuracy,
    double? ValidationLoss,
    double? ValidationAccuracy,
    double LearningRate,
    TimeSpan Duration)
{
    /// <summary>One line such as <c>epoch 3: loss 0.1234, accuracy 95.00%, val_loss 0.2, val_accuracy 93.33%, lr 0.001, 12 ms</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        CultureInfo c = CultureInfo.InvariantCulture;
        text.Append(c, $"epoch {Epoch}: loss {Loss:G6}");
        if (Accuracy is double accuracy)
        {
            text.Append(c, $", accuracy {Percent(accuracy)}");
        }
        if (ValidationLoss is double validationLoss)
        {
            text.Append(c, $", val_loss {validationLoss:G6}");
        }
        if (ValidationAccuracy is double validationAccuracy)
        {
            text.Append(c, $", val_accuracy {Percent(validationAccuracy)}");
        }
        text.Append(c, $", lr {LearningRate:G6}, {Duration.TotalMilliseconds:F0} ms");
        return text.ToString();
    }

    /// <summary><c>95.00%</c>: the invariant culture's "P2" would print <c>95.00 %</c>, with a space.</summary>
    private static string Percent(double share) => (share * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";
}
