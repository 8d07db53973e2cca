using System;
using System.Threading;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Samples.Common;

/// <summary>The command-line shell every sample shares: options parsing, --help, console and Ctrl+C handling.</summary>
internal static class SampleApp
{
    /// <summary>Parses <paramref name="args"/> and runs <typeparamref name="TCommand"/>, writing to <paramref name="console"/>.</summary>
    public static int Run<TCommand>(string project, string description, string[] args, IAnsiConsole console, CancellationToken cancellationToken)
        where TCommand : class, ICommand
    {
        var app = new CommandApp<TCommand>().WithDescription(description).WithData(console);
        app.Configure(config =>
        {
            config.SetApplicationName($"dotnet run --project samples/{project} -c Release --");
            config.ConfigureConsole(console);
        });
        return app.Run(args, cancellationToken);
    }
}

/// <summary>A sample as a command: runs it on the console passed as command data; Ctrl+C exits with 130.</summary>
internal abstract class SampleCommand<TSettings> : Command<TSettings> where TSettings : CommandSettings
{
    protected abstract void Run(TSettings settings, IAnsiConsole console, CancellationToken cancellationToken);

    public sealed override int Execute(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        IAnsiConsole console = context.Data as IAnsiConsole ?? AnsiConsole.Console;
        try
        {
            Run(settings, console, cancellationToken);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine("[yellow]Canceled.[/]");
            return 130;
        }
    }
}
