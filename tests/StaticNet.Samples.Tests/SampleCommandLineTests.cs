using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Spectre.Console;
using Xunit;

namespace StaticNet.Samples.Tests;

/// <summary>
/// The samples' command lines (issue 11 item 15): an unknown option is an error that names the nearest known option and
/// prints the usage, every sample and its --help are named in README.md, and every data file is used by a sample.
/// </summary>
public class SampleCommandLineTests
{
    private delegate int SampleMain(string[] args, IAnsiConsole console, CancellationToken cancellationToken);

    /// <summary>Every sample project, by its folder under samples/, with its entry point.</summary>
    private static readonly (string Name, SampleMain Run)[] Samples =
    [
        ("Iris", global::Samples.Iris.Program.Run),
        ("Xor", global::Samples.Xor.Program.Run),
        ("Digits", global::Samples.Digits.Program.Run),
        ("BreastCancer", global::Samples.BreastCancer.Program.Run),
        ("Wine", global::Samples.Wine.Program.Run),
    ];

    public static TheoryData<string> SampleNames() => new(Samples.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void UnknownOption_IsAnError_NamingTheNearestOption_WithTheUsage(string sample)
    {
        var console = new SampleConsole();

        // "--epoch 5" used to train with the default epochs and exit 0.
        int exitCode = Sample(sample)(["--epoch", "5"], console.Console, CancellationToken.None);

        string text = console.Text;
        Assert.NotEqual(0, exitCode);
        Assert.Contains("unknown option '--epoch'; did you mean '--epochs'?", text);
        Assert.Contains("USAGE:", text);
        Assert.Contains($"dotnet run --project samples/{sample} -c Release --", text);
        Assert.Contains("--learning-rate", text);
        Assert.DoesNotContain("epoch 1/", text);
    }

    [Theory]
    [InlineData("-x", "unknown option '-x'.")]
    [InlineData("--lerning-rate=0.1", "unknown option '--lerning-rate'; did you mean '--learning-rate'?")]
    [InlineData("--frobnicate", "unknown option '--frobnicate'.")]
    public void UnknownOption_MessageNamesIt_AndSuggestsOnlyNearOptions(string argument, string message)
    {
        var console = new SampleConsole();

        int exitCode = global::Samples.Iris.Program.Run([argument], console.Console);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, console.Text);
        Assert.DoesNotContain("epoch 1/", console.Text);
    }

    [Fact]
    public void StrayArgument_IsAnError()
    {
        var console = new SampleConsole();

        int exitCode = global::Samples.Xor.Program.Run(["5"], console.Console);

        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain("Before training", console.Text);
    }

    [Fact]
    public void NegativeNumbersAndEqualsSigns_AreValues_NotUnknownOptions()
    {
        var console = new SampleConsole();

        int exitCode = global::Samples.Iris.Program.Run(["--seed", "-3", "--epochs=0"], console.Console);

        // Parsed, then refused by the settings' own validation rather than as an unknown option.
        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain("unknown option", console.Text);
        Assert.Contains("--epochs must be at least 1", console.Text);
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Help_ExitsZero_AndTheReadmeNamesTheSampleAndItsHelp(string sample)
    {
        var console = new SampleConsole();

        int exitCode = Sample(sample)(["--help"], console.Console, CancellationToken.None);

        Assert.Equal(0, exitCode);
        Assert.Contains("--epochs", console.Text);
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        Assert.Contains($"dotnet run --project samples/{sample} -c Release", readme);
        Assert.Contains($"dotnet run --project samples/{sample} -c Release -- --help", readme);
    }

    [Fact]
    public void EverySampleProject_IsTested_AndEveryDataFile_IsUsedByASampleAndDescribed()
    {
        string root = RepositoryRoot();
        string[] projects = Directory.GetDirectories(Path.Combine(root, "samples"))
            .Where(d => Directory.GetFiles(d, "*.csproj").Length > 0)
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(Samples.Select(s => s.Name).Order(StringComparer.Ordinal), projects);

        string projectsText = string.Concat(projects.Select(p => File.ReadAllText(Path.Combine(root, "samples", p, p + ".csproj"))));
        string dataReadme = File.ReadAllText(Path.Combine(root, "data", "README.md"));
        foreach (string csv in Directory.GetFiles(Path.Combine(root, "data"), "*.csv").Select(Path.GetFileName).Order(StringComparer.Ordinal)!)
        {
            Assert.True(projectsText.Contains($"data/{csv}", StringComparison.Ordinal), $"data/{csv} is used by no sample");
            Assert.Contains($"**{csv}**", dataReadme);
        }
        // Every file named in the provenance table exists.
        foreach (Match row in Regex.Matches(dataReadme, @"^\| ([\w.]+\.csv) \|", RegexOptions.Multiline))
        {
            Assert.True(File.Exists(Path.Combine(root, "data", row.Groups[1].Value)), $"data/README.md describes {row.Groups[1].Value}, which does not exist");
        }
    }

    [Fact]
    public void Wine_DefaultOptions_ClassifyTheHeldOutWines_SaveAndReload()
    {
        // data/wine.csv was in the repository but used by nothing (issue 11 item 15): this sample uses it.
        using var folder = new TempFolder();
        var console = new SampleConsole();

        int exitCode = global::Samples.Wine.Program.Run(["--output", folder.Path], console.Console);

        string text = console.Text;
        Assert.Equal(0, exitCode);
        Assert.Contains("Data: 178 wines of 3 cultivars from wine.csv; 142 to train, 36 to test", text);
        Assert.Contains("epoch 60/60", text);
        double accuracy = double.Parse(System.Text.RegularExpressions.Regex.Match(text, @"Test accuracy: ([\d.]+)%").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(accuracy >= 90, $"test accuracy {accuracy}%");
        Assert.Contains("Label.Class0", text);
        Assert.Contains("classifies every raw test wine the same", text);
        var reloaded = global::Samples.Wine.WineClassifier.Load(Path.Combine(folder.Path, "wine.safetensors"));
        Assert.True(reloaded.NormalizationParameters[12] > 100, "proline's mean (hundreds) travels with the weights");
    }

    private static SampleMain Sample(string name) => Samples.Single(s => s.Name == name).Run;

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "StaticNet.sln")))
            {
                return d.FullName;
            }
        }
        throw new InvalidOperationException("StaticNet.sln not found above " + AppContext.BaseDirectory);
    }
}
