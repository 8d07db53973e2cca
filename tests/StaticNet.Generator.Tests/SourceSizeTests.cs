using System.Collections.Generic;
using System.IO;
using System.Linq;
using StaticNet.Generator.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Generator.Tests;

/// <summary>
/// DESIGN section 6 and issue 12: generated source grows with the number of layers, not with the number of weights,
/// and stays within budgets a reviewer can read and a build can afford.
/// </summary>
public sealed class SourceSizeTests
{
    private readonly ITestOutputHelper _output;

    public SourceSizeTests(ITestOutputHelper output) => _output = output;

    private static string Generate(params int[] sizes)
    {
        string layers = string.Join(", ", sizes.Skip(1).Select((units, i) =>
            $"{{ \"units\": {units}, \"activation\": \"{(i == sizes.Length - 2 ? "softmax" : "relu")}\" }}"));
        GeneratorRun run = GeneratorHarness.Run($"{{ \"name\": \"Net\", \"inputs\": {sizes[0]}, \"layers\": [{layers}] }}");
        Assert.Empty(run.Diagnostics);
        return run.SingleSource();
    }

    private static int Lines(string source) => source.TrimEnd('\n').Split('\n').Length;

    private static string BenchmarkSpec(string name) =>
        File.ReadAllText(Path.Combine(SourcePaths.ProjectDirectory, "..", "..", "bench", "StaticNet.Benchmarks", "Specs", name + ".staticnet.json"));

    /// <summary>
    /// Lines including docs. Issue 12's budgets are XOR 250, iris 300, mnist 400; not met yet (the public surface and
    /// its docs alone are about 230 lines), so these hold today's counts as ceilings that must not grow.
    /// </summary>
    [Theory]
    [InlineData("Xor", 250, 420)]
    [InlineData("Iris", 300, 520)]
    [InlineData("Mnist", 400, 420)]
    public void LineCountsStayWithinTheirCeilings(string name, int budget, int ceiling)
    {
        string spec = name == "Xor" ? SampleSpecs.Tiny : BenchmarkSpec(name);
        int lines = Lines(GeneratorHarness.Run(spec).SingleSource());
        _output.WriteLine($"{name}: {lines} lines (issue 12 budget {budget}: {(lines <= budget ? "met" : "not met")}; ceiling {ceiling})");
        Assert.InRange(lines, 1, ceiling);
    }

    [Theory]
    [InlineData("Iris")]
    [InlineData("Digits")]
    [InlineData("Mnist")]
    [InlineData("Wide")]
    public void BenchmarkNetworksAreUnder40Kilobytes(string name)
    {
        int bytes = System.Text.Encoding.UTF8.GetByteCount(GeneratorHarness.Run(BenchmarkSpec(name)).SingleSource());
        _output.WriteLine($"{name}: {bytes} bytes");
        Assert.InRange(bytes, 1, 40 * 1024);
    }

    [Fact]
    public void EachHiddenLayerAddsAtMostTwoKilobytes()
    {
        // Each extra 64-64 layer adds the same amount of code, whatever the depth, and at most 2 KB.
        List<int> lengths = new[] { 2, 4, 8 }.Select(depth => Generate(Enumerable.Repeat(64, depth + 1).Append(10).ToArray()).Length).ToList();
        int perLayerShallow = (lengths[1] - lengths[0]) / 2;
        int perLayerDeep = (lengths[2] - lengths[1]) / 4;

        _output.WriteLine($"depths 2, 4, 8: {string.Join(", ", lengths)}; per layer {perLayerShallow}, {perLayerDeep}");
        Assert.InRange(perLayerDeep, perLayerShallow * 0.9, perLayerShallow * 1.1);
        Assert.InRange(perLayerDeep, 1, 2048);
    }

    [Fact]
    public void TwoHundredLayersGenerateLessThanOneMegabyte()
    {
        int length = Generate(Enumerable.Repeat(16, 200).Append(10).ToArray()).Length;
        _output.WriteLine($"200 layers of 16: {length} chars");
        Assert.InRange(length, 1, 1024 * 1024);
    }

    [Fact]
    public void MnistSizedNetworkIsNotMuchLargerThanOneTenTimesSmaller()
    {
        string large = Generate(784, 128, 64, 10);   // 109,386 parameters
        string small = Generate(78, 12, 6, 10);      //   1,100 parameters

        _output.WriteLine($"784-128-64-10: {large.Length} chars; 78-12-6-10: {small.Length} chars; ratio {(double)large.Length / small.Length:F3}");
        Assert.True(large.Length < 1.2 * small.Length, $"784-128-64-10: {large.Length} chars; 78-12-6-10: {small.Length} chars");
    }

    [Fact]
    public void SourceSizeIsBoundedWhateverTheWidth()
    {
        // From 240 thousand to 96 million weights at the same depth, the source stays within a few percent.
        int[] lengths = new[] { 400, 2000, 8016 }.Select(width => Generate(width, width, width / 2, 10).Length).ToArray();

        _output.WriteLine("widths 400, 2000, 8016: " + string.Join(", ", lengths));
        Assert.True(lengths.Max() < 1.02 * lengths.Min(), string.Join(", ", lengths));
    }
}
