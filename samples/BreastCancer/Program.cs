using System;
using System.Threading;
using Samples.Common;
using Spectre.Console;
using Spectre.Console.Cli;

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
    public static int Run(string[] args, IAnsiConsole console, CancellationToken cancellationToken = default)
    {
        var app = new CommandApp<BreastCancerCommand>().WithDescription("Trains a 30-16-1 sigmoid classifier on the Wisconsin breast cancer data; prints accuracy, precision and recall.").WithData(console);
        app.Configure(config =>
        {
            config.SetApplicationName("dotnet run --project samples/BreastCancer -c Release --");
            config.ConfigureConsole(console);
        });
        return app.Run(args, cancellationToken);
    }
}

internal sealed class BreastCancerCommand : Command<BreastCancerSettings>
{
    public override int Execute(CommandContext context, BreastCancerSettings settings, CancellationToken cancellationToken)
    {
        IAnsiConsole console = context.Data as IAnsiConsole ?? AnsiConsole.Console;
        try
        {
            BreastCancerSample.Run(settings, console, cancellationToken);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine("[yellow]Canceled.[/]");
            return 130;
        }
    }
}
