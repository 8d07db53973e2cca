using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using Samples.Common;
using Spectre.Console;
using StaticNet;
using StaticNet.Optimizers;

namespace Samples.Iris;

/// <summary>What a run of the iris sample produced (for tests and callers).</summary>
/// <param name="TestAccuracy">Share of the test flowers classified right.</param>
/// <param name="TestCount">Number of test flowers.</param>
/// <param name="ConfusionMatrix">[true species, predicted species] counts on the test set.</param>
/// <param name="Report">Per-species precision, recall and F1 on the test set, with their averages.</param>
/// <param name="History">Every epoch's metrics.</param>
/// <param name="WeightsPath">The saved safetensors file.</param>
/// <param name="PlotPath">The PNG of the loss and accuracy curves.</param>
/// <param name="ReloadedMatches">
/// Whether the network loaded back from <paramref name="WeightsPath"/> has the trained parameters and the fitted
/// normalization, and gives every raw test flower the same class.
/// </param>
/// <param name="Normalization">The fitted normalization: shift (training mean) [4] then scale (1 / deviation) [4].</param>
public sealed record IrisResult(
    double TestAccuracy,
    int TestCount,
    ConfusionMatrix ConfusionMatrix,
    ClassificationReport Report,
    TrainingHistory History,
    string WeightsPath,
    string PlotPath,
    bool ReloadedMatches,
    float[] Normalization);

/// <summary>
/// Trains the generated <see cref="IrisClassifier"/> (4-16-3, relu then softmax, inputs standardized inside the network)
/// on Fisher's raw iris measurements, tests it on held-out flowers, saves and reloads its weights and normalization,
/// classifies raw flowers with the reloaded network, and plots its training curves.
/// </summary>
public static class IrisSample
{
    /// <summary>The species in the order of the spec's "labels" (and of <see cref="IrisClassifier.Label"/>).</summary>
    private static readonly string[] Species = ["setosa", "versicolor", "virginica"];

    public static IrisResult Run(IrisSettings settings, IAnsiConsole console, CancellationToken cancellationToken = default)
    {
        console.Write(new Rule("[bold]StaticNet · iris[/]").LeftJustified());

        // 1. Data: 150 flowers, 4 measurements in cm, 3 species.
        CsvDataSet data = CsvDataSet.Load("iris.csv");
        (_, int[] labels) = data.EncodeLabels(Species);
        (int[] trainRows, int[] testRows) = Split.Stratified(labels, settings.TestFraction, settings.Seed);
        float[] trainInputs = Split.Rows<float>(data.Features, data.FeatureCount, trainRows);
        float[] testInputs = Split.Rows<float>(data.Features, data.FeatureCount, testRows);
        int[] trainLabels = Split.Rows<int>(labels, 1, trainRows);
        int[] testLabels = Split.Rows<int>(labels, 1, testRows);

        // Raw measurements (cm) throughout: the network standardizes its inputs itself ("normalize": "standard").
        var training = TrainingData<float>.FromLabels(trainInputs, trainLabels, IrisClassifier.InputSize);
        var test = TrainingData<float>.FromLabels(testInputs, testLabels, IrisClassifier.InputSize);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Data: {data.Count} flowers from {Path.GetFileName(data.Path)}; {training.Count} for training, {test.Count} for testing (stratified, seed {settings.Seed})."));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Network: {IrisClassifier.InputSize}-16-{IrisClassifier.OutputSize} (relu, softmax), {IrisClassifier.ParameterCount} parameters."));
        console.WriteLine(IrisClassifier.Description.ToString());
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Training: Adam, learning rate {settings.LearningRate} (cosine schedule), {settings.Epochs} epochs, batches of {settings.BatchSize}."));

        // 2. Normalization. The measurements are on different scales (petal width 0.1-2.5 cm, sepal length 4.3-7.9 cm).
        // The spec's "normalize": "standard" bakes standardization into the network: FitNormalization measures each
        // input's mean and deviation on the training split only (the test flowers stay unseen), and Predict, Classify
        // and training then compute (x - mean) / deviation inside the network. The weight file stores both.
        var network = new IrisClassifier(settings.Seed);
        network.FitNormalization(trainInputs);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Normalization (standard, in the network): fitted on the {training.Count} training flowers only."));
        console.WriteLine(NormalizationStatistics(network, data.FeatureNames));

        // 3. Train on the raw measurements. The test set is passed as validation data only to draw its curve: nothing is tuned on it.
        var trainer = new Trainer<float>(network, new Adam(settings.LearningRate))
        {
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            Seed = settings.Seed,
            Schedule = LearningRateSchedule.Cosine(settings.Epochs),
        };
        TrainingHistory history = TrainingConsole.Fit(console, trainer, training, test, settings.LogEvery, "test", cancellationToken);

        // 4. Test accuracy, per-species precision, recall and F1 (as scikit-learn's classification_report), and the
        // confusion matrix, all from StaticNet's ClassificationReport.
        ClassificationReport report = ClassificationReport.Compute(network, test);
        ConfusionMatrix confusion = report.ConfusionMatrix;
        double accuracy = report.Accuracy;
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"Test accuracy: [bold]{accuracy * 100:F2}%[/] ({Math.Round(accuracy * test.Count)} of {test.Count} flowers)"));
        console.WriteLine(report.ToString());
        console.Write(ConfusionTable(confusion));

        // 5. Save the weights and the normalization (safetensors: an nn.Sequential state_dict plus the tensors
        // input_normalization.shift and .scale) and load them back, as a deployed program would.
        string output = SampleOutput.Resolve(settings.Output, "Iris");
        string weightsPath = Path.Combine(output, "iris.safetensors");
        network.Save(weightsPath);
        IrisClassifier reloaded = IrisClassifier.Load(weightsPath);
        bool sameParameters = reloaded.Parameters.SequenceEqual(network.Parameters);
        bool sameNormalization = reloaded.NormalizationParameters.SequenceEqual(network.NormalizationParameters);
        bool sameClasses = SameClasses(reloaded, network, test);
        bool matches = sameParameters && sameNormalization && sameClasses;
        console.WriteLine($"Saved the weights and the normalization to {weightsPath} ({new FileInfo(weightsPath).Length} bytes).");
        console.WriteLine($"Loaded them back with IrisClassifier.Load: {(sameParameters ? "the same parameters" : "THE PARAMETERS DIFFER")}, {(sameNormalization ? "the same normalization" : "THE NORMALIZATION DIFFERS")}.");
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"The reloaded network gives {(sameClasses ? "the same class as the trained one" : "A DIFFERENT CLASS THAN THE TRAINED ONE")} to {(sameClasses ? "each" : "some")} of the {test.Count} raw test flowers."));

        // 6. Classify a few test flowers, raw measurements as they come, with the reloaded network.
        console.Write(PredictionTable(reloaded, data, testRows, labels));
        console.WriteLine("A deployed network takes raw measurements (cm): it standardizes them itself, with the statistics in its weight file.");

        // 7. Plot the training curves.
        string plotPath = Path.Combine(output, "iris-training.png");
        TrainingPlot.Save(history, plotPath, "Iris: 4-16-3 classifier, Adam", "test");
        console.WriteLine($"Wrote the loss and accuracy curves to {plotPath}");

        return new IrisResult(accuracy, test.Count, confusion, report, history, weightsPath, plotPath, matches, network.NormalizationParameters.ToArray());
    }

    private static Table ConfusionTable(ConfusionMatrix confusion)
    {
        var table = new Table().Title("Confusion matrix on the test set");
        table.AddColumn("true \\ predicted");
        foreach (string species in confusion.Labels)
        {
            table.AddColumn(new TableColumn(species).RightAligned());
        }

        for (int t = 0; t < confusion.ClassCount; t++)
        {
            var cells = new List<string> { confusion.Labels[t] };
            for (int p = 0; p < confusion.ClassCount; p++)
            {
                long count = confusion[t, p];
                cells.Add(count == 0 ? "[grey]0[/]" : t == p ? $"[green]{count}[/]" : $"[red]{count}[/]");
            }

            table.AddRow(cells.ToArray());
        }

        return table;
    }

    /// <summary>The fitted normalization: each input's training mean and deviation (shift, and 1 / scale).</summary>
    private static string NormalizationStatistics(IrisClassifier network, string[] names)
    {
        ReadOnlySpan<float> parameters = network.NormalizationParameters;
        var parts = new List<string>();
        for (int i = 0; i < IrisClassifier.InputSize; i++)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"{names[i]} {parameters[i]:F2} ({1 / parameters[IrisClassifier.InputSize + i]:F2})"));
        }

        return $"  mean (sd) in cm: {string.Join(", ", parts)}";
    }

    /// <summary>Whether both networks give every raw test flower the same class.</summary>
    private static bool SameClasses(IrisClassifier a, IrisClassifier b, TrainingData<float> test)
    {
        for (int row = 0; row < test.Count; row++)
        {
            if (a.Classify(test.Input(row)) != b.Classify(test.Input(row)))
            {
                return false;
            }
        }

        return true;
    }

    private static Table PredictionTable(IrisClassifier network, CsvDataSet data, int[] testRows, int[] labels)
    {
        var table = new Table().Title("A few test flowers, raw measurements (cm), classified by the reloaded network");
        foreach (string name in data.FeatureNames)
        {
            table.AddColumn(new TableColumn(name.Replace('_', ' ')).RightAligned()); // cm
        }

        table.AddColumn(new TableColumn("P(set, vers, virg)").RightAligned());
        table.AddColumn("Classify(...)");
        table.AddColumn("actual");

        float[] input = new float[IrisClassifier.InputSize];
        float[] probabilities = new float[IrisClassifier.OutputSize];
        int shown = Math.Min(6, testRows.Length);
        for (int i = 0; i < shown; i++)
        {
            int row = testRows[i * testRows.Length / shown];
            data.Row(row).CopyTo(input);
            var cells = new List<string>();
            foreach (float value in input)
            {
                cells.Add(value.ToString("0.0", CultureInfo.InvariantCulture));
            }

            network.Predict(input, probabilities); // raw cm: the network standardizes inside
            IrisClassifier.Label label = network.Classify(input);
            cells.Add(string.Create(CultureInfo.InvariantCulture, $"{probabilities[0]:F3} {probabilities[1]:F3} {probabilities[2]:F3}"));
            bool right = (int)label == labels[row];
            cells.Add(right ? $"[green]Label.{label}[/]" : $"[red]Label.{label}[/]");
            cells.Add(Species[labels[row]]);
            table.AddRow(cells.ToArray());
        }

        return table;
    }
}
