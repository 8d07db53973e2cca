using System;
using System.IO;
using Samples.BreastCancer;
using Samples.Digits;
using Samples.Iris;
using Samples.Xor;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Samples.Tests;

/// <summary>Runs each sample's logic (few epochs, temporary output folder) and checks what it prints and writes.</summary>
public class SamplesTests(ITestOutputHelper output)
{
    [Fact]
    public void Iris_DefaultOptions_ReachAtLeast95Percent_SaveReloadAndPlot()
    {
        using var folder = new TempFolder();
        var console = new SampleConsole();

        IrisResult result = IrisSample.Run(new IrisSettings { Output = folder.Path }, console.Console);

        string text = console.Text;
        output.WriteLine(text);
        Assert.True(result.TestAccuracy >= 0.95, $"test accuracy {result.TestAccuracy}");
        Assert.Equal(30, result.TestCount);
        Assert.Contains("Test accuracy: ", text);
        Assert.Contains("Confusion matrix", text);
        Assert.Contains("epoch 100/100", text);
        Assert.Contains("Label.Setosa", text);
        Assert.Contains("Normalization (standard, in the network): fitted on the 120 training flowers only", text);
        Assert.Contains("the same normalization", text);
        Assert.Contains("raw measurements", text);
        Assert.DoesNotContain("\u001b[", text); // no ANSI escapes in a non-interactive console

        Assert.True(result.ReloadedMatches);
        Assert.Equal(Path.Combine(folder.Path, "iris.safetensors"), result.WeightsPath);
        IrisClassifier reloaded = IrisClassifier.Load(result.WeightsPath);
        // The weight file carries the training split's statistics, so the deployed network takes raw centimetres.
        Assert.Equal(result.Normalization, reloaded.NormalizationParameters.ToArray());
        for (int i = 0; i < IrisClassifier.InputSize; i++)
        {
            Assert.InRange(result.Normalization[i], 1f, 7f);      // a mean in cm, not the identity's 0
            Assert.NotEqual(1f, result.Normalization[4 + i]);     // 1 / deviation, not the identity's 1
        }

        Assert.Equal(IrisClassifier.Label.Setosa, reloaded.Classify([5.1f, 3.5f, 1.4f, 0.2f]));
        Assert.Equal(IrisClassifier.Label.Virginica, reloaded.Classify([7.7f, 3.0f, 6.1f, 2.3f]));
        long correctOnDiagonal = 0, total = 0;
        for (int t = 0; t < 3; t++)
        {
            for (int p = 0; p < 3; p++)
            {
                total += result.ConfusionMatrix[t, p];
                correctOnDiagonal += t == p ? result.ConfusionMatrix[t, p] : 0;
            }
        }

        Assert.Equal(result.TestCount, total);
        Assert.Equal(["setosa", "versicolor", "virginica"], result.ConfusionMatrix.Labels);
        Assert.Equal(result.TestAccuracy, result.Report.Accuracy);
        Assert.Contains("weighted avg", text);
        Assert.Equal(result.TestAccuracy, (double)correctOnDiagonal / total);
        Assert.Equal(IrisClassifier.ParameterCount, reloaded.Parameters.Length);

        Assert.Equal(Path.Combine(folder.Path, "iris-training.png"), result.PlotPath);
        byte[] png = File.ReadAllBytes(result.PlotPath);
        Assert.True(png.Length > 1000, $"PNG of {png.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Contains(result.PlotPath, text);
    }

    [Fact]
    public void Iris_InteractiveConsole_DrawsTheProgressBar()
    {
        using var folder = new TempFolder();
        var console = new SampleConsole(interactive: true);

        IrisResult result = IrisSample.Run(new IrisSettings { Epochs = 20, Output = folder.Path }, console.Console);

        string text = console.Text;
        Assert.Equal(20, result.History.Epochs.Count);
        Assert.Contains("\u001b[", text);          // live rendering moves the cursor
        Assert.Contains("100%", text);              // the bar's last frame
        Assert.Contains("epoch 20/20", text);       // epoch lines still printed above the bar
        Assert.Contains("Test accuracy", text);
    }

    [Fact]
    public void Iris_CommandLine_ParsesOptions()
    {
        using var folder = new TempFolder();
        var console = new SampleConsole();

        int exitCode = global::Samples.Iris.Program.Run(["--epochs", "5", "--seed", "2", "--learning-rate", "0.02", "--output", folder.Path, "--log-every", "1"], console.Console);

        string text = console.Text;
        Assert.Equal(0, exitCode);
        Assert.Contains("epoch 1/5", text);
        Assert.Contains("epoch 5/5", text);
        Assert.Contains("seed 2", text);
        Assert.Contains("learning rate 0.02", text);
        Assert.True(File.Exists(Path.Combine(folder.Path, "iris.safetensors")));
    }

    [Fact]
    public void Iris_Help_ListsTheOptions()
    {
        var console = new SampleConsole();

        int exitCode = global::Samples.Iris.Program.Run(["--help"], console.Console);

        string text = console.Text;
        Assert.Equal(0, exitCode);
        foreach (string option in new[] { "--epochs", "--seed", "--learning-rate", "--output" })
        {
            Assert.Contains(option, text);
        }
    }

    [Fact]
    public void Iris_BadOption_IsRejected()
    {
        var console = new SampleConsole();

        int exitCode = global::Samples.Iris.Program.Run(["--epochs", "0"], console.Console);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--epochs must be at least 1", console.Text);
    }

    [Fact]
    public void Xor_DefaultSeed_Converges()
    {
        using var folder = new TempFolder();
        var console = new SampleConsole();

        XorResult result = XorSample.Run(new XorSettings { Output = folder.Path }, console.Console);

        string text = console.Text;
        output.WriteLine(text);
        Assert.True(result.Solved);
        Assert.Equal(new[] { 0, 1, 1, 0 }, result.ClassesAfter);
        Assert.True(result.OutputsAfter[0] < 0.1f && result.OutputsAfter[1] > 0.9f && result.OutputsAfter[2] > 0.9f && result.OutputsAfter[3] < 0.1f);
        Assert.Contains("Before training", text);
        Assert.Contains("After training", text);
        Assert.Contains("XOR solved", text);
        Assert.True(File.Exists(result.WeightsPath));
        Assert.Equal(result.OutputsAfter[3], Predict(XorNetwork.Load(result.WeightsPath), 1, 1));
    }

    [Fact]
    public void Digits_FewEpochs_ClassifiesAndDrawsMistakes()
    {
        using var folder = new TempFolder();
        var console = new SampleConsole();

        DigitsResult result = DigitsSample.Run(new DigitsSettings { Epochs = 10, Output = folder.Path }, console.Console);

        string text = console.Text;
        output.WriteLine(text);
        Assert.True(result.TestAccuracy >= 0.9, $"test accuracy {result.TestAccuracy}");
        Assert.Contains("Test accuracy: ", text);
        Assert.True(result.Misclassified > 0, "nothing to draw");
        Assert.Contains(", said ", text);
        Assert.Contains("|", text);
        Assert.True(File.Exists(result.WeightsPath));
        Assert.True(result.ReloadedMatches);
        Assert.Contains("the same normalization", text);
        DigitClassifier reloaded = DigitClassifier.Load(result.WeightsPath);
        Assert.Equal(DigitClassifier.ParameterCount, reloaded.Parameters.Length);
        Assert.Contains("Normalization (standard, in the network): fitted on the 1438 training digits only", text);
        Assert.InRange(reloaded.NormalizationParameters[36], 1f, 16f); // a central pixel's mean intensity, in raw 0..16 units
    }

    [Fact]
    public void BreastCancer_FewEpochs_ReportsAccuracyPrecisionRecall()
    {
        using var folder = new TempFolder();
        var console = new SampleConsole();

        BreastCancerResult result = BreastCancerSample.Run(new BreastCancerSettings { Epochs = 10, Output = folder.Path }, console.Console);

        string text = console.Text;
        output.WriteLine(text);
        Assert.True(result.Accuracy >= 0.9, $"accuracy {result.Accuracy}");
        Assert.True(result.Precision >= 0.85 && result.Recall >= 0.85, $"precision {result.Precision}, recall {result.Recall}");
        Assert.Equal(42, result.TruePositives + result.FalseNegatives); // 20% of the 212 malignant cases
        Assert.Equal(71, result.FalsePositives + result.TrueNegatives); // 20% of the 357 benign cases
        Assert.Contains("Test accuracy:", text);
        Assert.Contains("Precision:", text);
        Assert.Contains("Recall:", text);
        Assert.True(File.Exists(result.WeightsPath));
        Assert.True(result.ReloadedMatches);
        Assert.Contains("the same normalization", text);
        Assert.Contains("raw features, classified by the reloaded network", text);
        CancerClassifier reloaded = CancerClassifier.Load(result.WeightsPath);
        Assert.True(reloaded.NormalizationParameters[3] > 100, "the mean area (hundreds of square units) travels with the weights");
    }

    private static float Predict(XorNetwork network, float a, float b)
    {
        float[] result = new float[1];
        network.Predict([a, b], result);
        return result[0];
    }
}
