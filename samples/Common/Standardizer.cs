using System;

namespace Samples.Common;

/// <summary>
/// Scales each feature to zero mean and unit variance with the mean and standard deviation of the training rows
/// (as scikit-learn's StandardScaler). The network does not normalize its inputs itself (normalization is not
/// yet baked into a StaticNet network), so every input it sees, in training and afterwards, goes through
/// <see cref="Apply"/> with the same statistics.
/// </summary>
internal sealed class Standardizer
{
    private Standardizer(float[] mean, float[] scale)
    {
        Mean = mean;
        Scale = scale;
    }

    /// <summary>Mean of each feature over the training rows.</summary>
    public float[] Mean { get; }

    /// <summary>Population standard deviation of each feature over the training rows (1 for a constant feature).</summary>
    public float[] Scale { get; }

    /// <summary>Measures the statistics of the row-major <paramref name="features"/>, <paramref name="width"/> per row.</summary>
    public static Standardizer Fit(ReadOnlySpan<float> features, int width)
    {
        int rows = features.Length / width;
        double[] sum = new double[width];
        double[] sumOfSquares = new double[width];
        for (int row = 0; row < rows; row++)
        {
            for (int j = 0; j < width; j++)
            {
                double x = features[row * width + j];
                sum[j] += x;
                sumOfSquares[j] += x * x;
            }
        }

        float[] mean = new float[width];
        float[] scale = new float[width];
        for (int j = 0; j < width; j++)
        {
            double m = sum[j] / rows;
            double variance = Math.Max(0, sumOfSquares[j] / rows - m * m);
            mean[j] = (float)m;
            scale[j] = variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
        }

        return new Standardizer(mean, scale);
    }

    /// <summary>Standardizes row-major features in place.</summary>
    public void Apply(Span<float> features)
    {
        int width = Mean.Length;
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = (features[i] - Mean[i % width]) / Scale[i % width];
        }
    }

    /// <summary>A standardized copy of the row-major features.</summary>
    public float[] Transform(ReadOnlySpan<float> features)
    {
        float[] copy = features.ToArray();
        Apply(copy);
        return copy;
    }
}
