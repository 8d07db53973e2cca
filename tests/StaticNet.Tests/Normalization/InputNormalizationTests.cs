using System;
using System.IO;
using System.Linq;
using StaticNet.Optimizers;
using StaticNet.Tests.Training;
using Xunit;

namespace StaticNet.Tests.Normalization;

/// <summary>"normalize" in a spec: shift and scale inside the network, fitted from data, saved with the weights.</summary>
public sealed class InputNormalizationTests
{
    private static readonly float[] Rows =
    {
        5.1f, 3.5f, 1.4f, 0.2f,
        7.0f, 3.2f, 4.7f, 1.4f,
        6.3f, 3.3f, 6.0f, 2.5f,
        4.9f, 3.0f, 1.4f, 0.2f,
    };

    [Fact]
    public void FitNormalization_computes_the_mean_and_population_deviation()
    {
        var network = new IrisNormalized(seed: 1);
        Assert.Equal(new float[] { 0, 0, 0, 0, 1, 1, 1, 1 }, network.NormalizationParameters.ToArray());
        network.FitNormalization(Rows);
        for (int i = 0; i < 4; i++)
        {
            double[] column = Enumerable.Range(0, 4).Select(r => (double)Rows[r * 4 + i]).ToArray();
            double mean = column.Average();
            double deviation = Math.Sqrt(column.Select(v => (v - mean) * (v - mean)).Average());
            Assert.Equal(mean, network.NormalizationParameters[i], 5);
            Assert.Equal(1 / deviation, network.NormalizationParameters[4 + i], 4);
        }
    }

    [Fact]
    public void Min_max_standard_and_none_can_be_mixed_per_input()
    {
        var network = new MixedNormalized(seed: 1);
        double[] rows = { 1, 10, 5, 3, 30, 6, 5, 20, 7 };
        network.FitNormalization(rows);
        double[] p = network.NormalizationParameters.ToArray();
        Assert.Equal(3, p[0], 12);                       // mean of 1, 3, 5
        Assert.Equal(1 / Math.Sqrt(8.0 / 3), p[3], 12);   // population deviation
        Assert.Equal(10, p[1], 12);                      // min
        Assert.Equal(1.0 / 20, p[4], 12);                // 1 / range
        Assert.Equal(0, p[2]);                           // none: identity
        Assert.Equal(1, p[5]);
        Assert.Equal(new[] { NormalizationKind.Standard, NormalizationKind.MinMax, NormalizationKind.None }, MixedNormalized.Description.Normalization);
    }

    [Fact]
    public void Predict_and_gradients_see_the_normalized_inputs()
    {
        var normalized = new IrisNormalized(seed: 4);
        var plain = new IrisNet(seed: 4);
        Assert.True(normalized.Parameters.SequenceEqual(plain.Parameters));
        normalized.FitNormalization(Rows);
        float[] shift = normalized.NormalizationParameters[..4].ToArray();
        float[] scale = normalized.NormalizationParameters[4..].ToArray();

        float[] raw = { 6.1f, 2.8f, 4.7f, 1.2f };
        float[] manual = raw.Select((v, i) => (v - shift[i]) * scale[i]).ToArray();
        float[] expected = new float[3], actual = new float[3];
        plain.Predict(manual, expected);
        normalized.Predict(raw, actual);
        Assert.Equal(expected, actual);
        Assert.Equal((int)plain.Classify(manual), (int)normalized.Classify(raw));

        float[] batch = new float[3 * 2];
        normalized.PredictBatch(raw.Concat(raw).ToArray(), batch);
        Assert.Equal(actual.Concat(actual), batch);

        float[] expectedGradient = new float[IrisNet.ParameterCount], actualGradient = new float[IrisNet.ParameterCount];
        Assert.Equal(plain.AccumulateGradient(manual, 1, expectedGradient), normalized.AccumulateGradient(raw, 1, actualGradient));
        Assert.Equal(expectedGradient, actualGradient);
    }

    [Fact]
    public void Weight_files_carry_the_normalization()
    {
        var network = new IrisNormalized(seed: 2);
        network.FitNormalization(Rows);
        var stream = new MemoryStream();
        network.Save(stream);
        stream.Position = 0;
        IrisNormalized loaded = IrisNormalized.Load(stream);
        Assert.Equal(network.NormalizationParameters.ToArray(), loaded.NormalizationParameters.ToArray());
        Assert.True(network.Parameters.SequenceEqual(loaded.Parameters));

        // A file without normalization (PyTorch's, or an un-normalized network's) keeps the network's own.
        var plainStream = new MemoryStream();
        new IrisNet(seed: 3).Save(plainStream);
        plainStream.Position = 0;
        WeightFile.Load(loaded, plainStream);
        Assert.Equal(network.NormalizationParameters.ToArray(), loaded.NormalizationParameters.ToArray());

        // A normalized file does not silently lose its normalization in a network without one.
        stream.Position = 0;
        var error = Assert.Throws<WeightFileException>(() => WeightFile.Load(new IrisNet(seed: 1), stream));
        Assert.Contains(InputNormalization.ShiftKey, error.Message);
    }

    [Fact]
    public void Raw_iris_features_train_to_95_percent_with_the_normalization_fitted_in_the_network()
    {
        CsvDataSet iris = CsvDataSet.Load("iris");
        var (training, validation) = iris.ToTrainingData<float>().Split(0.2, seed: 1);
        var network = new IrisNormalized(seed: 1);
        network.FitNormalization(training.Inputs);
        var trainer = new Trainer<float>(network, new Adam(1e-2))
        {
            Epochs = 100, BatchSize = 16, Seed = 1, Threads = 1, Schedule = LearningRateSchedule.Cosine(100),
        };
        trainer.Fit(training);
        double? accuracy = Trainer.Evaluate(network, validation).Accuracy;
        Assert.True(accuracy >= 0.95, $"held-out accuracy {accuracy}");
    }

    [Fact]
    public void Normalized_prediction_does_not_allocate()
    {
        var network = new IrisNormalized(seed: 1);
        float[] input = { 5.1f, 3.5f, 1.4f, 0.2f }, output = new float[3], gradient = new float[IrisNormalized.ParameterCount];
        network.Predict(input, output);
        network.AccumulateGradient(input, 0, gradient);
        long before = GC.GetAllocatedBytesForCurrentThread();
        network.Predict(input, output);
        network.Classify(input);
        network.AccumulateGradient(input, 0, gradient);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Fitting_a_network_without_normalization_says_how_to_add_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => InputNormalization.Fit<float>(new IrisNet(seed: 1), Rows));
        Assert.Contains("normalize", error.Message);
    }
}
