using System.Globalization;
using System.IO;
using System.Threading;
using Samples.Common;
using Spectre.Console;
using StaticNet;
using StaticNet.Optimizers;

namespace Samples.Wine;

/// <summary>What a run of the wine sample produced.</summary>
/// <param name="TestAccuracy">Share of the held-out wines classified right.</param>
/// <param name="TestCount">Number of held-out wines.</param>
/// <param name="ConfusionMatrix">[true class, predicted class] counts over the held-out wines.</param>
/// <param name="History">Every epoch's metrics.</param>
/// <param name="WeightsPath">The saved safetensors file (weights and normalization).</param>
/// <param name="ReloadedMatches">Whether the network loaded back from <paramref name="WeightsPath"/> gives every raw test wine the same class.</param>
public sealed record WineResult(double TestAccuracy, int TestCount, int[,] ConfusionMatrix, TrainingHistory History, string WeightsPath, bool ReloadedMatches);

/// <summary>
/// Trains the generated <see cref="WineClassifier"/> (13-16-3, relu then softmax, cross-entropy, inputs standardized
/// inside the network) on the raw chemical measurements of data/wine.csv, reports test accuracy and the confusion matrix,
/// and saves and reloads the network.
/// </summary>
public static class WineSample
{
    private static readonly string[] Classes = ["class_0", "class_1", "class_2"];

    public static WineResult Run(WineSettings settings, IAnsiConsole console, CancellationToken cancellationToken = default)
    {
        console.Write(new Rule("[bold]StaticNet · wine[/]").LeftJustified());

        CsvDataSet data = CsvDataSet.Load("wine.csv");
        (_, int[] labels) = data.EncodeLabels(Classes);
        (int[] trainRows, int[] testRows) = Split.Stratified(labels, settings.TestFraction, settings.Seed);
        float[] trainInputs = Split.Rows<float>(data.Features, data.FeatureCount, trainRows);
        int[] testLabels = Split.Rows<int>(labels, 1, testRows);
        var training = TrainingData<float>.FromLabels(trainInputs, Split.Rows<int>(labels, 1, trainRows), WineClassifier.InputSize);
        var test = TrainingData<float>.FromLabels(Split.Rows<float>(data.Features, data.FeatureCount, testRows), testLabels, WineClassifier.InputSize);

        CultureInfo c = CultureInfo.InvariantCulture;
        console.WriteLine(string.Create(c, $"Data: {data.Count} wines of 3 cultivars from {Path.GetFileName(data.Path)}; {training.Count} to train, {test.Count} to test (seed {settings.Seed})."));
        console.WriteLine(string.Create(c, $"Network: {WineClassifier.InputSize}-16-{WineClassifier.OutputSize} (relu, softmax), {WineClassifier.ParameterCount} parameters; Adam, learning rate {settings.LearningRate} (cosine), {settings.Epochs} epochs."));

        // Proline is in the hundreds to thousands, hue near 1: the network standardizes its raw inputs itself, with
        // statistics measured on the training split only.
        var network = new WineClassifier(settings.Seed);
        network.FitNormalization(trainInputs);
        var trainer = new Trainer<float>(network, new Adam(settings.LearningRate))
        {
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            Seed = settings.Seed,
            Schedule = LearningRateSchedule.Cosine(settings.Epochs),
        };
        TrainingHistory history = TrainingConsole.Fit(console, trainer, training, test, settings.LogEvery, "test", cancellationToken);

        var confusion = new int[3, 3];
        int correct = 0;
        for (int row = 0; row < test.Count; row++)
        {
            int predicted = (int)network.Classify(test.Input(row));
            confusion[testLabels[row], predicted]++;
            correct += predicted == testLabels[row] ? 1 : 0;
        }
        double accuracy = (double)correct / test.Count;
        console.MarkupLine(string.Create(c, $"Test accuracy: [bold]{accuracy * 100:F2}%[/] ({correct} of {test.Count} wines)"));

        var table = new Table().Title("Confusion matrix (test set): true class vs Classify()");
        table.AddColumn("true \\ predicted");
        for (int p = 0; p < 3; p++)
        {
            table.AddColumn(new TableColumn($"Label.{(WineClassifier.Label)p}").RightAligned());
        }
        for (int t = 0; t < 3; t++)
        {
            table.AddRow(Classes[t], $"{(t == 0 ? "[green]" : "[red]")}{confusion[t, 0]}[/]", $"{(t == 1 ? "[green]" : "[red]")}{confusion[t, 1]}[/]", $"{(t == 2 ? "[green]" : "[red]")}{confusion[t, 2]}[/]");
        }
        console.Write(table);

        string weightsPath = Path.Combine(SampleOutput.Resolve(settings.Output, "Wine"), "wine.safetensors");
        network.Save(weightsPath);
        WineClassifier reloaded = WineClassifier.Load(weightsPath);
        bool same = true;
        for (int row = 0; row < test.Count; row++)
        {
            same &= reloaded.Classify(test.Input(row)) == network.Classify(test.Input(row));
        }
        console.WriteLine($"Saved the weights and the normalization to {weightsPath}");
        console.WriteLine($"Loaded them back with WineClassifier.Load: it classifies {(same ? "every raw test wine the same" : "SOME RAW TEST WINES DIFFERENTLY")}.");
        return new WineResult(accuracy, test.Count, confusion, history, weightsPath, same);
    }
}
