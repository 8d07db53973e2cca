using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Samples.Wine;

/// <summary>Command-line options of the wine sample (<c>--help</c> lists them with their defaults).</summary>
public sealed class WineSettings : CommandSettings
{
    [CommandOption("-e|--epochs <N>")]
    [Description("Passes over the training data.")]
    [DefaultValue(60)]
    public int Epochs { get; set; } = 60;

    [CommandOption("-s|--seed <SEED>")]
    [Description("Seed of the train/test split, the initial weights and the shuffling.")]
    [DefaultValue(1)]
    public int Seed { get; set; } = 1;

    [CommandOption("-l|--learning-rate <RATE>")]
    [Description("Adam's learning rate (annealed to 0 with a cosine schedule).")]
    [DefaultValue(0.01)]
    public double LearningRate { get; set; } = 0.01;

    [CommandOption("-b|--batch-size <N>")]
    [Description("Samples per mini-batch.")]
    [DefaultValue(16)]
    public int BatchSize { get; set; } = 16;

    [CommandOption("--test-fraction <FRACTION>")]
    [Description("Share of each class held out as the test set.")]
    [DefaultValue(0.2)]
    public double TestFraction { get; set; } = 0.2;

    [CommandOption("-o|--output <FOLDER>")]
    [Description("Folder for the trained weights (wine.safetensors). Default: samples/Wine/out.")]
    public string? Output { get; set; }

    [CommandOption("--log-every <N>")]
    [Description("Print an epoch line every N epochs (and the first and last); 1 prints every epoch, 0 none.")]
    [DefaultValue(10)]
    public int LogEvery { get; set; } = 10;

    public override ValidationResult Validate()
    {
        if (Epochs < 1) return ValidationResult.Error("--epochs must be at least 1.");
        if (BatchSize < 1) return ValidationResult.Error("--batch-size must be at least 1.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) return ValidationResult.Error("--learning-rate must be positive.");
        if (!(TestFraction > 0 && TestFraction < 1)) return ValidationResult.Error("--test-fraction must be between 0 and 1.");
        if (LogEvery < 0) return ValidationResult.Error("--log-every must not be negative.");
        return ValidationResult.Success();
    }
}
