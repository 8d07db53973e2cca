using System;
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
/// <param name="WeightsPath">The saved safetensors file (weights and normalization).</param>
/// <param name="ReloadedMatches">
/// Whether the network loaded back from <paramref name="WeightsPath"/> has the trained parameters and the fitted
/// normalization, and gives every raw test case the same class.
/// </param>
public sealed record BreastCancerResult(
    double Accuracy, double Precision, double Recall,
    int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives,
    TrainingHistory History, string WeightsPath, bool ReloadedMatches);

/// <summary>
/// Trains the generated <see cref="CancerClassifier"/> (30-16-1, relu then sigmoid, binary cross-entropy, inputs
/// standardized inside the network) on the raw Wisconsin diagnostic breast cancer features, reports accuracy, precision
/// and recall on held-out cases, and saves, reloads and uses the network as a deployed program would.
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

        // Raw features throughout: the network standardizes its inputs itself ("normalize": "standard").
        // With a single output, a label is the 0/1 target of the sigmoid (binary cross-entropy).
        var training = TrainingData<float>.FromLabels(trainInputs, Split.Rows<int>(labels, 1, trainRows), CancerClassifier.InputSize);
        var test = TrainingData<float>.FromLabels(testInputs, testLabels, CancerClassifier.InputSize);

        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Data: {data.Count} cases ({Count(labels, 1)} malignant, {Count(labels, 0)} benign) from {Path.GetFileName(data.Path)}; {training.Count} to train, {test.Count} to test (seed {settings.Seed})."));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Network: {CancerClassifier.InputSize}-16-{CancerClassifier.OutputSize} (relu, sigmoid), {CancerClassifier.ParameterCount} parameters, binary cross-entropy."));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Training: Adam, learning rate {settings.LearningRate} (cosine schedule), {settings.Epochs} epochs, batches of {settings.BatchSize}."));

        // The 30 features span very different scales (areas in the thousands, fractal dimensions near 0.06).
        // FitNormalization measures each feature's mean and deviation on the training split only; Predict, Classify
        // and training then standardize inside the network, and the weight file stores the statistics.
        var network = new CancerClassifier(settings.Seed);
        network.FitNormalization(trainInputs);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Normalization (standard, in the network): fitted on the {training.Count} training cases only."));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  e.g. mean_area {network.NormalizationParameters[MeanArea]:F1} (sd {1 / network.NormalizationParameters[CancerClassifier.InputSize + MeanArea]:F1}), mean_fractal_dimension {network.NormalizationParameters[MeanFractalDimension]:F4} (sd {1 / network.NormalizationParameters[CancerClassifier.InputSize + MeanFractalDimension]:F4})"));

        var trainer = new Trainer<float>(network, new Adam(settings.LearningRate))
        {
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            Seed = settings.Seed,
            Schedule = LearningRateSchedule.Cosine(settings.Epochs),
        };
        TrainingHistory history = TrainingConsole.Fit(console, trainer, training, test, settings.LogEvery, "test", cancellationToken);

        // StaticNet's ClassificationReport: the confusion matrix of Classify() on the test set, and per class (the
        // network's labels, benign = 0, malignant = 1) precision, recall and F1 as scikit-learn's classification_report.
        ClassificationReport report = ClassificationReport.Compute(network, test);
        ConfusionMatrix confusion = report.ConfusionMatrix;
        const int Benign = 0, Malignant = 1;
        int tp = (int)confusion[Malignant, Malignant], fp = (int)confusion[Benign, Malignant];
        int fn = (int)confusion[Malignant, Benign], tn = (int)confusion[Benign, Benign];
        double accuracy = report.Accuracy;
        double precision = report.Classes[Malignant].Precision;
        double recall = report.Classes[Malignant].Recall;
        CultureInfo c = CultureInfo.InvariantCulture;
        console.MarkupLine(string.Create(c, $"Test accuracy:  [bold]{accuracy * 100:F2}%[/] ({tp + tn} of {test.Count} cases)"));
        console.MarkupLine(string.Create(c, $"Precision:      [bold]{precision * 100:F2}%[/] (of {tp + fp} called malignant, {tp} are)"));
        console.MarkupLine(string.Create(c, $"Recall:         [bold]{recall * 100:F2}%[/] (of {tp + fn} malignant, {tp} were found)"));
        console.WriteLine(report.ToString());

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
        console.WriteLine($"Saved the weights and the normalization to {weightsPath}");

        // Load them back as a deployed program would, and classify raw cases: no scaling outside the network.
        CancerClassifier reloaded = CancerClassifier.Load(weightsPath);
        bool sameParameters = reloaded.Parameters.SequenceEqual(network.Parameters);
        bool sameNormalization = reloaded.NormalizationParameters.SequenceEqual(network.NormalizationParameters);
        bool sameClasses = true;
        for (int row = 0; row < test.Count; row++)
        {
            sameClasses &= reloaded.Classify(test.Input(row)) == network.Classify(test.Input(row));
        }

        console.WriteLine($"Loaded them back with CancerClassifier.Load: {(sameParameters ? "the same parameters" : "THE PARAMETERS DIFFER")}, {(sameNormalization ? "the same normalization" : "THE NORMALIZATION DIFFERS")}.");
        console.WriteLine(string.Create(c,
            $"The reloaded network gives {(sameClasses ? "the same class as the trained one" : "A DIFFERENT CLASS THAN THE TRAINED ONE")} to {(sameClasses ? "each" : "some")} of the {test.Count} raw test cases."));
        console.Write(PredictionTable(reloaded, data, testRows, testLabels));
        console.WriteLine("A deployed network takes the raw measurements: it standardizes them itself, with the statistics in its weight file.");
        return new BreastCancerResult(accuracy, precision, recall, tp, fp, fn, tn, history, weightsPath, sameParameters && sameNormalization && sameClasses);
    }

    private const int MeanArea = 3, MeanFractalDimension = 9;

    /// <summary>A few raw test cases (four of their 30 features shown) classified by the reloaded network.</summary>
    private static Table PredictionTable(CancerClassifier network, CsvDataSet data, int[] testRows, int[] testLabels)
    {
        var table = new Table().Title("A few test cases, raw features, classified by the reloaded network");
        foreach (int feature in new[] { 0, 1, MeanArea, MeanFractalDimension })
        {
            table.AddColumn(new TableColumn(data.FeatureNames[feature]).RightAligned());
        }

        table.AddColumn(new TableColumn("P(malignant)").RightAligned());
        table.AddColumn("Classify(...)");
        table.AddColumn("actual");

        float[] probability = new float[CancerClassifier.OutputSize];
        int shown = Math.Min(6, testRows.Length);
        CultureInfo c = CultureInfo.InvariantCulture;
        for (int i = 0; i < shown; i++)
        {
            int index = i * testRows.Length / shown;
            ReadOnlySpan<float> input = data.Row(testRows[index]); // all 30 raw features, as measured
            network.Predict(input, probability);
            CancerClassifier.Label label = network.Classify(input);
            bool right = (int)label == testLabels[index];
            table.AddRow(
                input[0].ToString("0.00", c), input[1].ToString("0.00", c), input[MeanArea].ToString("0.0", c),
                input[MeanFractalDimension].ToString("0.00000", c), probability[0].ToString("0.000", c),
                right ? $"[green]Label.{label}[/]" : $"[red]Label.{label}[/]", Classes[testLabels[index]]);
        }

        return table;
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
