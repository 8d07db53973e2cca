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
/// <param name="WeightsPath">The saved safetensors file.</param>
public sealed record DigitsResult(double TestAccuracy, int TestCount, int Misclassified, TrainingHistory History, string WeightsPath);

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
        // Pixels are 0..16: dividing by 16 puts every input in [0, 1], which is all this data needs.
        float[] trainInputs = Scale(Split.Rows<float>(data.Features, data.FeatureCount, trainRows));
        float[] testInputs = Scale(Split.Rows<float>(data.Features, data.FeatureCount, testRows));
        int[] testLabels = Split.Rows<int>(labels, 1, testRows);
        var training = TrainingData<float>.FromLabels(trainInputs, Split.Rows<int>(labels, 1, trainRows), DigitClassifier.InputSize);
        var test = TrainingData<float>.FromLabels(testInputs, testLabels, DigitClassifier.InputSize);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Data: {data.Count} digits (8x8 pixels) from {Path.GetFileName(data.Path)}; {training.Count} for training, {test.Count} for testing (stratified, seed {settings.Seed})."));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Network: {DigitClassifier.InputSize}-32-{DigitClassifier.OutputSize} (relu, softmax), {DigitClassifier.ParameterCount} parameters."));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Training: Adam, learning rate {settings.LearningRate} (cosine schedule), {settings.Epochs} epochs, batches of {settings.BatchSize}."));

        var network = new DigitClassifier(settings.Seed);
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

        double accuracy = 1 - (double)wrong.Count / test.Count;
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"Test accuracy: [bold]{accuracy * 100:F2}%[/] ({test.Count - wrong.Count} of {test.Count} digits, {wrong.Count} wrong)"));

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
        console.WriteLine($"Saved the weights to {weightsPath}");
        return new DigitsResult(accuracy, test.Count, wrong.Count, history, weightsPath);
    }

    private static float[] Scale(float[] pixels)
    {
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] /= 16f;
        }

        return pixels;
    }

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
