using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using StaticNet.Optimizers;
using Xunit;

namespace StaticNet.Tests.Training;

/// <summary>
/// What users read: ordered epoch reports, classification reports and confusion matrices, model summaries,
/// <see cref="EpochMetrics"/> lines and the topology hash of run-time descriptions.
/// </summary>
public class ReportingTests
{
    // ---- ordered progress ----

    [Fact]
    public void SynchronousProgress_ReportsEveryEpochInOrderOnTheTrainingThreadBeforeFitReturns()
    {
        TrainingData<double> data = SyntheticData.Blobs<double>(40, 3, seed: 2);
        var trainer = new Trainer<double>(new LinearNetwork<double>(2, 3, Activation.Softmax), new Adam(0.05))
        {
            Epochs = 12, BatchSize = 8, Seed = 1, Threads = 1,
        };
        var seen = new List<(int Epoch, int Thread)>();
        int caller = Environment.CurrentManagedThreadId;

        TrainingHistory history = trainer.Fit(data, null, new SynchronousProgress<EpochMetrics>(m => seen.Add((m.Epoch, Environment.CurrentManagedThreadId))));

        Assert.Equal(Enumerable.Range(1, 12), seen.Select(s => s.Epoch));
        Assert.All(seen, s => Assert.Equal(caller, s.Thread));
        Assert.Equal(history.Epochs.Count, seen.Count);
        Assert.Throws<ArgumentNullException>(() => new SynchronousProgress<EpochMetrics>(null!));
    }

    [Fact]
    public void SynchronousProgress_AHandlerExceptionStopsTraining()
    {
        var trainer = new Trainer<double>(new LinearNetwork<double>(2, 3, Activation.Softmax), new Sgd(0.1)) { Epochs = 5, Seed = 1 };
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(SyntheticData.Blobs<double>(20, 3, seed: 2), null,
            new SynchronousProgress<EpochMetrics>(m => throw new InvalidOperationException($"stop at {m.Epoch}"))));
        Assert.Equal("stop at 1", e.Message);
    }

    // ---- classification report and confusion matrix ----

    [Fact]
    public void ClassificationReport_MatchesScikitLearnsExample()
    {
        // sklearn.metrics.classification_report's documented example, character for character.
        var report = ConfusionMatrix.FromPredictions([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], ["class 0", "class 1", "class 2"]).ToReport();
        const string Expected =
            "              precision    recall  f1-score   support\n" +
            "\n" +
            "     class 0       0.50      1.00      0.67         1\n" +
            "     class 1       0.00      0.00      0.00         1\n" +
            "     class 2       1.00      0.67      0.80         3\n" +
            "\n" +
            "    accuracy                           0.60         5\n" +
            "   macro avg       0.50      0.56      0.49         5\n" +
            "weighted avg       0.70      0.60      0.61         5\n";
        Assert.Equal(Expected, report.ToString());

        Assert.Equal(0.6, report.Accuracy, 12);
        Assert.Equal(5, report.Support);
        Assert.Equal("class 2", report.Classes[2].Label);
        Assert.Equal(1.0, report.Classes[2].Precision);
        Assert.Equal(0.8, report.Classes[2].F1, 12);
        Assert.Equal(3, report.Classes[2].Support);
        Assert.Equal(2.0 / 3, report.Classes[2].Recall, 12);
        Assert.Equal((0.5 + 0 + 1) / 3, report.MacroAverage.Precision, 12);
        Assert.Equal((0.5 * 1 + 0 * 1 + 1 * 3) / 5, report.WeightedAverage.Precision, 12);
    }

    [Fact]
    public void ClassificationReport_ZeroDivisionGivesZeroAsScikitLearn()
    {
        // Class 1 is predicted but absent (recall 0/0); class 2 is neither (precision, recall and F1 0/0).
        var report = ConfusionMatrix.FromPredictions([0, 0, 0], [0, 1, 0], ["a", "b", "c"]).ToReport();
        Assert.Equal(new ClassMetrics("b", 0, 0, 0, 0), report.Classes[1]);
        Assert.Equal(new ClassMetrics("c", 0, 0, 0, 0), report.Classes[2]);
        Assert.Equal(1.0, report.Classes[0].Precision);
        Assert.Equal(2.0 / 3, report.Classes[0].Recall, 12);
        Assert.Equal(0.8, report.Classes[0].F1, 12);
        Assert.Equal(0.8 / 3, report.MacroAverage.F1, 12);
        Assert.Equal(0.8, report.WeightedAverage.F1, 12);
        Assert.DoesNotContain("NaN", report.ToString());
    }

    [Fact]
    public void ConfusionMatrix_OfANetworkCountsItsClassifications()
    {
        TrainingData<double> data = SyntheticData.Blobs<double>(60, 3, seed: 2, spread: 2.5);
        var network = new LinearNetwork<double>(2, 3, Activation.Softmax, seed: 3);
        new Trainer<double>(network, new Sgd(0.1)) { Epochs = 2, Seed = 1 }.Fit(data);

        ConfusionMatrix matrix = ConfusionMatrix.Compute(network, data);
        var expected = new long[3, 3];
        for (int row = 0; row < data.Count; row++)
        {
            expected[data.Labels[row], network.Classify(data.Input(row))]++;
        }
        for (int a = 0; a < 3; a++)
        {
            for (int p = 0; p < 3; p++)
            {
                Assert.Equal(expected[a, p], matrix[a, p]);
            }
            Assert.Equal(20, matrix.ActualCount(a));
        }
        Assert.Equal(60, matrix.Total);
        Assert.Equal(["0", "1", "2"], matrix.Labels);
        Assert.Equal(Trainer.Evaluate(network, data).Accuracy, matrix.Accuracy);
        Assert.Equal(matrix.Accuracy, ClassificationReport.Compute(network, data).Accuracy);
        Assert.Throws<ArgumentOutOfRangeException>(() => matrix[3, 0]);

        string[] lines = matrix.ToString().Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^actual \\ predicted +0 +1 +2$", lines[0]);
        Assert.EndsWith(expected[2, 2].ToString(), lines[3]);

        // Regression targets name no class.
        Assert.Throws<ArgumentException>(() => ConfusionMatrix.Compute(new LinearNetwork<double>(2, 1, Activation.Identity), SyntheticData.Regression<double>(10, seed: 1)));
    }

    [Fact]
    public void ConfusionMatrix_UsesTheNetworksLabels_AndTwoClassesForOneSigmoidOutput()
    {
        TrainingData<float> iris = CsvDataSet.Load("iris").ToStandardizedTrainingData<float>();
        var network = new TrainerIris(seed: 1);
        ConfusionMatrix matrix = ConfusionMatrix.Compute(network, iris);
        Assert.Equal(["setosa", "versicolor", "virginica"], matrix.Labels);
        Assert.StartsWith("actual \\ predicted  setosa  versicolor  virginica", matrix.ToString());

        var xor = TrainingData<float>.FromLabels([0, 0, 0, 1, 1, 0, 1, 1], [0, 1, 1, 0], 2);
        ConfusionMatrix binary = ConfusionMatrix.Compute(new TrainerXor(seed: 1), xor);
        Assert.Equal(2, binary.ClassCount);
        Assert.Equal(4, binary.Total);
    }

    // ---- model summary ----

    [Fact]
    public void NetworkDescription_PrintsASummaryOfLayersShapesActivationsAndParameters()
    {
        string summary = TrainerIris.Description.ToString();
        string[] lines = summary.Split('\n');
        Assert.Equal("TrainerIris (float): 4 inputs, loss cross_entropy", lines[0]);
        Assert.Matches(@"^Layer\s+Output shape\s+Activation\s+Param #$", lines[1]);
        Assert.Matches(@"^input\s+\(batch, 4\)$", lines[3]);
        Assert.Matches(@"^0 \(Dense\)\s+\(batch, 16\)\s+relu\s+80$", lines[4]);
        Assert.Matches(@"^2 \(Dense\)\s+\(batch, 3\)\s+softmax\s+51$", lines[5]);
        Assert.Equal("Total params: 131 (524 B)", lines[7]);
        Assert.Equal("Labels: setosa, versicolor, virginica", lines[8]);
        Assert.DoesNotContain("{", summary);

        string deep = GoldenEluLeakyLogits.Description.ToString();
        Assert.Contains("elu(0.7)", deep);
        Assert.Contains("leaky_relu(0.2)", deep);
        Assert.Contains("(Dense, no bias)", deep);
        Assert.Contains("(double)", deep);
        Assert.Contains("normalized", IrisNormalized.Description.ToString());
        Assert.Contains("Total params: 109,386", MnistNet.Description.ToString());
    }

    // ---- epoch metrics ----

    [Fact]
    public void EpochMetrics_PrintsAsDocumented()
    {
        var metrics = new EpochMetrics(3, 0.1234, 0.95, 0.2, 0.9333333, 0.001, TimeSpan.FromMilliseconds(12));
        Assert.Equal("epoch 3: loss 0.1234, accuracy 95.00%, val_loss 0.2, val_accuracy 93.33%, lr 0.001, 12 ms", metrics.ToString());

        var plain = new EpochMetrics(1, 2.5, null, null, null, 0.1, TimeSpan.FromMilliseconds(1.4));
        Assert.Equal("epoch 1: loss 2.5, lr 0.1, 1 ms", plain.ToString());
    }

    // ---- topology hash ----

    public static TheoryData<string> GeneratedNetworks => new()
    {
        "TrainerIris", "TrainerXor", "MnistNet", "IrisNormalized", "GoldenEluLeakyLogits", "GradLeakyReluMseNoBias", "DeepEluDouble",
    };

    private static NetworkDescription DescriptionOf(string name) => name switch
    {
        "TrainerIris" => TrainerIris.Description,
        "TrainerXor" => TrainerXor.Description,
        "MnistNet" => MnistNet.Description,
        "IrisNormalized" => IrisNormalized.Description,
        "GoldenEluLeakyLogits" => GoldenEluLeakyLogits.Description,
        "GradLeakyReluMseNoBias" => GradLeakyReluMseNoBias.Description,
        "DeepEluDouble" => DeepEluDouble.Description,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(GeneratedNetworks))]
    public void TopologyHash_ComputedAtRunTimeEqualsTheGenerators(string name)
    {
        NetworkDescription generated = DescriptionOf(name);
        Assert.Equal(generated.TopologyHash, NetworkDescription.ComputeTopologyHash(generated.InputSize, generated.Layers));

        var rebuilt = new NetworkDescription(generated.Name, generated.Precision, generated.InputSize, generated.Layers,
            generated.Loss, generated.Labels, generated.InputNames);
        Assert.Equal(generated.TopologyHash, rebuilt.TopologyHash);
    }

    [Fact]
    public void TopologyHash_DependsOnTheTopology()
    {
        NetworkDescription iris = TrainerIris.Description;
        var wider = iris.Layers.Select(l => l.Index == 0 ? l with { Units = 17 } : l).ToArray();
        Assert.NotEqual(iris.TopologyHash, NetworkDescription.ComputeTopologyHash(iris.InputSize, wider));
        Assert.NotEqual(iris.TopologyHash, NetworkDescription.ComputeTopologyHash(5, iris.Layers));
        var noBias = iris.Layers.Select(l => l with { HasBias = false }).ToArray();
        Assert.NotEqual(iris.TopologyHash, NetworkDescription.ComputeTopologyHash(iris.InputSize, noBias));
    }
}
