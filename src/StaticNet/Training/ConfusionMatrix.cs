using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace StaticNet;

/// <summary>
/// Counts of (actual class, predicted class) pairs, as scikit-learn's <c>confusion_matrix</c>: row = actual class,
/// column = predicted class, so the diagonal holds the samples classified right.
/// </summary>
/// <example>
/// <code>
/// ConfusionMatrix matrix = ConfusionMatrix.Compute(network, testData);
/// Console.WriteLine(matrix);                 // a table with the class labels
/// long missed = matrix[actual: 1, predicted: 2];
/// </code>
/// </example>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    private ConfusionMatrix(IReadOnlyList<string> labels, long[] counts)
    {
        Labels = labels;
        _counts = counts;
        long total = 0;
        foreach (long count in counts)
        {
            total += count;
        }
        Total = total;
    }

    /// <summary>Number of classes (rows and columns).</summary>
    public int ClassCount => Labels.Count;

    /// <summary>Name of each class, in class order: the network's labels, or <c>"0"</c>, <c>"1"</c>, ... without labels.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Number of samples counted.</summary>
    public long Total { get; }

    /// <summary>Number of samples of class <paramref name="actual"/> that were predicted as <paramref name="predicted"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A class index is outside <c>[0, ClassCount)</c>.</exception>
    public long this[int actual, int predicted]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)actual, (uint)ClassCount, nameof(actual));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)predicted, (uint)ClassCount, nameof(predicted));
            return _counts[actual * ClassCount + predicted];
        }
    }

    /// <summary>Share of samples on the diagonal (classified right); 0 when there are none.</summary>
    public double Accuracy
    {
        get
        {
            long right = 0;
            for (int c = 0; c < ClassCount; c++)
            {
                right += _counts[c * ClassCount + c];
            }
            return Total == 0 ? 0 : (double)right / Total;
        }
    }

    /// <summary>Number of samples whose actual class is <paramref name="actual"/> (its row's sum: the class's support).</summary>
    public long ActualCount(int actual)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)actual, (uint)ClassCount, nameof(actual));
        long sum = 0;
        for (int p = 0; p < ClassCount; p++)
        {
            sum += _counts[actual * ClassCount + p];
        }
        return sum;
    }

    /// <summary>Number of samples predicted as <paramref name="predicted"/> (its column's sum).</summary>
    public long PredictedCount(int predicted)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)predicted, (uint)ClassCount, nameof(predicted));
        long sum = 0;
        for (int a = 0; a < ClassCount; a++)
        {
            sum += _counts[a * ClassCount + predicted];
        }
        return sum;
    }

    /// <summary>
    /// Classifies every sample of <paramref name="data"/> with <paramref name="network"/>
    /// (<see cref="IPredictor{T}.Classify"/>) and counts the outcomes. The classes are the network's: its outputs, or
    /// 0 and 1 for a single output; they are named by the network's labels when it has them.
    /// </summary>
    /// <exception cref="ArgumentException">The data does not fit the network, or it is not classification data (<see cref="TrainingData{T}.IsClassification"/>).</exception>
    public static ConfusionMatrix Compute<T>(IPredictor<T> network, TrainingData<T> data)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        Trainer<T>.CheckFits(network, data, nameof(data));
        int[] classes = data.Classes ?? throw new ArgumentException(
            "The samples do not name classes (their targets are not one-hot or 0/1), so there is nothing to count.", nameof(data));

        IReadOnlyList<string> labels = LabelsOf(network);
        int count = labels.Count;
        var counts = new long[count * count];
        for (int row = 0; row < data.Count; row++)
        {
            int predicted = network.Classify(data.Input(row));
            if ((uint)predicted >= (uint)count)
            {
                throw new InvalidOperationException($"Network {network.Description.Name} classified row {row} as {predicted}, outside [0, {count}).");
            }
            counts[classes[row] * count + predicted]++;
        }
        return new ConfusionMatrix(labels, counts);
    }

    /// <summary>Counts pairs of actual and predicted class indices, for predictions made elsewhere.</summary>
    /// <param name="actual">The actual class of each sample.</param>
    /// <param name="predicted">The predicted class of each sample, as many.</param>
    /// <param name="labels">The name of each class; the classes are <c>[0, labels.Count)</c>.</param>
    /// <exception cref="ArgumentException">The spans differ in length, or there are no labels.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class index is outside <c>[0, labels.Count)</c>.</exception>
    public static ConfusionMatrix FromPredictions(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0)
        {
            throw new ArgumentException("At least one class is needed.", nameof(labels));
        }
        if (actual.Length != predicted.Length)
        {
            throw new ArgumentException($"{nameof(actual)} has {actual.Length} classes but {nameof(predicted)} has {predicted.Length}.", nameof(predicted));
        }
        int count = labels.Count;
        var counts = new long[checked(count * count)];
        for (int i = 0; i < actual.Length; i++)
        {
            if ((uint)actual[i] >= (uint)count)
            {
                throw new ArgumentOutOfRangeException(nameof(actual), actual[i], $"Sample {i}: a class must be in [0, {count}).");
            }
            if ((uint)predicted[i] >= (uint)count)
            {
                throw new ArgumentOutOfRangeException(nameof(predicted), predicted[i], $"Sample {i}: a class must be in [0, {count}).");
            }
            counts[actual[i] * count + predicted[i]]++;
        }
        return new ConfusionMatrix(ToArray(labels), counts);
    }

    /// <summary>Per-class precision, recall and F1 of these counts, with their averages.</summary>
    public ClassificationReport ToReport() => new(this);

    /// <summary>
    /// The matrix as a table: one row per actual class, one column per predicted class, headed by the labels.
    /// </summary>
    /// <example>
    /// <code>
    /// actual \ predicted  setosa  versicolor  virginica
    ///             setosa      10           0          0
    ///         versicolor       0           9          1
    ///          virginica       0           1         10
    /// </code>
    /// </example>
    public override string ToString()
    {
        const string Corner = "actual \\ predicted";
        int first = Corner.Length;
        foreach (string label in Labels)
        {
            first = Math.Max(first, label.Length);
        }
        var widths = new int[ClassCount];
        for (int p = 0; p < ClassCount; p++)
        {
            widths[p] = Math.Max(Labels[p].Length, Digits(PredictedCount(p)));
        }

        var text = new StringBuilder();
        text.Append(Corner.PadLeft(first));
        for (int p = 0; p < ClassCount; p++)
        {
            text.Append("  ").Append(Labels[p].PadLeft(widths[p]));
        }
        for (int a = 0; a < ClassCount; a++)
        {
            text.AppendLine().Append(Labels[a].PadLeft(first));
            for (int p = 0; p < ClassCount; p++)
            {
                text.Append("  ").Append(_counts[a * ClassCount + p].ToString(CultureInfo.InvariantCulture).PadLeft(widths[p]));
            }
        }
        return text.ToString();
    }

    private static int Digits(long value) => value.ToString(CultureInfo.InvariantCulture).Length;

    /// <summary>The network's class names: its labels when there is one per class, else the class indices.</summary>
    internal static IReadOnlyList<string> LabelsOf<T>(IPredictor<T> network) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int classes = network.OutputSize == 1 ? 2 : network.OutputSize;
        IReadOnlyList<string> labels = network.Description.Labels;
        if (labels.Count == classes)
        {
            return ToArray(labels);
        }
        var names = new string[classes];
        for (int c = 0; c < classes; c++)
        {
            names[c] = c.ToString(CultureInfo.InvariantCulture);
        }
        return names;
    }

    private static string[] ToArray(IReadOnlyList<string> labels)
    {
        var copy = new string[labels.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = labels[i] ?? throw new ArgumentException("A label is null.", nameof(labels));
        }
        return copy;
    }
}

/// <summary>Precision, recall, F1 score and support of one class, or an average of them.</summary>
/// <param name="Label">The class's label, or <c>"macro avg"</c> / <c>"weighted avg"</c>.</param>
/// <param name="Precision">Of the samples predicted as the class, the share that are of it: <c>tp / (tp + fp)</c>.</param>
/// <param name="Recall">Of the samples of the class, the share predicted as it: <c>tp / (tp + fn)</c>.</param>
/// <param name="F1">Harmonic mean of precision and recall: <c>2 tp / (2 tp + fp + fn)</c>.</param>
/// <param name="Support">Number of samples of the class (all samples, for an average).</param>
public readonly record struct ClassMetrics(string Label, double Precision, double Recall, double F1, long Support);

/// <summary>
/// Per-class precision, recall, F1 and support of a classifier with their macro and weighted averages and the
/// accuracy, computed as scikit-learn's <c>classification_report</c> (with <c>labels</c> = every class of the
/// network) and printed by <see cref="ToString()"/> in its layout.
/// </summary>
/// <remarks>
/// A ratio whose denominator is zero is 0, as scikit-learn's <c>zero_division</c> default does (it also warns):
/// the precision of a class never predicted, the recall of a class absent from the data, and the F1 of a class
/// with neither. Such a class still counts in the macro average (with weight 0 in the weighted one).
/// </remarks>
/// <example>
/// <code>
/// ClassificationReport report = ClassificationReport.Compute(network, testData);
/// Console.WriteLine(report);
/// //               precision    recall  f1-score   support
/// //
/// //       setosa       1.00      1.00      1.00        10
/// //   versicolor       0.90      0.90      0.90        10
/// //    virginica       0.90      0.90      0.90        10
/// //
/// //     accuracy                           0.93        30
/// //    macro avg       0.93      0.93      0.93        30
/// // weighted avg       0.93      0.93      0.93        30
/// </code>
/// </example>
public sealed class ClassificationReport
{
    /// <summary>Creates the report of <paramref name="confusionMatrix"/>.</summary>
    public ClassificationReport(ConfusionMatrix confusionMatrix)
    {
        ArgumentNullException.ThrowIfNull(confusionMatrix);
        ConfusionMatrix = confusionMatrix;
        int count = confusionMatrix.ClassCount;
        var classes = new ClassMetrics[count];
        double macroPrecision = 0, macroRecall = 0, macroF1 = 0, weightedPrecision = 0, weightedRecall = 0, weightedF1 = 0;
        long total = confusionMatrix.Total;
        for (int c = 0; c < count; c++)
        {
            long truePositives = confusionMatrix[c, c];
            long support = confusionMatrix.ActualCount(c);
            long predicted = confusionMatrix.PredictedCount(c);
            double precision = Ratio(truePositives, predicted);
            double recall = Ratio(truePositives, support);
            double f1 = Ratio(2 * truePositives, support + predicted);
            classes[c] = new ClassMetrics(confusionMatrix.Labels[c], precision, recall, f1, support);
            macroPrecision += precision;
            macroRecall += recall;
            macroF1 += f1;
            weightedPrecision += precision * support;
            weightedRecall += recall * support;
            weightedF1 += f1 * support;
        }
        Classes = classes;
        MacroAverage = new ClassMetrics("macro avg", macroPrecision / count, macroRecall / count, macroF1 / count, total);
        WeightedAverage = total == 0
            ? new ClassMetrics("weighted avg", 0, 0, 0, 0)
            : new ClassMetrics("weighted avg", weightedPrecision / total, weightedRecall / total, weightedF1 / total, total);
    }

    /// <summary>The counts the report is computed from.</summary>
    public ConfusionMatrix ConfusionMatrix { get; }

    /// <summary>The metrics of each class, in class order.</summary>
    public IReadOnlyList<ClassMetrics> Classes { get; }

    /// <summary>The unweighted mean of the classes' metrics (scikit-learn's <c>macro avg</c>).</summary>
    public ClassMetrics MacroAverage { get; }

    /// <summary>The mean of the classes' metrics weighted by their support (scikit-learn's <c>weighted avg</c>).</summary>
    public ClassMetrics WeightedAverage { get; }

    /// <summary>Share of samples classified right.</summary>
    public double Accuracy => ConfusionMatrix.Accuracy;

    /// <summary>Number of samples.</summary>
    public long Support => ConfusionMatrix.Total;

    /// <summary>Classifies <paramref name="data"/> with <paramref name="network"/> and reports on the outcome; see <see cref="ConfusionMatrix.Compute"/>.</summary>
    /// <exception cref="ArgumentException">The data does not fit the network, or it is not classification data.</exception>
    public static ClassificationReport Compute<T>(IPredictor<T> network, TrainingData<T> data)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new(ConfusionMatrix.Compute(network, data));

    /// <summary>The report in scikit-learn's <c>classification_report</c> layout, with two decimals.</summary>
    public override string ToString() => ToString(2);

    /// <summary>The report in scikit-learn's <c>classification_report</c> layout, with <paramref name="digits"/> decimals.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="digits"/> is outside [0, 15].</exception>
    public string ToString(int digits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 15);
        const string LongestHeading = "weighted avg";
        int width = Math.Max(LongestHeading.Length, digits);
        foreach (ClassMetrics metrics in Classes)
        {
            width = Math.Max(width, metrics.Label.Length);
        }

        var text = new StringBuilder();
        text.Append(' ', width).Append(' ');
        foreach (string header in new[] { "precision", "recall", "f1-score", "support" })
        {
            text.Append(' ').Append(header.PadLeft(9));
        }
        text.Append('\n').Append('\n');
        foreach (ClassMetrics metrics in Classes)
        {
            Row(text, metrics, width, digits);
        }
        text.Append('\n');
        text.Append("accuracy".PadLeft(width)).Append(' ')
            .Append(' ', 10).Append(' ', 10)
            .Append(' ').Append(Number(Accuracy, digits).PadLeft(9))
            .Append(' ').Append(Support.ToString(CultureInfo.InvariantCulture).PadLeft(9)).Append('\n');
        Row(text, MacroAverage, width, digits);
        Row(text, WeightedAverage, width, digits);
        return text.ToString();
    }

    private static void Row(StringBuilder text, ClassMetrics metrics, int width, int digits)
    {
        text.Append(metrics.Label.PadLeft(width)).Append(' ');
        text.Append(' ').Append(Number(metrics.Precision, digits).PadLeft(9));
        text.Append(' ').Append(Number(metrics.Recall, digits).PadLeft(9));
        text.Append(' ').Append(Number(metrics.F1, digits).PadLeft(9));
        text.Append(' ').Append(metrics.Support.ToString(CultureInfo.InvariantCulture).PadLeft(9)).Append('\n');
    }

    private static string Number(double value, int digits) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;
}
