using System.Collections.Generic;
using ScottPlot;
using StaticNet;

namespace Samples.Common;

/// <summary>Draws a <see cref="TrainingHistory"/> with ScottPlot: losses on the left axis, accuracies (%) on the right.</summary>
internal static class TrainingPlot
{
    public static void Save(TrainingHistory history, string path, string title, string validationName, int width = 900, int height = 500)
    {
        IReadOnlyList<EpochMetrics> epochs = history.Epochs;
        int n = epochs.Count;
        double[] x = new double[n];
        double[] loss = new double[n];
        double[] accuracy = new double[n];
        double[] validationLoss = new double[n];
        double[] validationAccuracy = new double[n];
        bool hasAccuracy = true, hasValidationLoss = true, hasValidationAccuracy = true;
        for (int i = 0; i < n; i++)
        {
            EpochMetrics m = epochs[i];
            x[i] = m.Epoch;
            loss[i] = m.Loss;
            hasAccuracy &= m.Accuracy.HasValue;
            hasValidationLoss &= m.ValidationLoss.HasValue;
            hasValidationAccuracy &= m.ValidationAccuracy.HasValue;
            accuracy[i] = 100 * (m.Accuracy ?? 0);
            validationLoss[i] = m.ValidationLoss ?? 0;
            validationAccuracy[i] = 100 * (m.ValidationAccuracy ?? 0);
        }

        var plot = new Plot();
        plot.Title(title);
        plot.Axes.Bottom.Label.Text = "epoch";
        plot.Axes.Left.Label.Text = "loss";

        AddLine(plot, x, loss, "training loss", Colors.Blue, dashed: false, right: false);
        if (hasValidationLoss)
        {
            AddLine(plot, x, validationLoss, validationName + " loss", Colors.Orange, dashed: false, right: false);
        }

        if (hasAccuracy || hasValidationAccuracy)
        {
            plot.Axes.Right.Label.Text = "accuracy (%)";
            if (hasAccuracy)
            {
                AddLine(plot, x, accuracy, "training accuracy", Colors.Blue, dashed: true, right: true);
            }

            if (hasValidationAccuracy)
            {
                AddLine(plot, x, validationAccuracy, validationName + " accuracy", Colors.Orange, dashed: true, right: true);
            }

            plot.Axes.SetLimitsY(0, 105, plot.Axes.Right);
        }

        double maxLoss = 0;
        for (int i = 0; i < n; i++)
        {
            maxLoss = System.Math.Max(maxLoss, System.Math.Max(loss[i], hasValidationLoss ? validationLoss[i] : 0));
        }

        plot.Axes.SetLimitsY(0, maxLoss * 1.05, plot.Axes.Left);
        plot.ShowLegend(Alignment.MiddleRight);
        plot.SavePng(path, width, height);
    }

    private static void AddLine(Plot plot, double[] x, double[] y, string label, Color color, bool dashed, bool right)
    {
        var line = plot.Add.ScatterLine(x, y, color);
        line.LegendText = label;
        line.LineWidth = 2;
        if (dashed)
        {
            line.LinePattern = LinePattern.Dashed;
        }

        if (right)
        {
            line.Axes.YAxis = plot.Axes.Right;
        }
    }
}
