using System.Threading;
using Samples.Common;
using Spectre.Console;

namespace Samples.BreastCancer;

/// <summary>Entry point: <c>dotnet run --project samples/BreastCancer -c Release -- [options]</c> (<c>--help</c> lists them).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        ConsoleSetup.ForLogs();
        return Run(args, AnsiConsole.Console, ConsoleSetup.CancelOnCtrlC());
    }

    /// <summary>Parses <paramref name="args"/> and runs the sample, writing to <paramref name="console"/>.</summary>
    public static int Run(string[] args, IAnsiConsole console, CancellationToken cancellationToken = default) =>
        SampleApp.Run<BreastCancerCommand>("BreastCancer", "Trains a 30-16-1 sigmoid classifier on the Wisconsin breast cancer data; prints accuracy, precision and recall.", args, console, cancellationToken);
}

internal sealed class BreastCancerCommand : SampleCommand<BreastCancerSettings>
{
    protected override void Run(BreastCancerSettings settings, IAnsiConsole console, CancellationToken cancellationToken) =>
        BreastCancerSample.Run(settings, console, cancellationToken);
}
