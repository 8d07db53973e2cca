using System;
using System.IO;
using Microsoft.ML.OnnxRuntime;
using StaticNet.Onnx;

namespace StaticNet.Benchmarks;

/// <summary>
/// ONNX Runtime on the generated network's model (<c>network.ExportOnnx(path)</c>, a temporary file), called
/// with its lowest-overhead API: OrtValue tensors created once over pinned <c>float[]</c> input and output
/// buffers (<see cref="OrtValue.CreateTensorValueFromMemory{T}(T[], long[])"/>), and
/// <c>session.Run(runOptions, inputNames, inputValues, outputNames, outputValues)</c> writing into the
/// pre-allocated outputs, so a call allocates nothing on the managed side beyond what ORT's wrapper does itself.
/// </summary>
public sealed class OnnxRuntimeRunner : IDisposable
{
    /// <summary>Intra-op threads of the timed session: 1, to compare per core with the other single-threaded columns.</summary>
    public const int IntraOpThreads = 1;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames, _outputNames;
    private readonly OrtValue[] _single, _singleOutput, _batch, _batchOutput;

    /// <summary>Exports <paramref name="network"/> (its current parameters) and opens a session on it.</summary>
    public OnnxRuntimeRunner(INetwork<float> network, int batchSize, int intraOpThreads = IntraOpThreads)
    {
        string path = Path.Combine(Path.GetTempPath(), $"staticnet-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.onnx");
        try
        {
            network.ExportOnnx(path);
            using var options = new SessionOptions
            {
                IntraOpNumThreads = intraOpThreads,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            _session = new InferenceSession(path, options);
        }
        finally
        {
            File.Delete(path);
        }
        int inputSize = network.InputSize, outputSize = network.OutputSize;
        _inputNames = new[] { "input" };
        _outputNames = new[] { "output" };
        Input = new float[inputSize];
        Output = new float[outputSize];
        Inputs = new float[batchSize * inputSize];
        Outputs = new float[batchSize * outputSize];
        _single = new[] { OrtValue.CreateTensorValueFromMemory(Input, new long[] { 1, inputSize }) };
        _singleOutput = new[] { OrtValue.CreateTensorValueFromMemory(Output, new long[] { 1, outputSize }) };
        _batch = new[] { OrtValue.CreateTensorValueFromMemory(Inputs, new long[] { batchSize, inputSize }) };
        _batchOutput = new[] { OrtValue.CreateTensorValueFromMemory(Outputs, new long[] { batchSize, outputSize }) };
    }

    /// <summary>The single-sample input buffer (pinned; the OrtValue reads it in place).</summary>
    public float[] Input { get; }

    /// <summary>The single-sample output buffer ORT writes into.</summary>
    public float[] Output { get; }

    /// <summary>The batch input buffer, row-major.</summary>
    public float[] Inputs { get; }

    /// <summary>The batch output buffer ORT writes into.</summary>
    public float[] Outputs { get; }

    /// <summary>Runs the model on <see cref="Input"/> into <see cref="Output"/>.</summary>
    public void Predict() => _session.Run(_runOptions, _inputNames, _single, _outputNames, _singleOutput);

    /// <summary>Runs the model on <see cref="Inputs"/> into <see cref="Outputs"/>.</summary>
    public void PredictBatch() => _session.Run(_runOptions, _inputNames, _batch, _outputNames, _batchOutput);

    public void Dispose()
    {
        foreach (OrtValue[] values in new[] { _single, _singleOutput, _batch, _batchOutput })
        {
            values[0].Dispose();
        }
        _runOptions.Dispose();
        _session.Dispose();
    }
}
