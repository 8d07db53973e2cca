using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace StaticNet.Tests.Training;

/// <summary>
/// A data set from one of the repository's <c>data/*.csv</c> files (header row, numeric features, last column
/// the class name), for learning tests.
/// </summary>
internal sealed class CsvDataSet
{
    private CsvDataSet(string[] featureNames, string[] classNames, double[] features, int[] labels)
    {
        FeatureNames = featureNames;
        ClassNames = classNames;
        Features = features;
        Labels = labels;
    }

    public string[] FeatureNames { get; }

    /// <summary>Class names in order of first appearance; a label is an index into this.</summary>
    public string[] ClassNames { get; }

    /// <summary>Row-major features.</summary>
    public double[] Features { get; }

    public int[] Labels { get; }

    public int Count => Labels.Length;

    public int FeatureCount => FeatureNames.Length;

    /// <summary>Loads <c>data/{name}.csv</c> from the test output folder.</summary>
    public static CsvDataSet Load(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "data", name + ".csv");
        string[] lines = File.ReadAllLines(path);
        string[] header = lines[0].Split(',');
        if (header[^1] != "label")
        {
            throw new InvalidDataException($"{path}: the last column is {header[^1]}, not label.");
        }

        int width = header.Length - 1;
        var features = new List<double>();
        var labels = new List<int>();
        var classes = new List<string>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }
            string[] cells = lines[i].Split(',');
            if (cells.Length != header.Length)
            {
                throw new InvalidDataException($"{path} line {i + 1} has {cells.Length} cells, not {header.Length}.");
            }
            for (int j = 0; j < width; j++)
            {
                features.Add(double.Parse(cells[j], NumberStyles.Float, CultureInfo.InvariantCulture));
            }
            int label = classes.IndexOf(cells[^1]);
            if (label < 0)
            {
                label = classes.Count;
                classes.Add(cells[^1]);
            }
            labels.Add(label);
        }
        return new CsvDataSet(header[..width], classes.ToArray(), features.ToArray(), labels.ToArray());
    }

    /// <summary>The features scaled by <paramref name="scale"/>, as <typeparamref name="T"/>, with the labels.</summary>
    public TrainingData<T> ToTrainingData<T>(double scale = 1)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var inputs = new T[Features.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = T.CreateTruncating(Features[i] * scale);
        }
        return TrainingData<T>.FromLabels(inputs, (int[])Labels.Clone(), FeatureCount);
    }

    /// <summary>
    /// Features standardized per column to mean 0, deviation 1 (statistics over all rows; fine for tests),
    /// as <typeparamref name="T"/>, with the labels.
    /// </summary>
    public TrainingData<T> ToStandardizedTrainingData<T>()
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var mean = new double[FeatureCount];
        var deviation = new double[FeatureCount];
        for (int r = 0; r < Count; r++)
        {
            for (int j = 0; j < FeatureCount; j++)
            {
                mean[j] += Features[r * FeatureCount + j] / Count;
            }
        }
        for (int r = 0; r < Count; r++)
        {
            for (int j = 0; j < FeatureCount; j++)
            {
                double d = Features[r * FeatureCount + j] - mean[j];
                deviation[j] += d * d / Count;
            }
        }
        var inputs = new T[Features.Length];
        for (int r = 0; r < Count; r++)
        {
            for (int j = 0; j < FeatureCount; j++)
            {
                double s = Math.Sqrt(deviation[j]);
                inputs[r * FeatureCount + j] = T.CreateTruncating(s > 0 ? (Features[r * FeatureCount + j] - mean[j]) / s : 0);
            }
        }
        return TrainingData<T>.FromLabels(inputs, (int[])Labels.Clone(), FeatureCount);
    }
}
