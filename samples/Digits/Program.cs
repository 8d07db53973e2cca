using System.Threading;
using Samples.Common;
using Spectre.Console;

namespace Samples.Digits;

/// <summary>Entry point: <c>dotnet run --project samples/Digits -c Release -- [options]</c> (<c>--help</c> lists them).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        ConsoleSetup.ForLogs();
        return Run(args, AnsiConsole.Console, ConsoleSetup.CancelOnCtrlC());
    }

    /// <summary>Parses <paramref name="args"/> and runs the sample, writing to <paramref name="console"/>.</summary>
    public static int Run(string[] args, IAnsiConsole console, CancellationToken cancellationToken = default) =>
        SampleApp.Run<DigitsCommand>("Digits", "Trains a 64-32-10 classifier on 8x8 handwritten digits and draws the test digits it gets wrong.", args, console, cancellationToken);
}

internal sealed class DigitsCommand : SampleCommand<DigitsSettings>
{
    protected override void Run(DigitsSettings settings, IAnsiConsole console, CancellationToken cancellationToken) =>
        DigitsSample.Run(settings, console, cancellationToken);
}
