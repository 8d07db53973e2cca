using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using Samples.Common;
using Spectre.Console;
using StaticNet;
using StaticNet.Optimizers;

namespace Samples.Digits;

/// <summary>What a run of the digits sample produced.</summary>
/// <param name="TestAccuracy">Share of the test digits classified right.</param>
/// <param name="TestCount">Number of test digits.</param>
/// <param name="Misclassified">Number of test digits classified wrong.</param>
/// <param name="History">Every epoch's metrics.</param>
/// <param name="WeightsPath">The saved safetensors file (weights and normalization).</param>
/// <param name="ReloadedMatches">
/// Whether the network loaded back from <paramref name="WeightsPath"/> has the trained parameters and the fitted
/// normalization, and gives every raw test digit the same class.
/// </param>
public sealed record DigitsResult(double TestAccuracy, int TestCount, int Misclassified, TrainingHistory History, string WeightsPath, bool ReloadedMatches);

/// <summary>
/// Trains the generated <see cref="DigitClassifier"/> (64-32-10, relu then softmax) on the UCI 8x8 handwritten digits
/// and draws some of the test digits it gets wrong.
/// </summary>
public static class DigitsSample
{
    /// <summary>Pixel intensity 0..16 as a character, light to dark.</summary>
    private const string Shades = " .:-=+*#%@";

    public static DigitsResult Run(DigitsSettings settings, IAnsiConsole console, CancellationToken cancellationToken = default)
    {
        console.Write(new Rule("[bold]StaticNet · digits[/]").LeftJustified());

        CsvDataSet data = CsvDataSet.Load("digits.csv");
        int[] labels = new int[data.Count];
        for (int row = 0; row < data.Count; row++)
        {
            labels[row] = int.Parse(data.Labels[row], CultureInfo.InvariantCulture);
        }

        (int[] trainRows, int[] testRows) = Split.Stratified(labels, settings.TestFraction, settings.Seed);
        // Raw pixel intensities 0..16 throughout: the network scales its inputs itself ("normalize" in the spec).
        float[] trainInputs = Split.Rows<float>(data.Features, data.FeatureCount, trainRows);
        float[] testInputs = Split.Rows<float>(data.Features, data.FeatureCount, testRows);
        int[] testLabels = Split.Rows<int>(labels, 1, testRows);
        var training = TrainingData<float>.FromLabels(trainInputs, Split.Rows<int>(labels, 1, trainRows), DigitClassifier.InputSize);
        var test = TrainingData<float>.FromLabels(testInputs, testLabels, DigitClassifier.InputSize);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Data: {data.Count} digits (8x8 pixels) from {Path.GetFileName(data.Path)}; {training.Count} for training, {test.Count} for testing (stratified, seed {settings.Seed})."));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Network: {DigitClassifier.InputSize}-32-{DigitClassifier.OutputSize} (relu, softmax), {DigitClassifier.ParameterCount} parameters."));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Training: Adam, learning rate {settings.LearningRate} (cosine schedule), {settings.Epochs} epochs, batches of {settings.BatchSize}."));

        // FitNormalization measures each pixel's statistics on the training split only; Predict, Classify and
        // training then normalize inside the network, and the weight file stores the shift and scale.
        var network = new DigitClassifier(settings.Seed);
        network.FitNormalization(trainInputs);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Normalization ({NormalizationKindName()}, in the network): fitted on the {training.Count} training digits only."));
        var trainer = new Trainer<float>(network, new Adam(settings.LearningRate))
        {
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            Seed = settings.Seed,
            Schedule = LearningRateSchedule.Cosine(settings.Epochs),
        };
        TrainingHistory history = TrainingConsole.Fit(console, trainer, training, test, settings.LogEvery, "test", cancellationToken);

        var wrong = new List<(int Row, DigitClassifier.Label Predicted)>();
        for (int row = 0; row < test.Count; row++)
        {
            DigitClassifier.Label predicted = network.Classify(test.Input(row));
            if ((int)predicted != testLabels[row])
            {
                wrong.Add((row, predicted));
            }
        }

        // Accuracy and per-digit precision, recall and F1 (as scikit-learn's classification_report) from StaticNet.
        ClassificationReport report = ClassificationReport.Compute(network, test);
        double accuracy = report.Accuracy;
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"Test accuracy: [bold]{accuracy * 100:F2}%[/] ({test.Count - wrong.Count} of {test.Count} digits, {wrong.Count} wrong)"));
        console.WriteLine(report.ToString());

        if (wrong.Count > 0 && settings.Show > 0)
        {
            int shown = Math.Min(settings.Show, wrong.Count);
            console.WriteLine($"{shown} of the misclassified test digits (pixel intensity 0..16 drawn as '{Shades}'):");
            var picked = new List<(int, DigitClassifier.Label)>();
            for (int i = 0; i < shown; i++)
            {
                picked.Add(wrong[i * wrong.Count / shown]);
            }

            foreach (string line in DrawSideBySide(picked, testRows, testLabels, data))
            {
                console.WriteLine(line);
            }
        }

        string output = SampleOutput.Resolve(settings.Output, "Digits");
        string weightsPath = Path.Combine(output, "digits.safetensors");
        network.Save(weightsPath);
        console.WriteLine($"Saved the weights and the normalization to {weightsPath}");

        // Load them back as a deployed program would: it classifies raw 0..16 pixels, no scaling outside the network.
        DigitClassifier reloaded = DigitClassifier.Load(weightsPath);
        bool sameParameters = reloaded.Parameters.SequenceEqual(network.Parameters);
        bool sameNormalization = reloaded.NormalizationParameters.SequenceEqual(network.NormalizationParameters);
        int reloadedCorrect = 0;
        bool sameClasses = true;
        for (int row = 0; row < test.Count; row++)
        {
            DigitClassifier.Label predicted = reloaded.Classify(data.Row(testRows[row])); // the raw pixels from the file
            sameClasses &= predicted == network.Classify(test.Input(row));
            reloadedCorrect += (int)predicted == testLabels[row] ? 1 : 0;
        }

        console.WriteLine($"Loaded them back with DigitClassifier.Load: {(sameParameters ? "the same parameters" : "THE PARAMETERS DIFFER")}, {(sameNormalization ? "the same normalization" : "THE NORMALIZATION DIFFERS")}.");
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"On the raw 0..16 test pixels it classifies {reloadedCorrect} of {test.Count} right{(sameClasses ? ", each as the trained network did" : ", NOT ALWAYS AS THE TRAINED NETWORK DID")}."));
        return new DigitsResult(accuracy, test.Count, wrong.Count, history, weightsPath, sameParameters && sameNormalization && sameClasses);
    }

    /// <summary>The spec's normalization kind as written in it ("min_max", "standard").</summary>
    private static string NormalizationKindName() => DigitClassifier.Description.Normalization![0] switch
    {
        StaticNet.NormalizationKind.MinMax => "min_max",
        StaticNet.NormalizationKind.Standard => "standard",
        _ => "none",
    };

    /// <summary>The digits drawn next to each other: a caption line, then 8 rows of 2 characters per pixel.</summary>
    internal static IEnumerable<string> DrawSideBySide(
        IReadOnlyList<(int Row, DigitClassifier.Label Predicted)> digits, int[] testRows, int[] testLabels, CsvDataSet data)
    {
        const int cellWidth = 16, gap = 4;
        var caption = new StringBuilder();
        foreach ((int row, DigitClassifier.Label predicted) in digits)
        {
            string text = string.Create(CultureInfo.InvariantCulture, $"true {testLabels[row]}, said {(int)predicted}");
            caption.Append(text.PadRight(cellWidth + gap));
        }

        yield return caption.ToString().TrimEnd();
        for (int y = 0; y < 8; y++)
        {
            var line = new StringBuilder();
            foreach ((int row, _) in digits)
            {
                ReadOnlySpan<float> pixels = data.Row(testRows[row]); // the raw 0..16 intensities
                line.Append('|');
                for (int x = 0; x < 8; x++)
                {
                    int level = (int)MathF.Round(pixels[y * 8 + x] * (Shades.Length - 1) / 16f);
                    char c = Shades[Math.Clamp(level, 0, Shades.Length - 1)];
                    line.Append(c).Append(c);
                }

                line.Append('|').Append(' ', gap - 2);
            }

            yield return line.ToString().TrimEnd();
        }
    }
}
