using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using Microsoft.ML.OnnxRuntime;

namespace StaticNet.Onnx.Tests;

/// <summary>Runs exported models in ONNX Runtime and compares them with the generated network.</summary>
internal static class OnnxTestSupport
{
    /// <summary>A fresh folder under the temp directory, deleted by <see cref="IDisposable.Dispose"/>.</summary>
    internal sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "staticnet-onnx-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Replaces the PyTorch-default parameters with wider ones, so activations see more than their linear part.</summary>
    internal static void Widen<T>(INetwork<T> network, int seed, double scale = 2.5)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new SeededRandom(seed);
        Span<T> parameters = network.Parameters;
        foreach (LayerDescription layer in network.Description.Layers)
        {
            // Weight then bias are contiguous in the canonical layout.
            double bound = scale / Math.Sqrt(layer.FanIn);
            for (int i = 0; i < layer.ParameterCount; i++)
            {
                parameters[layer.WeightOffset + i] = T.CreateChecked(random.NextUniform(-bound, bound));
            }
        }
    }

    internal static T[] RandomInputs<T>(int count, int size, int seed, double range = 3.0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new SeededRandom(seed);
        var values = new T[count * size];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateChecked(random.NextUniform(-range, range));
        }
        return values;
    }

    /// <summary>Runs <paramref name="inputs"/> (row-major, <paramref name="batch"/> rows) through the session.</summary>
    internal static T[] Run<T>(InferenceSession session, T[] inputs, int batch, int inputSize, string inputName = "input", string outputName = "output")
        where T : unmanaged
    {
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(inputs, new long[] { batch, inputSize });
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, new[] { inputName }, new[] { input }, new[] { outputName });
        OrtValue output = outputs[0];
        long[] shape = output.GetTensorTypeAndShape().Shape;
        Xunit.Assert.Equal(2, shape.Length);
        Xunit.Assert.Equal(batch, shape[0]);
        return output.GetTensorDataAsSpan<T>().ToArray();
    }

    /// <summary>
    /// Asserts |actual - expected| &lt;= tolerance * (1 + |expected|) element-wise and returns the largest
    /// difference seen, for the failure message of callers that want it.
    /// </summary>
    internal static double AssertClose<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, double tolerance, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateChecked(expected[i]);
            double a = double.CreateChecked(actual[i]);
            double difference = Math.Abs(a - e);
            worst = Math.Max(worst, difference / (1 + Math.Abs(e)));
            if (!(difference <= tolerance * (1 + Math.Abs(e))))
            {
                Xunit.Assert.Fail($"{what}: element {i}: ONNX Runtime gave {a:R}, Predict {e:R} (difference {difference:R}, tolerance {tolerance:R} relative+absolute).");
            }
        }
        return worst;
    }

    internal static string Describe(IEnumerable<string> values) => string.Join(", ", values);
}
