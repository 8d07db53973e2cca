using System;
using BenchmarkDotNet.Attributes;
using StaticNet.Optimizers;

namespace StaticNet.Benchmarks;

/// <summary>
/// Every competitor on every network, on the same weights and inputs. Method names are
/// <c>Operation_Competitor</c>; the report merges them per network. The global setup first checks that
/// all competitors agree with StaticNet (outputs and one training step, 1e-4) and throws otherwise.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
public class NetworkBenchmarks
{
    [Params("iris", "digits", "mnist", "wide")]
    public string Net { get; set; } = "iris";

    private Workload _workload = null!;
    private INetwork<float> _static = null!;
    private DynamicNetwork<float> _dynamic = null!;
    private NaiveMlp _naive = null!;
    private ExpertMlp _expert = null!;
    private OnnxRuntimeRunner _onnx = null!;
    private BatchPredictor<float> _parallel = null!;
    private float[] _input = null!, _inputs = null!, _output = null!, _outputs = null!;
    private float[] _naiveInput = null!;
    private float[][] _naiveInputs = null!, _naiveTrain32 = null!, _naiveTrain1 = null!;
    private float[][]? _naiveTargets32, _naiveTargets1;
    private int[]? _naiveLabels32, _naiveLabels1;
    private float[] _gradientStatic = null!, _gradientDynamic = null!;
    private Sgd _sgdStatic = null!, _sgdDynamic = null!;

    [GlobalSetup]
    public void Setup()
    {
        _workload = new Workload(Net);
        _workload.CheckAgreement();

        _static = _workload.CreateGenerated();
        _dynamic = _workload.CreateDynamic();
        _naive = _workload.CreateNaive();
        _expert = _workload.CreateExpert();
        _onnx = _workload.CreateOnnxRuntime();
        _parallel = new BatchPredictor<float>(_static);
        _input = _workload.Input(0).ToArray();
        _inputs = _workload.Inputs;
        _output = new float[_workload.OutputSize];
        _outputs = new float[Workload.BatchSize * _workload.OutputSize];
        _naiveInput = _input;
        _naiveInputs = _workload.JaggedInputs(Workload.BatchSize);
        _naiveTrain32 = _workload.JaggedInputs(Workload.TrainBatch);
        _naiveTrain1 = _workload.JaggedInputs(1);
        if (_workload.Classification)
        {
            _naiveLabels32 = _workload.Labels.AsSpan(0, Workload.TrainBatch).ToArray();
            _naiveLabels1 = _workload.Labels.AsSpan(0, 1).ToArray();
        }
        else
        {
            _naiveTargets32 = _workload.JaggedTargets(Workload.TrainBatch);
            _naiveTargets1 = _workload.JaggedTargets(1);
        }
        _gradientStatic = new float[_static.ParameterCount];
        _gradientDynamic = new float[_static.ParameterCount];
        _sgdStatic = new Sgd(Workload.TimedLearningRate);
        _sgdDynamic = new Sgd(Workload.TimedLearningRate);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _onnx.Dispose();
        _parallel.Dispose();
    }

    // ---- single-sample latency ----

    [Benchmark, BenchmarkCategory("Predict")]
    public void Predict_StaticNet() => _static.Predict(_input, _output);

    [Benchmark, BenchmarkCategory("Predict")]
    public void Predict_Expert() => _expert.Predict(_input, _output);

    [Benchmark, BenchmarkCategory("Predict")]
    public void Predict_Dynamic() => _dynamic.Predict(_input, _output);

    [Benchmark, BenchmarkCategory("Predict")]
    public float[] Predict_Naive() => _naive.Predict(_naiveInput);

    /// <summary>ONNX Runtime, 1 intra-op thread, pre-created OrtValues over pinned buffers (see OnnxRuntimeRunner).</summary>
    [Benchmark, BenchmarkCategory("Predict")]
    public void Predict_OnnxRuntime() => _onnx.Predict();

    // ---- batch of 64 ----

    [Benchmark, BenchmarkCategory("PredictBatch64")]
    public void PredictBatch64_StaticNet() => _static.PredictBatch(_inputs, _outputs);

    /// <summary>The generated network sharded over all cores by <see cref="BatchPredictor{T}"/> (compare with PyTorch nT).</summary>
    [Benchmark, BenchmarkCategory("PredictBatch64")]
    public void PredictBatch64_StaticNetParallel() => _parallel.PredictBatch(_inputs, _outputs);

    [Benchmark, BenchmarkCategory("PredictBatch64")]
    public void PredictBatch64_Expert() => _expert.PredictBatch(_inputs, _outputs);

    [Benchmark, BenchmarkCategory("PredictBatch64")]
    public void PredictBatch64_Dynamic() => _dynamic.PredictBatch(_inputs, _outputs);

    [Benchmark, BenchmarkCategory("PredictBatch64")]
    public float[][] PredictBatch64_Naive() => _naive.PredictBatch(_naiveInputs);

    [Benchmark, BenchmarkCategory("PredictBatch64")]
    public void PredictBatch64_OnnxRuntime() => _onnx.PredictBatch();

    // ---- one SGD step over a mini-batch of 32 ----

    [Benchmark, BenchmarkCategory("Train32")]
    public float Train32_StaticNet() => _workload.TrainStep(_static, _gradientStatic, _sgdStatic, Workload.TrainBatch);

    [Benchmark, BenchmarkCategory("Train32")]
    public float Train32_Expert() => _workload.TrainStep(_expert, Workload.TrainBatch, Workload.TimedLearningRate);

    [Benchmark, BenchmarkCategory("Train32")]
    public float Train32_Dynamic() => _workload.TrainStep(_dynamic, _gradientDynamic, _sgdDynamic, Workload.TrainBatch);

    [Benchmark, BenchmarkCategory("Train32")]
    public float Train32_Naive() => _naive.TrainStep(_naiveTrain32, _naiveLabels32, _naiveTargets32, Workload.TimedLearningRate);

    // ---- one SGD step on a single sample ----

    [Benchmark, BenchmarkCategory("Train1")]
    public float Train1_StaticNet() => _workload.TrainStep(_static, _gradientStatic, _sgdStatic, 1);

    [Benchmark, BenchmarkCategory("Train1")]
    public float Train1_Expert() => _workload.TrainStep(_expert, 1, Workload.TimedLearningRate);

    [Benchmark, BenchmarkCategory("Train1")]
    public float Train1_Dynamic() => _workload.TrainStep(_dynamic, _gradientDynamic, _sgdDynamic, 1);

    [Benchmark, BenchmarkCategory("Train1")]
    public float Train1_Naive() => _naive.TrainStep(_naiveTrain1, _naiveLabels1, _naiveTargets1, Workload.TimedLearningRate);
}
