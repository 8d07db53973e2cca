using System;
using System.Globalization;
using System.IO;
using System.Threading;
using Samples.Common;
using Spectre.Console;
using StaticNet;
using StaticNet.Optimizers;

namespace Samples.Xor;

/// <summary>What a run of the XOR sample produced.</summary>
/// <param name="OutputsBefore">The network's output for each row of the truth table before training.</param>
/// <param name="OutputsAfter">The same after training.</param>
/// <param name="ClassesAfter">Classify() of each row after training (1 if the output is above 0.5).</param>
/// <param name="Solved">Whether every row is classified as XOR says.</param>
/// <param name="History">Every epoch's metrics.</param>
/// <param name="WeightsPath">The saved safetensors file.</param>
public sealed record XorResult(float[] OutputsBefore, float[] OutputsAfter, int[] ClassesAfter, bool Solved, TrainingHistory History, string WeightsPath);

/// <summary>Trains the generated <see cref="XorNetwork"/> (2-2-1, sigmoid) on the XOR truth table with SGD.</summary>
public static class XorSample
{
    /// <summary>The truth table: inputs row-major, and a XOR b.</summary>
    private static readonly float[] Inputs = [0, 0, 0, 1, 1, 0, 1, 1];
    private static readonly float[] Targets = [0, 1, 1, 0];

    public static XorResult Run(XorSettings settings, IAnsiConsole console, CancellationToken cancellationToken = default)
    {
        console.Write(new Rule("[bold]StaticNet · XOR[/]").LeftJustified());
        var network = new XorNetwork(settings.Seed);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Network: {XorNetwork.InputSize}-2-{XorNetwork.OutputSize}, sigmoid everywhere, {XorNetwork.ParameterCount} parameters, PyTorch's default initialization with seed {settings.Seed}."));

        (float[] before, _) = TruthTable(console, network, "Before training");

        // The four rows are one batch: every epoch is one step of full-batch gradient descent with momentum.
        var data = TrainingData<float>.FromTargets(Inputs, Targets, XorNetwork.InputSize, XorNetwork.OutputSize);
        var trainer = new Trainer<float>(network, new Sgd(settings.LearningRate, momentum: settings.Momentum))
        {
            Epochs = settings.Epochs,
            BatchSize = Targets.Length,
            Seed = settings.Seed,
            Threads = 1,
        };
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Training: SGD, learning rate {settings.LearningRate}, momentum {settings.Momentum}, {settings.Epochs} epochs, binary cross-entropy."));
        TrainingHistory history = TrainingConsole.Fit(console, trainer, data, null, settings.LogEvery, cancellationToken: cancellationToken);

        (float[] after, int[] classes) = TruthTable(console, network, "After training");
        bool solved = true;
        for (int row = 0; row < Targets.Length; row++)
        {
            solved &= classes[row] == (int)Targets[row];
        }

        console.MarkupLine(solved
            ? "[green]XOR solved:[/] Classify() matches a XOR b on all four rows."
            : "[red]XOR not solved[/] with this seed and these settings (a local minimum); try another --seed or more --epochs.");

        string output = SampleOutput.Resolve(settings.Output, "Xor");
        string weightsPath = Path.Combine(output, "xor.safetensors");
        network.Save(weightsPath);
        console.WriteLine($"Saved the weights to {weightsPath}");

        // The weights in the layout of PyTorch's nn.Linear: per layer the weight [units x inputs], then the bias.
        Span<float> p = network.Parameters;
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Hidden layer: weight [[{p[0]:F2}, {p[1]:F2}], [{p[2]:F2}, {p[3]:F2}]], bias [{p[4]:F2}, {p[5]:F2}]; output: weight [[{p[6]:F2}, {p[7]:F2}]], bias [{p[8]:F2}]"));
        return new XorResult(before, after, classes, solved, history, weightsPath);
    }

    private static (float[] Outputs, int[] Classes) TruthTable(IAnsiConsole console, XorNetwork network, string title)
    {
        var table = new Table().Title(title);
        table.AddColumn(new TableColumn("a").Centered());
        table.AddColumn(new TableColumn("b").Centered());
        table.AddColumn(new TableColumn("a XOR b").Centered());
        table.AddColumn(new TableColumn("Predict()").RightAligned());
        table.AddColumn(new TableColumn("Classify()").Centered());

        float[] outputs = new float[Targets.Length];
        int[] classes = new int[Targets.Length];
        float[] output = new float[XorNetwork.OutputSize];
        for (int row = 0; row < Targets.Length; row++)
        {
            ReadOnlySpan<float> input = Inputs.AsSpan(row * 2, 2);
            network.Predict(input, output);
            outputs[row] = output[0];
            classes[row] = network.Classify(input);
            string mark = classes[row] == (int)Targets[row] ? "green" : "red";
            table.AddRow(
                input[0].ToString(CultureInfo.InvariantCulture),
                input[1].ToString(CultureInfo.InvariantCulture),
                Targets[row].ToString(CultureInfo.InvariantCulture),
                output[0].ToString("F4", CultureInfo.InvariantCulture),
                $"[{mark}]{classes[row]}[/]");
        }

        console.Write(table);
        return (outputs, classes);
    }
}
