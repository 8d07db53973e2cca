using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Samples.Xor;

/// <summary>Command-line options of the XOR sample (<c>--help</c> lists them with their defaults).</summary>
public sealed class XorSettings : CommandSettings
{
    [CommandOption("-e|--epochs <N>")]
    [Description("Passes over the four rows of the truth table (one batch each).")]
    [DefaultValue(1000)]
    public int Epochs { get; set; } = 1000;

    [CommandOption("-s|--seed <SEED>")]
    [Description("Seed of the initial weights. XOR has bad local minima; seed 1 converges with the defaults.")]
    [DefaultValue(1)]
    public int Seed { get; set; } = 1;

    [CommandOption("-l|--learning-rate <RATE>")]
    [Description("SGD's learning rate.")]
    [DefaultValue(0.5)]
    public double LearningRate { get; set; } = 0.5;

    [CommandOption("-m|--momentum <MOMENTUM>")]
    [Description("SGD's momentum.")]
    [DefaultValue(0.9)]
    public double Momentum { get; set; } = 0.9;

    [CommandOption("-o|--output <FOLDER>")]
    [Description("Folder for the trained weights (xor.safetensors). Default: samples/Xor/out.")]
    public string? Output { get; set; }

    [CommandOption("--log-every <N>")]
    [Description("Print an epoch line every N epochs (and the first and last); 0 prints none.")]
    [DefaultValue(100)]
    public int LogEvery { get; set; } = 100;

    public override ValidationResult Validate()
    {
        if (Epochs < 1) return ValidationResult.Error("--epochs must be at least 1.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) return ValidationResult.Error("--learning-rate must be positive.");
        if (!(Momentum >= 0 && Momentum < 1)) return ValidationResult.Error("--momentum must be in [0, 1).");
        if (LogEvery < 0) return ValidationResult.Error("--log-every must not be negative.");
        return ValidationResult.Success();
    }
}
