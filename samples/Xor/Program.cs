using System.Threading;
using Samples.Common;
using Spectre.Console;

namespace Samples.Xor;

/// <summary>Entry point: <c>dotnet run --project samples/Xor -c Release -- [options]</c> (<c>--help</c> lists them).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        ConsoleSetup.ForLogs();
        return Run(args, AnsiConsole.Console, ConsoleSetup.CancelOnCtrlC());
    }

    /// <summary>Parses <paramref name="args"/> and runs the sample, writing to <paramref name="console"/>.</summary>
    public static int Run(string[] args, IAnsiConsole console, CancellationToken cancellationToken = default) =>
        SampleApp.Run<XorCommand>("Xor", "Trains the classic 2-2-1 sigmoid network on XOR and prints its truth table before and after.", args, console, cancellationToken);
}

internal sealed class XorCommand : SampleCommand<XorSettings>
{
    protected override void Run(XorSettings settings, IAnsiConsole console, CancellationToken cancellationToken) =>
        XorSample.Run(settings, console, cancellationToken);
}
