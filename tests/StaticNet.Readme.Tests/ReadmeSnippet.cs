using System;
using System.Globalization;
using System.IO;
using StaticNet.Optimizers;

namespace StaticNet.Readme.Tests;

/// <summary>One fenced block of README.md, as build/ExtractReadme.cs found it at build time.</summary>
/// <param name="Line">README line of the block's first content line.</param>
/// <param name="Language">The fence's info string: csharp, jsonc, json, xml, python, sh, or empty.</param>
/// <param name="Context">The <c>readme-test: context=Name</c> marker before the block, or null.</param>
/// <param name="Skipped">Whether a <c>readme-test: skip</c> marker excludes the block.</param>
/// <param name="Text">The block's content.</param>
/// <param name="Create">For a C# block, creates the compiled snippet; otherwise null.</param>
internal sealed record ReadmeBlock(int Line, string Language, string? Context, bool Skipped, string Text, Func<IReadmeSnippet>? Create)
{
    public override string ToString() => $"README.md line {Line} ({Language})";
}

/// <summary>A compiled C# block of the README.</summary>
internal interface IReadmeSnippet
{
    /// <summary>Runs the block's code.</summary>
    void Run();
}

/// <summary>
/// The context every ```csharp block of README.md is compiled in: the block is the body of <see cref="RunSnippet"/>
/// in a class derived from this one, so it may use these names (and <c>using System; using StaticNet;
/// using StaticNet.Optimizers;</c>) without declaring them. A block may declare its own variables of the same names.
/// <list type="bullet">
/// <item><c>inputs</c> (<c>float[]</c>): the 150 iris samples of data/iris.csv, row-major [150 x 4], raw cm</item>
/// <item><c>labels</c> (<c>int[]</c>): their classes (0 setosa, 1 versicolor, 2 virginica)</item>
/// <item><c>training</c>, <c>validation</c> (<c>TrainingData&lt;float&gt;</c>): <c>FromLabels(inputs, labels, inputSize: 4).Split(0.2, seed: 1)</c></item>
/// <item><c>network</c> (<c>IrisClassifier</c>): <c>new IrisClassifier(seed: 1)</c></item>
/// <item><c>trainer</c> (<c>Trainer&lt;float&gt;</c>): on <c>network</c> with <c>new Adam(1e-2)</c>, Epochs = 10, BatchSize = 16, Seed = 1</item>
/// </list>
/// <c>IrisClassifier</c> is the README quickstart's spec (namespace StaticNet.Readme.Tests), or, after a
/// <c>&lt;!-- readme-test: context=Name --&gt;</c> marker, the variant in Contexts/Name (normalized, baked weights).
/// </summary>
/// <typeparam name="TNetwork">The context's IrisClassifier.</typeparam>
internal abstract class ReadmeSnippet<TNetwork> : IReadmeSnippet
    where TNetwork : class, INetwork<float>
{
    private static readonly string[] IrisClasses = ["setosa", "versicolor", "virginica"];

    protected float[] inputs;
    protected int[] labels;
    protected TrainingData<float> training;
    protected TrainingData<float> validation;
    protected TNetwork network;
    protected Trainer<float> trainer;

    /// <summary>Builds the context.</summary>
    /// <param name="line">README line of the snippet.</param>
    /// <param name="create">The context's IrisClassifier constructor with a seed.</param>
    protected ReadmeSnippet(int line, Func<int, TNetwork> create)
    {
        Line = line;
        (inputs, labels) = LoadIris();
        (training, validation) = TrainingData<float>.FromLabels(inputs, labels, inputSize: 4).Split(0.2, seed: 1);
        network = create(1);
        trainer = new Trainer<float>(network, new Adam(1e-2)) { Epochs = 10, BatchSize = 16, Seed = 1 };
    }

    /// <summary>README line of the snippet.</summary>
    public int Line { get; }

    /// <inheritdoc/>
    public void Run() => RunSnippet();

    /// <summary>The README block.</summary>
    protected abstract void RunSnippet();

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
