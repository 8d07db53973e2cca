using System;
using System.Linq;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

namespace StaticNet.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--first-call")
        {
            return FirstCall(args.Length > 1 ? args[1] : "iris", args.Length > 2 ? args[2] : "staticnet");
        }
        if (args.Length > 0 && args[0] == "--info")
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"dotnet\": \"{RuntimeInformation.FrameworkDescription}\", \"vectorFloatCount\": {Vector<float>.Count}, \"fma\": {(Fma.IsSupported ? "true" : "false")}, \"avx512\": {(Avx512F.IsSupported ? "true" : "false")}, \"os\": \"{RuntimeInformation.OSDescription}\", \"onnxRuntime\": \"{Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString()}\"}}"));
            return 0;
        }
        if (args.Length > 0 && args[0] == "--ort-cpu")
        {
            return OrtCpu(args.Length > 1 ? args[1] : "mnist");
        }
        if (args.Length > 0 && args[0] == "--probe")
        {
            return Probe.Run(args.Skip(1).ToArray());
        }
        if (args.Length > 0 && args[0] == "--check")
        {
            foreach (string name in Workload.Names)
            {
                new Workload(name).CheckAgreement();
                Console.WriteLine($"{name}: all competitors agree with StaticNet (outputs, ONNX Runtime included, and one training step, 1e-4)");
            }
            return 0;
        }

        // Few, short iterations: the whole suite (64 cases) must finish in well under 15 minutes on 2 cores.
        Job job = Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(15)
            .WithIterationTime(TimeInterval.FromMilliseconds(120))
            .WithId("bench");
        IConfig config = DefaultConfig.Instance
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(JsonExporter.Full)
            .WithOptions(ConfigOptions.JoinSummary);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }

    /// <summary>
    /// Checks that the ONNX Runtime column runs on one core: ~2 s of batch-64 inference, then wall time, process CPU
    /// time (above wall time would mean more than one busy thread) and the process's thread count.
    /// </summary>
    private static int OrtCpu(string name)
    {
        var workload = new Workload(name);
        using OnnxRuntimeRunner onnx = workload.CreateOnnxRuntime();
        onnx.PredictBatch();
        using var process = Process.GetCurrentProcess();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        int calls = 0;
        while (watch.ElapsedMilliseconds < 2000)
        {
            onnx.PredictBatch();
            calls++;
        }
        double wall = watch.Elapsed.TotalSeconds;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"net\": \"{name}\", \"calls\": {calls}, \"wallSeconds\": {wall:F3}, \"cpuSeconds\": {cpu:F3}, \"cpuPerWall\": {cpu / wall:F2}, \"threads\": {process.Threads.Count}, \"usPerCall\": {wall * 1e6 / calls:F1}}}"));
        return 0;
    }

    /// <summary>In a fresh process: the time of constructing the network and of its first two Predict calls (JIT included).</summary>
    private static int FirstCall(string name, string competitor)
    {
        var total = Stopwatch.StartNew();
        var workload = new Workload(name);   // constructs the generated network (its static Description too)
        double setup = total.Elapsed.TotalMicroseconds;
        float[] input = workload.Input(0).ToArray();
        var output = new float[workload.OutputSize];
        Action predict;
        var watch = Stopwatch.StartNew();
        switch (competitor)
        {
            case "staticnet":
                INetwork<float> generated = workload.CreateGenerated();
                predict = () => generated.Predict(input, output);
                break;
            case "dynamic":
                DynamicNetwork<float> dynamic = workload.CreateDynamic();
                predict = () => dynamic.Predict(input, output);
                break;
            case "expert":
                ExpertMlp expert = workload.CreateExpert();
                predict = () => expert.Predict(input, output);
                break;
            case "naive":
                NaiveMlp naive = workload.CreateNaive();
                predict = () => naive.Predict(input);
                break;
            default:
                throw new ArgumentException($"Unknown competitor {competitor}.");
        }
        double construct = watch.Elapsed.TotalMicroseconds;
        watch.Restart();
        predict();
        double first = watch.Elapsed.TotalMicroseconds;
        watch.Restart();
        predict();
        double second = watch.Elapsed.TotalMicroseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"net\": \"{name}\", \"competitor\": \"{competitor}\", \"workloadSetupUs\": {setup:F1}, \"constructUs\": {construct:F1}, \"firstPredictUs\": {first:F1}, \"secondPredictUs\": {second:F1}}}"));
        return 0;
    }
}
