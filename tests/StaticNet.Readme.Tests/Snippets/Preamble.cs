// The preamble README.md states once (at the end of its Quickstart) for the C# blocks after the Quickstart: ReadmeProject
// compiles this file beside each such block, which is the Program.cs of a fresh console project named MyApp. The block's
// top-level statements are the body of Program's entry point, so these static fields are in scope by their simple names,
// and a block that declares a local of the same name uses its own. The usings below are this file's only: the README
// states `using MyApp; using StaticNet; using StaticNet.Optimizers;` separately, and ReadmeProject adds exactly those to
// the block's file.
using System;
using System.Globalization;
using System.IO;
using MyApp;
using StaticNet;
using StaticNet.Optimizers;

partial class Program
{
    private static readonly string[] IrisClasses = ["setosa", "versicolor", "virginica"];

    /// <summary>The 150 iris samples of data/iris.csv, row-major [150 x 4], raw centimetres.</summary>
    internal static float[] inputs = LoadIris().Inputs;

    /// <summary>Their classes: 0 setosa, 1 versicolor, 2 virginica.</summary>
    internal static int[] labels = LoadIris().Labels;

    /// <summary>The Training example's split: 80% training, 20% validation.</summary>
    internal static TrainingData<float> training = TrainingData<float>.FromLabels(inputs, labels, inputSize: 4).Split(0.2, seed: 1).Training;

    internal static TrainingData<float> validation = TrainingData<float>.FromLabels(inputs, labels, inputSize: 4).Split(0.2, seed: 1).Validation;

    internal static IrisClassifier network = new IrisClassifier(seed: 1);

    /// <summary>The Training example's trainer without its schedule, early stopping and clipping.</summary>
    internal static Trainer<float> trainer = new Trainer<float>(network, new Adam(1e-2)) { Epochs = 100, BatchSize = 16, Seed = 1 };

    private static (float[] Inputs, int[] Labels) LoadIris()
    {
        string[] rows = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "iris.csv"));
        var x = new float[(rows.Length - 1) * 4];
        var y = new int[rows.Length - 1];
        for (int r = 1; r < rows.Length; r++)
        {
            string[] cells = rows[r].Split(',');
            for (int c = 0; c < 4; c++)
            {
                x[(r - 1) * 4 + c] = float.Parse(cells[c], CultureInfo.InvariantCulture);
            }
            y[r - 1] = Array.IndexOf(IrisClasses, cells[4].Trim());
        }
        return (x, y);
    }
}
