using System;
using System.Linq;
using System.Numerics;
using Xunit;

namespace StaticNet.Tests.Numerics;

/// <summary>The runtime pieces of the feature-major tiles: the layout changes and the all-lanes cross-entropy.</summary>
public class TileKernelTests
{
    [Theory]
    [InlineData(1, 3)]
    [InlineData(5, 7)]
    [InlineData(32, 10)]
    [InlineData(17, 784)]
    [InlineData(24, 16)]
    public void Rows_go_feature_major_and_back_with_idle_lanes_zeroed(int count, int features)
    {
        int width = 32;
        float[] rows = Enumerable.Range(0, count * features).Select(i => (float)i + 1).ToArray();
        float[] tile = Enumerable.Repeat(float.NaN, features * width).ToArray();

        Kernels.ToFeatureMajor<float>(rows, features, tile);

        for (int k = 0; k < features; k++)
        {
            for (int s = 0; s < width; s++)
            {
                Assert.Equal(s < count ? rows[s * features + k] : 0f, tile[k * width + s]);
            }
        }
        float[] back = new float[count * features];
        Kernels.ToSampleMajor<float>(tile, features, back);
        Assert.Equal(rows, back);
        Assert.Throws<ArgumentException>(() => Kernels.ToFeatureMajor<float>(new float[33 * features], features, tile));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(32)]
    public void Cross_entropy_of_all_lanes_matches_the_per_sample_formula(int count)
    {
        const int units = 10;
        int width = 4 * Vector<float>.Count;
        count = Math.Min(count, width);   // 16 lanes without AVX2
        var random = new SeededRandom(5);
        float[] z = Enumerable.Range(0, units * width).Select(_ => (float)random.NextUniform(-8, 8)).ToArray();
        float[] t = new float[units * width];
        for (int s = 0; s < count; s++)
        {
            for (int j = 0; j < units; j++)
            {
                t[j * width + s] = s % 3 == 0 ? (j == s % units ? 1f : 0f) : (float)random.NextDouble();   // one-hot and soft targets
            }
        }
        float[] delta = new float[units * width];

        float loss = Kernels.SoftmaxCrossEntropy(z, t, units, count, delta);

        double expectedLoss = 0;
        for (int s = 0; s < width; s++)
        {
            double max = Enumerable.Range(0, units).Max(j => (double)z[j * width + s]);
            double total = Enumerable.Range(0, units).Sum(j => Math.Exp(z[j * width + s] - max));
            double logSumExp = max + Math.Log(total);
            double targetSum = Enumerable.Range(0, units).Sum(j => (double)t[j * width + s]);
            for (int j = 0; j < units; j++)
            {
                double softmax = Math.Exp(z[j * width + s] - max) / total;
                double expected = softmax * targetSum - t[j * width + s];
                Assert.Equal(expected, delta[j * width + s], 1e-6 * Math.Max(1, Math.Abs(expected)));
                if (s < count)
                {
                    expectedLoss += t[j * width + s] * (logSumExp - z[j * width + s]);
                }
            }
        }
        Assert.Equal(expectedLoss, loss, Math.Max(1e-5, Math.Abs(expectedLoss) * 1e-6));
    }

    [Fact]
    public void Softmax_of_all_lanes_matches_the_per_sample_formula()
    {
        const int units = 7;
        int width = 4 * Vector<float>.Count;
        var random = new SeededRandom(6);
        float[] z = Enumerable.Range(0, units * width).Select(_ => (float)random.NextUniform(-30, 30)).ToArray();
        float[] tile = z.ToArray();

        Kernels.Softmax(tile, units);

        for (int s = 0; s < width; s++)
        {
            double max = Enumerable.Range(0, units).Max(j => (double)z[j * width + s]);
            double total = Enumerable.Range(0, units).Sum(j => Math.Exp(z[j * width + s] - max));
            for (int j = 0; j < units; j++)
            {
                Assert.Equal(Math.Exp(z[j * width + s] - max) / total, tile[j * width + s], 1e-6);
            }
        }
    }

    [Fact]
    public void Cross_entropy_of_a_nan_logit_is_not_finite()
    {
        int width = 4 * Vector<float>.Count;
        float[] z = new float[3 * width], t = new float[3 * width], delta = new float[3 * width];
        t[0] = 1f;
        z[width] = float.NaN;   // sample 0, unit 1, whose target is 0
        Assert.False(float.IsFinite(Kernels.SoftmaxCrossEntropy(z, t, 3, 1, delta)));
    }
}
