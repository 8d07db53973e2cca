using System.Threading;
using Samples.Common;
using Spectre.Console;

namespace Samples.Wine;

/// <summary>Entry point: <c>dotnet run --project samples/Wine -c Release -- [options]</c> (<c>--help</c> lists them).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        ConsoleSetup.ForLogs();
        return Run(args, AnsiConsole.Console, ConsoleSetup.CancelOnCtrlC());
    }

    /// <summary>Parses <paramref name="args"/> and runs the sample, writing to <paramref name="console"/>.</summary>
    public static int Run(string[] args, IAnsiConsole console, CancellationToken cancellationToken = default) =>
        SampleApp.Run<WineCommand>("Wine", "Trains a 13-16-3 classifier of the three cultivars of the UCI wine data; prints test accuracy and the confusion matrix.", args, console, cancellationToken);
}

internal sealed class WineCommand : SampleCommand<WineSettings>
{
    protected override void Run(WineSettings settings, IAnsiConsole console, CancellationToken cancellationToken) =>
        WineSample.Run(settings, console, cancellationToken);
}
