using System;
using System.Threading;
using Samples.Common;
using Spectre.Console;
using Spectre.Console.Cli;

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
    public static int Run(string[] args, IAnsiConsole console, CancellationToken cancellationToken = default)
    {
        var app = new CommandApp<IrisCommand>().WithDescription("Trains an iris classifier (4-16-3) with Adam, tests it, saves/reloads its weights and plots its training curves.").WithData(console);
        app.Configure(config =>
        {
            config.SetApplicationName("dotnet run --project samples/Iris -c Release --");
            config.ConfigureConsole(console);
        });
        return app.Run(args, cancellationToken);
    }
}

internal sealed class IrisCommand : Command<IrisSettings>
{
    public override int Execute(CommandContext context, IrisSettings settings, CancellationToken cancellationToken)
    {
        IAnsiConsole console = context.Data as IAnsiConsole ?? AnsiConsole.Console;
        try
        {
            IrisSample.Run(settings, console, cancellationToken);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine("[yellow]Canceled.[/]");
            return 130;
        }
    }
}
