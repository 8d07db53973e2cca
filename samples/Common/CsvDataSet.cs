using System;
using System.Collections.Generic;
using System.IO;
using nietras.SeparatedValues;

namespace Samples.Common;

/// <summary>
/// One of the repository's data/*.csv files: numeric feature columns followed by a string <c>label</c> column
/// (see data/README.md). Read with Sep; rows keep the file's order.
/// </summary>
internal sealed class CsvDataSet
{
    private CsvDataSet(string path, string[] featureNames, float[] features, string[] labels)
    {
        Path = path;
        FeatureNames = featureNames;
        Features = features;
        Labels = labels;
    }

    /// <summary>Where the file was read from.</summary>
    public string Path { get; }

    /// <summary>The header names of the feature columns (every column but <c>label</c>).</summary>
    public string[] FeatureNames { get; }

    /// <summary>Row-major features, <c>Count x FeatureCount</c>, as written in the file.</summary>
    public float[] Features { get; }

    /// <summary>The <c>label</c> column of each row.</summary>
    public string[] Labels { get; }

    public int Count => Labels.Length;

    public int FeatureCount => FeatureNames.Length;

    public ReadOnlySpan<float> Row(int row) => Features.AsSpan(row * FeatureCount, FeatureCount);

    /// <summary>Reads data/<paramref name="fileName"/>, found by <see cref="FindDataFile"/>.</summary>
    public static CsvDataSet Load(string fileName) => LoadFrom(FindDataFile(fileName));

    /// <summary>Reads a CSV file whose last column is the label and whose other columns are numbers.</summary>
    public static CsvDataSet LoadFrom(string path)
    {
        // Sep parses with the invariant culture by default, so "5.1" is 5.1 whatever the machine's locale.
        using SepReader reader = Sep.Reader().FromFile(path);
        IReadOnlyList<string> columns = reader.Header.ColNames;
        if (columns.Count < 2 || columns[^1] != "label")
        {
            throw new InvalidDataException($"{path}: expected feature columns followed by a 'label' column, found [{string.Join(", ", columns)}].");
        }

        string[] featureNames = new string[columns.Count - 1];
        for (int i = 0; i < featureNames.Length; i++)
        {
            featureNames[i] = columns[i];
        }

        var features = new List<float>();
        var labels = new List<string>();
        foreach (SepReader.Row row in reader)
        {
            foreach (float value in row[0..featureNames.Length].Parse<float>())
            {
                features.Add(value);
            }

            labels.Add(row["label"].ToString());
        }

        return new CsvDataSet(path, featureNames, features.ToArray(), labels.ToArray());
    }

    /// <summary>
    /// The path of data/<paramref name="fileName"/>: next to the program (the project copies it there), else in
    /// the first folder upward from the program that has a data/ folder holding it (the repository root).
    /// </summary>
    public static string FindDataFile(string fileName)
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = System.IO.Path.Combine(folder.FullName, "data", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"Could not find data/{fileName} next to the program ({AppContext.BaseDirectory}) or in a folder above it. Run the sample from a clone of the repository.",
            fileName);
    }

    /// <summary>The distinct labels in order of first appearance, and each row's index into them.</summary>
    public (string[] Classes, int[] Indices) EncodeLabels(IReadOnlyList<string>? classes = null)
    {
        var names = classes is null ? new List<string>() : new List<string>(classes);
        int[] indices = new int[Count];
        for (int row = 0; row < Count; row++)
        {
            int index = names.IndexOf(Labels[row]);
            if (index < 0)
            {
                if (classes is not null)
                {
                    throw new InvalidDataException($"{Path}: row {row + 1} has label '{Labels[row]}', expected one of [{string.Join(", ", classes)}].");
                }

                index = names.Count;
                names.Add(Labels[row]);
            }

            indices[row] = index;
        }

        return (names.ToArray(), indices);
    }
}
