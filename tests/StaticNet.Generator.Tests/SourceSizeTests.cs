using System.Collections.Generic;
using System.Linq;
using StaticNet.Generator.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Generator.Tests;

/// <summary>DESIGN section 6: generated source grows with the number of layers, not with the number of weights.</summary>
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
        // From 240 thousand to 96 million weights at the same depth (widths with the same row-block remainders,
        // and the same remainders modulo 16, the widest vector, so only the weight count differs), the source stays within a few percent.
        int[] lengths = new[] { 400, 2000, 8016 }.Select(width => Generate(width, width, width / 2, 10).Length).ToArray();

        _output.WriteLine("widths 400, 2000, 8016: " + string.Join(", ", lengths));
        Assert.True(lengths.Max() < 1.02 * lengths.Min(), string.Join(", ", lengths));
    }

    [Fact]
    public void SourceSizeGrowsLinearlyWithDepth()
    {
        // Each extra 64-64 layer adds the same amount of code, whatever the depth.
        List<int> lengths = new[] { 2, 4, 8 }.Select(depth => Generate(Enumerable.Repeat(64, depth + 1).Append(10).ToArray()).Length).ToList();
        int perLayerShallow = (lengths[1] - lengths[0]) / 2;
        int perLayerDeep = (lengths[2] - lengths[1]) / 4;

        _output.WriteLine($"depths 2, 4, 8: {string.Join(", ", lengths)}; per layer {perLayerShallow}, {perLayerDeep}");
        Assert.InRange(perLayerDeep, perLayerShallow * 0.9, perLayerShallow * 1.1);
    }
}
