using System;
using System.Numerics;
using StaticNet.Optimizers;

namespace StaticNet.Benchmarks;

/// <summary>The four benchmark networks, their inputs, and the competitors built on the same weights.</summary>
public sealed class Workload
{
    public const int BatchSize = 64;
    public const int TrainBatch = 32;
    /// <summary>Learning rate of the agreement check's training step.</summary>
    public const float LearningRate = 0.01f;

    /// <summary>
    /// Learning rate of the timed training steps: 0, so that every repetition does the same arithmetic (the
    /// update p -= 0 * g is still computed in full by every competitor) on the same state. With a real rate
    /// the thousands of repetitions train the network on one fixed mini-batch until its softmax saturates
    /// and the deltas become denormal, and the cost then depends on how many steps a process happened to run.
    /// </summary>
    public const float TimedLearningRate = 0f;

    public static readonly string[] Names = { "iris", "digits", "mnist", "wide" };

    public Workload(string name)
    {
        Name = name;
        Network = Create(name, 12345);
        Description = Network.Description;
        Classification = Description.Loss == Loss.CrossEntropy;
        int inputSize = Description.InputSize, outputSize = Description.OutputSize;
        var random = new Random(2024);
        Inputs = new float[BatchSize * inputSize];
        for (int i = 0; i < Inputs.Length; i++)
        {
            Inputs[i] = (float)random.NextDouble();
        }
        Labels = new int[BatchSize];
        Targets = new float[BatchSize * outputSize];
        for (int s = 0; s < BatchSize; s++)
        {
            Labels[s] = random.Next(outputSize);
        }
        for (int i = 0; i < Targets.Length; i++)
        {
            Targets[i] = (float)(random.NextDouble() * 2 - 1);
        }
    }

    public string Name { get; }
    public INetwork<float> Network { get; }
    public NetworkDescription Description { get; }
    public bool Classification { get; }
    public float[] Inputs { get; }
    public int[] Labels { get; }
    public float[] Targets { get; }

    public int InputSize => Description.InputSize;
    public int OutputSize => Description.OutputSize;

    public ReadOnlySpan<float> Input(int sample) => Inputs.AsSpan(sample * InputSize, InputSize);

    public float[][] JaggedInputs(int count)
    {
        var rows = new float[count][];
        for (int s = 0; s < count; s++)
        {
            rows[s] = Input(s).ToArray();
        }
        return rows;
    }

    public float[][] JaggedTargets(int count)
    {
        var rows = new float[count][];
        for (int s = 0; s < count; s++)
        {
            rows[s] = Targets.AsSpan(s * OutputSize, OutputSize).ToArray();
        }
        return rows;
    }

    public static INetwork<float> Create(string name, int seed) => name switch
    {
        "iris" => new IrisBench(seed),
        "digits" => new DigitsBench(seed),
        "mnist" => new MnistBench(seed),
        "wide" => new WideBench(seed),
        _ => throw new ArgumentException($"Unknown network '{name}' (iris, digits, mnist, wide).", nameof(name)),
    };

    public DynamicNetwork<float> CreateDynamic()
    {
        var network = new DynamicNetwork<float>(Description, 1);
        Network.Parameters.CopyTo(network.Parameters);
        return network;
    }

    public INetwork<float> CreateGenerated()
    {
        INetwork<float> network = Create(Name, 1);
        Network.Parameters.CopyTo(network.Parameters);
        return network;
    }

    public NaiveMlp CreateNaive() => new NaiveMlp(Description, Network.Parameters);

    public ExpertMlp CreateExpert() => new ExpertMlp(Description, Network.Parameters);

    /// <summary>ONNX Runtime on this workload's network (exported to a temporary file), inputs already copied in.</summary>
    public OnnxRuntimeRunner CreateOnnxRuntime()
    {
        var runner = new OnnxRuntimeRunner(Network, BatchSize);
        Input(0).CopyTo(runner.Input);
        Inputs.CopyTo(runner.Inputs, 0);
        return runner;
    }

    /// <summary>
    /// One SGD step the way the trainer takes it: the network's fused step when it offers one for this batch
    /// (generated networks do for batches up to one tile); else one <c>AccumulateGradientBatch</c> over the first
    /// <paramref name="count"/> samples (class labels, or targets for mse) into the gradient, then one fused
    /// <c>Sgd.Step(parameters, gradient, count, clearGradient: true)</c> that divides the summed gradient by the batch
    /// size, updates the parameters and zeroes the gradient for the next step (<paramref name="gradient"/> must be all
    /// zeros on entry, as a new array is). DynamicNetwork offers no fused network step and accumulates with the
    /// interface's per-sample default.
    /// </summary>
    public float TrainStep(INetwork<float> network, float[] gradient, Sgd sgd, int count)
    {
        ReadOnlySpan<float> inputs = Inputs.AsSpan(0, count * InputSize);
        float learningRate = (float)sgd.LearningRate;
        if (network is IFusedSgdStep<float> fusing && (Classification
            ? fusing.TrySgdStep(inputs, Labels.AsSpan(0, count), learningRate, out float fusedLoss)
            : fusing.TrySgdStep(inputs, Targets.AsSpan(0, count * OutputSize), learningRate, out fusedLoss)))
        {
            return fusedLoss / count;
        }
        float loss = Classification
            ? network.AccumulateGradientBatch(inputs, Labels.AsSpan(0, count), gradient)
            : network.AccumulateGradientBatch(inputs, Targets.AsSpan(0, count * OutputSize), gradient);
        sgd.Step<float>(network.Parameters, gradient, count, clearGradient: true);
        return loss / count;
    }

    public float TrainStep(ExpertMlp expert, int count, float learningRate) =>
        expert.TrainStep(Inputs.AsSpan(0, count * InputSize), Labels.AsSpan(0, count), Targets.AsSpan(0, count * OutputSize), count, learningRate);

    public float TrainStep(NaiveMlp naive, float[][] inputs, float[][] targets, int count) =>
        naive.TrainStep(inputs.AsSpan(0, count).ToArray(), Classification ? Labels.AsSpan(0, count).ToArray() : null,
            Classification ? null : targets.AsSpan(0, count).ToArray(), LearningRate);

    // ---- agreement checks --------------------------------------------------------------------------------

    /// <summary>Throws unless every competitor computes the same outputs and the same training step as StaticNet (1e-4).</summary>
    public void CheckAgreement()
    {
        const double Tolerance = 1e-4;
        INetwork<float> generated = CreateGenerated();
        DynamicNetwork<float> dynamic = CreateDynamic();
        NaiveMlp naive = CreateNaive();
        ExpertMlp expert = CreateExpert();

        var expected = new float[BatchSize * OutputSize];
        var actual = new float[BatchSize * OutputSize];
        var single = new float[OutputSize];
        generated.PredictBatch(Inputs, expected);
        for (int s = 0; s < BatchSize; s++)
        {
            generated.Predict(Input(s), single);
            Compare(expected.AsSpan(s * OutputSize, OutputSize), single, Tolerance, "StaticNet Predict vs PredictBatch");
            dynamic.Predict(Input(s), single);
            Compare(expected.AsSpan(s * OutputSize, OutputSize), single, Tolerance, "Dynamic Predict");
            expert.Predict(Input(s), single);
            Compare(expected.AsSpan(s * OutputSize, OutputSize), single, Tolerance, "Expert Predict");
            Compare(expected.AsSpan(s * OutputSize, OutputSize), naive.Predict(Input(s).ToArray()), Tolerance, "Naive Predict");
        }
        dynamic.PredictBatch(Inputs, actual);
        Compare(expected, actual, Tolerance, "Dynamic PredictBatch");
        expert.PredictBatch(Inputs, actual);
        Compare(expected, actual, Tolerance, "Expert PredictBatch");
        float[][] naiveOutputs = naive.PredictBatch(JaggedInputs(BatchSize));
        for (int s = 0; s < BatchSize; s++)
        {
            Compare(expected.AsSpan(s * OutputSize, OutputSize), naiveOutputs[s], Tolerance, "Naive PredictBatch");
        }
        using (OnnxRuntimeRunner onnx = CreateOnnxRuntime())
        {
            for (int s = 0; s < BatchSize; s++)
            {
                Input(s).CopyTo(onnx.Input);
                onnx.Predict();
                Compare(expected.AsSpan(s * OutputSize, OutputSize), onnx.Output, Tolerance, "ONNX Runtime Predict");
            }
            onnx.PredictBatch();
            Compare(expected, onnx.Outputs, Tolerance, "ONNX Runtime PredictBatch");
        }

        // One training step of each kind from the same weights on the same mini-batch.
        foreach (int count in new[] { TrainBatch, 1 })
        {
            generated = CreateGenerated();
            dynamic = CreateDynamic();
            naive = CreateNaive();
            expert = CreateExpert();
            float lossGenerated = TrainStep(generated, new float[generated.ParameterCount], new Sgd(LearningRate), count);
            float lossDynamic = TrainStep(dynamic, new float[dynamic.ParameterCount], new Sgd(LearningRate), count);
            float lossExpert = TrainStep(expert, count, LearningRate);
            float lossNaive = TrainStep(naive, JaggedInputs(count), JaggedTargets(count), count);
            Compare(new[] { lossGenerated }, new[] { lossDynamic }, Tolerance, $"Dynamic loss (batch {count})");
            Compare(new[] { lossGenerated }, new[] { lossExpert }, Tolerance, $"Expert loss (batch {count})");
            Compare(new[] { lossGenerated }, new[] { lossNaive }, Tolerance, $"Naive loss (batch {count})");
            Compare(generated.Parameters, dynamic.Parameters, Tolerance, $"Dynamic parameters after a step (batch {count})");
            Compare(generated.Parameters, expert.GetParameters(Description), Tolerance, $"Expert parameters after a step (batch {count})");
            Compare(generated.Parameters, naive.GetParameters(), Tolerance, $"Naive parameters after a step (batch {count})");
        }
    }

    private void Compare(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        if (expected.Length != actual.Length)
        {
            throw new InvalidOperationException($"{Name}: {what}: length {actual.Length}, expected {expected.Length}.");
        }
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)expected[i] - actual[i]);
            if (!(difference <= tolerance))
            {
                throw new InvalidOperationException($"{Name}: {what}: element {i} is {actual[i]}, StaticNet has {expected[i]} (difference {difference} > {tolerance}).");
            }
        }
    }
}
