using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using System.Text.Json;
using StaticNet.Optimizers;
using Xunit;

namespace StaticNet.Tests.Golden;

/// <summary>Reads the JSON files written by make_golden.py and compares numbers with a tolerance.</summary>
internal static class GoldenFile
{
    private static readonly Dictionary<string, JsonElement> Cache = new();

    /// <summary>The parsed root of <c>Golden/<paramref name="fileName"/></c> (copied to the output folder).</summary>
    public static JsonElement Load(string fileName)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(fileName, out JsonElement root))
            {
                string path = Path.Combine(AppContext.BaseDirectory, "Golden", fileName);
                using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
                root = document.RootElement.Clone();
                Cache[fileName] = root;
            }
            return root;
        }
    }

    public static T[] Vector<T>(JsonElement array) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            // Every golden number is a double; float data are exactly representable floats.
            values[i++] = T.CreateTruncating(item.GetDouble());
        }
        return values;
    }

    /// <summary>A list of rows, concatenated row-major.</summary>
    public static T[] Matrix<T>(JsonElement rows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new List<T>();
        foreach (JsonElement row in rows.EnumerateArray())
        {
            values.AddRange(Vector<T>(row));
        }
        return values.ToArray();
    }

    public static JsonElement Find(JsonElement array, string name)
    {
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.GetProperty("name").GetString() == name)
            {
                return item;
            }
        }
        throw new KeyNotFoundException(name);
    }

    public static IEnumerable<string> Names(JsonElement array)
    {
        foreach (JsonElement item in array.EnumerateArray())
        {
            yield return item.GetProperty("name").GetString()!;
        }
    }

    /// <summary>The optimizer a configuration of make_golden.py describes (all hyperparameters explicit).</summary>
    public static IOptimizer CreateOptimizer(JsonElement config)
    {
        double lr = config.GetProperty("lr").GetDouble();
        double weightDecay = config.GetProperty("weight_decay").GetDouble();
        return config.GetProperty("optimizer").GetString() switch
        {
            "SGD" => new Sgd(lr,
                momentum: config.GetProperty("momentum").GetDouble(),
                dampening: config.GetProperty("dampening").GetDouble(),
                nesterov: config.GetProperty("nesterov").GetBoolean(),
                weightDecay: weightDecay),
            "Adam" => new Adam(lr,
                beta1: config.GetProperty("beta1").GetDouble(),
                beta2: config.GetProperty("beta2").GetDouble(),
                epsilon: config.GetProperty("eps").GetDouble(),
                weightDecay: weightDecay,
                amsgrad: config.GetProperty("amsgrad").GetBoolean()),
            "AdamW" => new AdamW(lr,
                beta1: config.GetProperty("beta1").GetDouble(),
                beta2: config.GetProperty("beta2").GetDouble(),
                epsilon: config.GetProperty("eps").GetDouble(),
                weightDecay: weightDecay,
                amsgrad: config.GetProperty("amsgrad").GetBoolean()),
            var other => throw new NotSupportedException(other),
        };
    }

    /// <summary>Sets the learning rate of <paramref name="step"/> when the configuration schedules it.</summary>
    public static void ApplySchedule(IOptimizer optimizer, JsonElement config, int step)
    {
        if (config.TryGetProperty("lr_per_step", out JsonElement schedule))
        {
            optimizer.LearningRate = schedule[step].GetDouble();
        }
    }

    /// <summary>Tolerance of a comparison with PyTorch: relative for large values, absolute below 1.</summary>
    public static double Tolerance<T>() => typeof(T) == typeof(float) ? 1e-5 : 1e-10;

    public static void AssertClose<T>(T expected, T actual, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double e = double.CreateTruncating(expected), a = double.CreateTruncating(actual);
        double tolerance = Tolerance<T>() * Math.Max(1, Math.Abs(e));
        Assert.True(Math.Abs(a - e) <= tolerance, $"{what}: expected {e:R}, got {a:R} (difference {Math.Abs(a - e):E3} > {tolerance:E3})");
    }

    public static void AssertClose<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            AssertClose(expected[i], actual[i], $"{what}[{i}]");
        }
    }
}
