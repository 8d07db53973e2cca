using System;
using System.Threading;
using Samples.Common;
using Spectre.Console;
using Spectre.Console.Cli;

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
    public static int Run(string[] args, IAnsiConsole console, CancellationToken cancellationToken = default)
    {
        var app = new CommandApp<DigitsCommand>().WithDescription("Trains a 64-32-10 classifier on 8x8 handwritten digits and draws the test digits it gets wrong.").WithData(console);
        app.Configure(config =>
        {
            config.SetApplicationName("dotnet run --project samples/Digits -c Release --");
            config.ConfigureConsole(console);
        });
        return app.Run(args, cancellationToken);
    }
}

internal sealed class DigitsCommand : Command<DigitsSettings>
{
    public override int Execute(CommandContext context, DigitsSettings settings, CancellationToken cancellationToken)
    {
        IAnsiConsole console = context.Data as IAnsiConsole ?? AnsiConsole.Console;
        try
        {
            DigitsSample.Run(settings, console, cancellationToken);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine("[yellow]Canceled.[/]");
            return 130;
        }
    }
}
