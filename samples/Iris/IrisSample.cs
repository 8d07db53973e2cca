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
/// <param name="History">Every epoch's metrics.</param>
/// <param name="WeightsPath">The saved safetensors file.</param>
/// <param name="PlotPath">The PNG of the loss and accuracy curves.</param>
/// <param name="ReloadedMatches">Whether the network loaded back from <paramref name="WeightsPath"/> has the trained parameters.</param>
public sealed record IrisResult(
    double TestAccuracy,
    int TestCount,
    int[,] ConfusionMatrix,
    TrainingHistory History,
    string WeightsPath,
    string PlotPath,
    bool ReloadedMatches);

/// <summary>
/// Trains the generated <see cref="IrisClassifier"/> (4-16-3, relu then softmax) on Fisher's iris data, tests it on
/// held-out flowers, saves and reloads its weights, and plots its training curves.
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

        // The measurements are in cm, on different scales (petal width 0.1-2.5, sepal length 4.3-7.9).
        // Normalization is not yet baked into the network, so the sample standardizes the inputs itself, with the
        // mean and standard deviation of the training split only, and must do the same to every flower it classifies.
        Standardizer standardizer = Standardizer.Fit(trainInputs, data.FeatureCount);
        standardizer.Apply(trainInputs);
        standardizer.Apply(testInputs);
        var training = TrainingData<float>.FromLabels(trainInputs, trainLabels, IrisClassifier.InputSize);
        var test = TrainingData<float>.FromLabels(testInputs, testLabels, IrisClassifier.InputSize);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Data: {data.Count} flowers from {Path.GetFileName(data.Path)}; {training.Count} for training, {test.Count} for testing (stratified, seed {settings.Seed})."));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Network: {IrisClassifier.InputSize}-16-{IrisClassifier.OutputSize} (relu, softmax), {IrisClassifier.ParameterCount} parameters."));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Training: Adam, learning rate {settings.LearningRate} (cosine schedule), {settings.Epochs} epochs, batches of {settings.BatchSize}."));

        // 2. Train. The test set is passed as validation data only to draw its curve: nothing is tuned on it.
        var network = new IrisClassifier(settings.Seed);
        var trainer = new Trainer<float>(network, new Adam(settings.LearningRate))
        {
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            Seed = settings.Seed,
            Schedule = LearningRateSchedule.Cosine(settings.Epochs),
        };
        TrainingHistory history = TrainingConsole.Fit(console, trainer, training, test, settings.LogEvery, "test", cancellationToken);

        // 3. Test accuracy and confusion matrix.
        int[,] confusion = new int[Species.Length, Species.Length];
        int correct = 0;
        for (int row = 0; row < test.Count; row++)
        {
            IrisClassifier.Label predicted = network.Classify(test.Input(row));
            confusion[testLabels[row], (int)predicted]++;
            correct += (int)predicted == testLabels[row] ? 1 : 0;
        }

        double accuracy = (double)correct / test.Count;
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"Test accuracy: [bold]{accuracy * 100:F2}%[/] ({correct} of {test.Count} flowers)"));
        console.Write(ConfusionTable(confusion));

        // 4. Save the weights (safetensors, loadable by PyTorch as an nn.Sequential state_dict) and load them back.
        string output = SampleOutput.Resolve(settings.Output, "Iris");
        string weightsPath = Path.Combine(output, "iris.safetensors");
        network.Save(weightsPath);
        IrisClassifier reloaded = IrisClassifier.Load(weightsPath);
        bool matches = reloaded.Parameters.SequenceEqual(network.Parameters);
        console.WriteLine($"Saved the weights to {weightsPath} ({new FileInfo(weightsPath).Length} bytes).");
        console.WriteLine($"Loaded them back with IrisClassifier.Load: {(matches ? "the same parameters" : "THE PARAMETERS DIFFER")}.");

        // 5. Classify a few test flowers with the reloaded network.
        console.Write(PredictionTable(reloaded, data, testRows, labels, standardizer));

        // 6. Plot the training curves.
        string plotPath = Path.Combine(output, "iris-training.png");
        TrainingPlot.Save(history, plotPath, "Iris: 4-16-3 classifier, Adam", "test");
        console.WriteLine($"Wrote the loss and accuracy curves to {plotPath}");

        return new IrisResult(accuracy, test.Count, confusion, history, weightsPath, plotPath, matches);
    }

    private static Table ConfusionTable(int[,] confusion)
    {
        var table = new Table().Title("Confusion matrix on the test set");
        table.AddColumn("true \\ predicted");
        foreach (string species in Species)
        {
            table.AddColumn(new TableColumn(species).RightAligned());
        }

        for (int t = 0; t < Species.Length; t++)
        {
            var cells = new List<string> { Species[t] };
            for (int p = 0; p < Species.Length; p++)
            {
                int count = confusion[t, p];
                cells.Add(count == 0 ? "[grey]0[/]" : t == p ? $"[green]{count}[/]" : $"[red]{count}[/]");
            }

            table.AddRow(cells.ToArray());
        }

        return table;
    }

    private static Table PredictionTable(IrisClassifier network, CsvDataSet data, int[] testRows, int[] labels, Standardizer standardizer)
    {
        var table = new Table().Title("A few test flowers (cm) classified by the reloaded network");
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

            standardizer.Apply(input); // the same scaling as in training
            network.Predict(input, probabilities);
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
