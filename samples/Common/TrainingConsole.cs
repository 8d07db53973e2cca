using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using Spectre.Console;
using StaticNet;

namespace Samples.Common;

/// <summary>
/// Runs <see cref="Trainer{T}.Fit"/> with a live Spectre.Console progress bar in an interactive terminal, and with
/// plain per-epoch lines when the output is not interactive (CI logs, redirected output, tests).
/// </summary>
internal static class TrainingConsole
{
    /// <summary>Trains, showing progress on <paramref name="console"/>.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="trainer">A configured trainer.</param>
    /// <param name="training">Training samples.</param>
    /// <param name="validation">Held-out samples evaluated after each epoch, or null.</param>
    /// <param name="logEvery">Write an epoch line for the first and last epoch and every this many epochs (1: every epoch; 0: none).</param>
    /// <param name="validationName">How the epoch lines name the held-out samples ("test", "validation").</param>
    /// <param name="cancellationToken">Stops training (Ctrl+C).</param>
    public static TrainingHistory Fit<T>(
        IAnsiConsole console,
        Trainer<T> trainer,
        TrainingData<T> training,
        TrainingData<T>? validation,
        int logEvery,
        string validationName = "test",
        CancellationToken cancellationToken = default)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        long started = Stopwatch.GetTimestamp();
        TrainingHistory history = Run(console, trainer, training, validation, logEvery, validationName, cancellationToken);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Trained {history.Epochs.Count} epochs in {Stopwatch.GetElapsedTime(started).TotalSeconds:F2} s{(history.StoppedEarly ? " (stopped early)" : "")}."));
        return history;
    }

    private static TrainingHistory Run<T>(
        IAnsiConsole console,
        Trainer<T> trainer,
        TrainingData<T> training,
        TrainingData<T>? validation,
        int logEvery,
        string validationName,
        CancellationToken cancellationToken)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int epochs = trainer.Epochs;
        bool ShouldLog(EpochMetrics m) =>
            logEvery > 0 && (m.Epoch == 1 || m.Epoch % logEvery == 0 || m.Epoch == epochs);

        if (!console.Profile.Capabilities.Interactive)
        {
            // No cursor movement: a live bar would print a new frame per refresh into the log. Lines only.
            return trainer.Fit(training, validation, new SynchronousProgress<EpochMetrics>(m =>
            {
                if (ShouldLog(m))
                {
                    console.WriteLine(Format(m, epochs, validationName));
                }
            }), cancellationToken);
        }

        TrainingHistory? history = null;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask("training", maxValue: epochs);
                history = trainer.Fit(training, validation, new SynchronousProgress<EpochMetrics>(m =>
                {
                    task.Value = m.Epoch;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"epoch {m.Epoch,4}/{epochs}  loss {m.Loss:F4}");
                    if (ShouldLog(m))
                    {
                        console.WriteLine(Format(m, epochs, validationName));
                    }

                    context.Refresh();
                }), cancellationToken);
                task.Value = task.MaxValue; // early stopping may end before the last epoch
            });
        return history!;
    }

    /// <summary>One epoch as a line: <c>epoch  10/100  loss 0.2517  accuracy  95.83%  test_loss 0.2790  test_accuracy  93.33%</c>.</summary>
    public static string Format(EpochMetrics m, int epochs, string validationName)
    {
        int width = epochs.ToString(CultureInfo.InvariantCulture).Length;
        string text = string.Create(CultureInfo.InvariantCulture, $"epoch {m.Epoch.ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{epochs}  loss {m.Loss:F4}");
        if (m.Accuracy is double accuracy)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"  accuracy {accuracy * 100,6:F2}%");
        }

        if (m.ValidationLoss is double validationLoss)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"  {validationName}_loss {validationLoss:F4}");
        }

        if (m.ValidationAccuracy is double validationAccuracy)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"  {validationName}_accuracy {validationAccuracy * 100,6:F2}%");
        }

        return text;
    }
}
