using System.Threading;
using Samples.Common;
using Spectre.Console;

namespace Samples.Iris;

/// <summary>Entry point: <c>dotnet run --project samples/Iris -c Release -- [options]</c> (<c>--help</c> lists them).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        ConsoleSetup.ForLogs();
        return Run(args, AnsiConsole.Console, ConsoleSetup.CancelOnCtrlC());
    }

    /// <summary>Parses <paramref name="args"/> and runs the sample, writing to <paramref name="console"/>.</summary>
    public static int Run(string[] args, IAnsiConsole console, CancellationToken cancellationToken = default) =>
        SampleApp.Run<IrisCommand>("Iris", "Trains an iris classifier (4-16-3) with Adam, tests it, saves/reloads its weights and plots its training curves.", args, console, cancellationToken);
}

internal sealed class IrisCommand : SampleCommand<IrisSettings>
{
    protected override void Run(IrisSettings settings, IAnsiConsole console, CancellationToken cancellationToken) =>
        IrisSample.Run(settings, console, cancellationToken);
}
