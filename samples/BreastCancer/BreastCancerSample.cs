using System.Globalization;
using System.IO;
using System.Threading;
using Samples.Common;
using Spectre.Console;
using StaticNet;
using StaticNet.Optimizers;

namespace Samples.BreastCancer;

/// <summary>What a run of the breast cancer sample produced; "positive" means malignant.</summary>
/// <param name="Accuracy">Share of the test cases classified right.</param>
/// <param name="Precision">Of the test cases called malignant, the share that are (TP / (TP + FP)).</param>
/// <param name="Recall">Of the malignant test cases, the share called malignant (TP / (TP + FN)).</param>
/// <param name="TruePositives">Malignant, called malignant.</param>
/// <param name="FalsePositives">Benign, called malignant.</param>
/// <param name="FalseNegatives">Malignant, called benign.</param>
/// <param name="TrueNegatives">Benign, called benign.</param>
/// <param name="History">Every epoch's metrics.</param>
/// <param name="WeightsPath">The saved safetensors file.</param>
public sealed record BreastCancerResult(
    double Accuracy, double Precision, double Recall,
    int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives,
    TrainingHistory History, string WeightsPath);

/// <summary>
/// Trains the generated <see cref="CancerClassifier"/> (30-16-1, relu then sigmoid, binary cross-entropy) on the
/// Wisconsin diagnostic breast cancer data and reports accuracy, precision and recall on held-out cases.
/// </summary>
public static class BreastCancerSample
{
    /// <summary>
    /// The data's label strings mapped to the network's 0/1 target: benign = 0, malignant = 1, so the sigmoid output
    /// is the probability of malignancy and malignant is the positive class of precision and recall.
    /// (scikit-learn's load_breast_cancer numbers them the other way round: malignant 0, benign 1.)
    /// </summary>
    private static readonly string[] Classes = ["benign", "malignant"];

    public static BreastCancerResult Run(BreastCancerSettings settings, IAnsiConsole console, CancellationToken cancellationToken = default)
    {
        console.Write(new Rule("[bold]StaticNet · breast cancer[/]").LeftJustified());

        CsvDataSet data = CsvDataSet.Load("breast_cancer.csv");
        (_, int[] labels) = data.EncodeLabels(Classes);
        (int[] trainRows, int[] testRows) = Split.Stratified(labels, settings.TestFraction, settings.Seed);
        float[] trainInputs = Split.Rows<float>(data.Features, data.FeatureCount, trainRows);
        float[] testInputs = Split.Rows<float>(data.Features, data.FeatureCount, testRows);
        int[] testLabels = Split.Rows<int>(labels, 1, testRows);

        // The 30 features span very different scales (areas in the thousands, fractal dimensions near 0.06).
        // Normalization is not yet baked into the network, so standardize here with training-split statistics.
        Standardizer standardizer = Standardizer.Fit(trainInputs, data.FeatureCount);
        standardizer.Apply(trainInputs);
        standardizer.Apply(testInputs);
        // With a single output, a label is the 0/1 target of the sigmoid (binary cross-entropy).
        var training = TrainingData<float>.FromLabels(trainInputs, Split.Rows<int>(labels, 1, trainRows), CancerClassifier.InputSize);
        var test = TrainingData<float>.FromLabels(testInputs, testLabels, CancerClassifier.InputSize);

        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Data: {data.Count} cases ({Count(labels, 1)} malignant, {Count(labels, 0)} benign) from {Path.GetFileName(data.Path)}; {training.Count} to train, {test.Count} to test (seed {settings.Seed})."));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Network: {CancerClassifier.InputSize}-16-{CancerClassifier.OutputSize} (relu, sigmoid), {CancerClassifier.ParameterCount} parameters, binary cross-entropy."));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Training: Adam, learning rate {settings.LearningRate} (cosine schedule), {settings.Epochs} epochs, batches of {settings.BatchSize}."));

        var network = new CancerClassifier(settings.Seed);
        var trainer = new Trainer<float>(network, new Adam(settings.LearningRate))
        {
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            Seed = settings.Seed,
            Schedule = LearningRateSchedule.Cosine(settings.Epochs),
        };
        TrainingHistory history = TrainingConsole.Fit(console, trainer, training, test, settings.LogEvery, "test", cancellationToken);

        int tp = 0, fp = 0, fn = 0, tn = 0;
        for (int row = 0; row < test.Count; row++)
        {
            bool predictedMalignant = network.Classify(test.Input(row)) == CancerClassifier.Label.Malignant;
            bool malignant = testLabels[row] == 1;
            if (predictedMalignant)
            {
                if (malignant) tp++; else fp++;
            }
            else
            {
                if (malignant) fn++; else tn++;
            }
        }

        double accuracy = (double)(tp + tn) / test.Count;
        double precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        CultureInfo c = CultureInfo.InvariantCulture;
        console.MarkupLine(string.Create(c, $"Test accuracy:  [bold]{accuracy * 100:F2}%[/] ({tp + tn} of {test.Count} cases)"));
        console.MarkupLine(string.Create(c, $"Precision:      [bold]{precision * 100:F2}%[/] (of {tp + fp} called malignant, {tp} are)"));
        console.MarkupLine(string.Create(c, $"Recall:         [bold]{recall * 100:F2}%[/] (of {tp + fn} malignant, {tp} were found)"));

        var table = new Table().Title("Test set: true class vs Classify()");
        table.AddColumn("true \\ predicted");
        table.AddColumn(new TableColumn("Label.Malignant").RightAligned());
        table.AddColumn(new TableColumn("Label.Benign").RightAligned());
        table.AddRow("malignant", $"[green]{tp}[/]", $"[red]{fn}[/]");
        table.AddRow("benign", $"[red]{fp}[/]", $"[green]{tn}[/]");
        console.Write(table);

        string output = SampleOutput.Resolve(settings.Output, "BreastCancer");
        string weightsPath = Path.Combine(output, "breast_cancer.safetensors");
        network.Save(weightsPath);
        console.WriteLine($"Saved the weights to {weightsPath}");
        return new BreastCancerResult(accuracy, precision, recall, tp, fp, fn, tn, history, weightsPath);
    }

    private static int Count(int[] labels, int value)
    {
        int count = 0;
        foreach (int label in labels)
        {
            count += label == value ? 1 : 0;
        }

        return count;
    }
}
