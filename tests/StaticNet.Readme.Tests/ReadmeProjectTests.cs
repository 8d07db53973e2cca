using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;

namespace StaticNet.Readme.Tests;

/// <summary>
/// That <see cref="ReadmeProject"/> compiles and runs the README's C# blocks as a reader's project would, and so fails on
/// the mistakes of issue 11 (items 10, 13, 14): each test feeds it the README's old text of a block.
/// </summary>
public sealed class ReadmeProjectTests
{
    private const string OldQuickstart = """
        var net = new IrisClassifier(seed: 42);             // PyTorch's default initialization, seeded
        float[] probabilities = new float[IrisClassifier.OutputSize];
        net.Predict([5.1f, 3.5f, 1.4f, 0.2f], probabilities);
        """;

    private const string OldNormalization = """
        var network = new IrisClassifier(seed: 1);
        network.FitNormalization(training.Inputs);     // mean and 1/deviation (or min and 1/range) per input
        var trainer = new Trainer<float>(network, new Adam(1e-2));
        trainer.Fit(training);                         // on raw features
        """;

    private const string OldCheckpoints = """
        trainer.Checkpoints = new CheckpointOptions("checkpoints") { EveryEpochs = 5, SaveBest = true, KeepLast = 2 };
        trainer.Fit(training, validation);
        // later, in a new process, with a new network, optimizer and trainer configured the same way:
        trainer.Resume("checkpoints/epoch-0005.safetensors", training, validation);
        """;

    [Fact]
    public void OldQuickstart_WithoutTheUsingOfTheProjectsNamespace_DoesNotCompile()
    {
        // Item 10: in a new project the class is in namespace MyApp, which the old Quickstart never imported; the old
        // harness compiled it inside the test project's own namespace and so did not notice.
        ReadmeProject.Compiled compiled = ReadmeProject.Compile(OldQuickstart, 1, standalone: true, [QuickstartSpec()]);

        Assert.Null(compiled.Assembly);
        Assert.Contains(compiled.Problems, p => p.Contains("error CS0246", StringComparison.Ordinal) && p.Contains("'IrisClassifier'", StringComparison.Ordinal));

        // ... and with the one line the README now shows, it does.
        Assert.NotNull(ReadmeProject.Compile("using MyApp;\n" + OldQuickstart, 1, standalone: true, [QuickstartSpec()]).Assembly);
    }

    [Fact]
    public void Snippets_SeeNoUsingsButTheImplicitOnesTheirOwnAndThePreamble_AndAreInTheGlobalNamespace()
    {
        // Not the test assembly's usings or namespace: a block that needs System.Text.Json has to say so.
        ReadmeProject.Compiled json = ReadmeProject.Compile("JsonDocument d = JsonDocument.Parse(\"{}\");", 1, standalone: false, [QuickstartSpec()]);
        Assert.Contains(json.Problems, p => p.Contains("error CS0246", StringComparison.Ordinal) && p.Contains("'JsonDocument'", StringComparison.Ordinal));

        // Nor each other's: a standalone block has no preamble (no StaticNet using, no data).
        ReadmeProject.Compiled standalone = ReadmeProject.Compile("using MyApp;\nvar t = new Trainer<float>(new IrisClassifier(), new StaticNet.Optimizers.Adam(1e-2));\n_ = inputs;", 1, standalone: true, [QuickstartSpec()]);
        Assert.Contains(standalone.Problems, p => p.Contains("'Trainer<>'", StringComparison.Ordinal));
        Assert.Contains(standalone.Problems, p => p.Contains("'inputs'", StringComparison.Ordinal));

        // The block is the program's top-level code, in the global namespace; the class is in MyApp (the project name).
        ReadmeProject.Compiled program = ReadmeProject.Compile("System.Console.Write(typeof(IrisClassifier).FullName);", 1, standalone: false, [QuickstartSpec()]);
        Assert.True(program.Assembly is not null, string.Join(Environment.NewLine, program.Problems));
        Assert.Equal("MyApp.IrisClassifier", program.Assembly!.GetTypes().Single(t => t.Name == "IrisClassifier").FullName);
        Assert.Equal("Program", program.Assembly.EntryPoint!.DeclaringType!.FullName);

        // Warnings count: a README block should build cleanly in a project with warnings as errors.
        ReadmeProject.Compiled warning = ReadmeProject.Compile("string s = null;\nSystem.Console.Write(s);", 1, standalone: true, []);
        Assert.Contains(warning.Problems, p => p.Contains("warning CS8600", StringComparison.Ordinal));
    }

    [Fact]
    public void OldNormalizationSnippet_WithTheQuickstartSpec_DoesNotCompile_TheReadmeShowsASpecThatNormalizes()
    {
        // Item 13: FitNormalization exists only on a class whose spec says "normalize".
        ReadmeProject.Compiled compiled = ReadmeProject.Compile(OldNormalization, 1, standalone: false, [QuickstartSpec()]);
        Assert.Null(compiled.Assembly);
        Assert.Contains(compiled.Problems, p => p.Contains("error CS1061", StringComparison.Ordinal) && p.Contains("'FitNormalization'", StringComparison.Ordinal));

        // The README's block is compiled with the spec shown just before it, which normalizes.
        ReadmeBlock snippet = ReadmeBlocks.All.Single(b => b.IsSnippet && b.Text.Contains("FitNormalization", StringComparison.Ordinal));
        ReadmeBlock spec = ReadmeProject.SpecsBefore(snippet.Line).Single(s => ReadmeProject.SpecName(s) == "IrisClassifier");
        Assert.Contains("\"normalize\": \"standard\"", spec.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(ReadmeBlocks.All, b => b.Line > spec.Line && b.Line < snippet.Line && (b.IsSnippet || ReadmeTests.IsSpec(b)));
    }

    [Fact]
    public void OldCheckpointsSnippet_FailsWhenRun_BecauseKeepLastDeletedTheCheckpointItResumesFrom()
    {
        // Item 14: run as the README states it (the Training example's trainer: 100 epochs), KeepLast = 2 leaves
        // epoch-0095 and epoch-0100 only. The old harness's 10-epoch trainer kept epoch-0005, hiding this.
        ReadmeBlock checkpoints = ReadmeBlocks.All.Single(b => b.IsSnippet && b.Text.Contains("CheckpointOptions", StringComparison.Ordinal));
        ReadmeProject.Compiled compiled = ReadmeProject.Compile(OldCheckpoints, checkpoints.Line, standalone: false, ReadmeProject.SpecsBefore(checkpoints.Line));
        Assert.True(compiled.Assembly is not null, string.Join(Environment.NewLine, compiled.Problems));

        string folder = Path.Combine(Path.GetTempPath(), "staticnet-readme-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = folder;
            Exception error = Assert.ThrowsAny<Exception>(compiled.Run);
            Assert.Contains("epoch-0005", error.Message, StringComparison.Ordinal);
            Assert.Equal(["best.safetensors", "epoch-0095.safetensors", "epoch-0100.safetensors"],
                Directory.GetFiles(Path.Combine(folder, "checkpoints")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void TheReadmeStatesThePreamble_AndThePreambleDeclaresExactlyWhatItStates()
    {
        string readme = File.ReadAllText(ReadmeBlocks.ReadmePath);
        string statement = readme[readme.IndexOf("The C# blocks after this one", StringComparison.Ordinal)..];
        statement = statement[..statement.IndexOf("\n\n", StringComparison.Ordinal)];
        foreach (string u in ReadmeProject.PreambleUsings)
        {
            Assert.Contains($"`using {u};`", statement, StringComparison.Ordinal);
        }
        Assert.Contains("tests/StaticNet.Readme.Tests/Snippets/Preamble.cs", statement, StringComparison.Ordinal);

        // The names the preamble gives blocks: Program's static fields, each named in the statement.
        ReadmeProject.Compiled compiled = ReadmeProject.Compile("return;", 1, standalone: false, [QuickstartSpec()]);
        Assert.True(compiled.Assembly is not null, string.Join(Environment.NewLine, compiled.Problems));
        string[] fields = compiled.Assembly!.GetType("Program")!.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
            .Where(f => !f.IsPrivate).Select(f => f.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["inputs", "labels", "network", "trainer", "training", "validation"], fields);
        foreach (string field in fields)
        {
            Assert.Matches(new Regex($"`{field}`"), statement);
        }

        // The preamble's trainer is the Training example's: 100 epochs, batches of 16, seed 1, Adam at 1e-2.
        Assert.Contains("Epochs = 100, BatchSize = 16", statement.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        string preamble = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Snippets", "Preamble.cs"));
        Assert.Contains("new Adam(1e-2)) { Epochs = 100, BatchSize = 16, Seed = 1 }", preamble, StringComparison.Ordinal);
    }

    private static ReadmeBlock QuickstartSpec() => ReadmeBlocks.All.First(ReadmeTests.IsSpec);
}
