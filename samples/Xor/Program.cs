using System;
using System.Threading;
using Samples.Common;
using Spectre.Console;
using Spectre.Console.Cli;

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
    public static int Run(string[] args, IAnsiConsole console, CancellationToken cancellationToken = default)
    {
        var app = new CommandApp<XorCommand>().WithDescription("Trains the classic 2-2-1 sigmoid network on XOR and prints its truth table before and after.").WithData(console);
        app.Configure(config =>
        {
            config.SetApplicationName("dotnet run --project samples/Xor -c Release --");
            config.ConfigureConsole(console);
        });
        return app.Run(args, cancellationToken);
    }
}

internal sealed class XorCommand : Command<XorSettings>
{
    public override int Execute(CommandContext context, XorSettings settings, CancellationToken cancellationToken)
    {
        IAnsiConsole console = context.Data as IAnsiConsole ?? AnsiConsole.Console;
        try
        {
            XorSample.Run(settings, console, cancellationToken);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine("[yellow]Canceled.[/]");
            return 130;
        }
    }
}
