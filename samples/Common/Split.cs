using System;
using System.Collections.Generic;
using StaticNet;

namespace Samples.Common;

/// <summary>Train/test splits of a labeled data set, reproducible from a seed.</summary>
internal static class Split
{
    /// <summary>
    /// Shuffles the rows of each class with <see cref="SeededRandom"/> and puts <paramref name="testFraction"/> of
    /// each class (rounded) into the test part, so both parts keep the class proportions. Row indices come back sorted.
    /// </summary>
    public static (int[] Train, int[] Test) Stratified(ReadOnlySpan<int> labels, double testFraction, int seed)
    {
        var random = new SeededRandom(seed);
        var byClass = new SortedDictionary<int, List<int>>();
        for (int row = 0; row < labels.Length; row++)
        {
            if (!byClass.TryGetValue(labels[row], out List<int>? rows))
            {
                byClass[labels[row]] = rows = new List<int>();
            }

            rows.Add(row);
        }

        var train = new List<int>();
        var test = new List<int>();
        foreach (List<int> rows in byClass.Values)
        {
            int[] shuffled = rows.ToArray();
            random.Shuffle(shuffled.AsSpan());
            int testCount = Math.Clamp((int)Math.Round(testFraction * shuffled.Length, MidpointRounding.AwayFromZero), 1, shuffled.Length - 1);
            test.AddRange(shuffled[..testCount]);
            train.AddRange(shuffled[testCount..]);
        }

        train.Sort();
        test.Sort();
        return (train.ToArray(), test.ToArray());
    }

    /// <summary>The rows <paramref name="rows"/> of row-major <paramref name="values"/>, <paramref name="width"/> per row.</summary>
    public static T[] Rows<T>(ReadOnlySpan<T> values, int width, ReadOnlySpan<int> rows)
    {
        var result = new T[rows.Length * width];
        for (int i = 0; i < rows.Length; i++)
        {
            values.Slice(rows[i] * width, width).CopyTo(result.AsSpan(i * width, width));
        }

        return result;
    }
}
