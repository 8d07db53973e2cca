using System;
using System.Linq;
using Xunit;

namespace StaticNet.Tests;

public class BatchPredictorTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(31, 2)]
    [InlineData(64, 2)]
    [InlineData(100, 3)]
    [InlineData(100, 1)]
    public void Sharded_prediction_equals_one_PredictBatch_call(int count, int threads)
    {
        var network = new MnistNet(seed: 4);
        var random = new SeededRandom(9);
        float[] inputs = Enumerable.Range(0, count * MnistNet.InputSize).Select(_ => (float)random.NextDouble()).ToArray();
        float[] expected = new float[count * MnistNet.OutputSize];
        float[] actual = new float[count * MnistNet.OutputSize];
        network.PredictBatch(inputs, expected);

        using var predictor = new BatchPredictor<float>(network, threads);
        predictor.PredictBatch(inputs, actual);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Checks_arguments_and_does_not_allocate_after_warm_up()
    {
        var network = new MnistNet(seed: 4);
        using var predictor = new BatchPredictor<float>(network, threads: 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchPredictor<float>(network, 0));
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => predictor.PredictBatch(new float[7], new float[10])).ParamName);
        Assert.Equal("outputs", Assert.Throws<ArgumentException>(() => predictor.PredictBatch(new float[MnistNet.InputSize], new float[3])).ParamName);

        float[] inputs = new float[64 * MnistNet.InputSize], outputs = new float[64 * MnistNet.OutputSize];
        predictor.PredictBatch(inputs, outputs);
        Assert.Equal(0, AllocationMeter.Measure(() => predictor.PredictBatch(inputs, outputs)));
    }
}
