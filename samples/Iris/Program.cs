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
        return Run(args, AnsiConsole.Console);
    }

    /// <summary>Parses <paramref name="args"/> and runs the sample, writing to <paramref name="console"/>.</summary>
    public static int Run(string[] args, IAnsiConsole console)
    {
        var app = new CommandApp<IrisCommand>().WithDescription("Trains an iris classifier (4-16-3) with Adam, tests it, saves/reloads its weights and plots its training curves.").WithData(console);
        app.Configure(config =>
        {
            config.SetApplicationName("dotnet run --project samples/Iris -c Release --");
            config.ConfigureConsole(console);
        });
        return app.Run(args);
    }
}

internal sealed class IrisCommand : Command<IrisSettings>
{
    public override int Execute(CommandContext context, IrisSettings settings, CancellationToken cancellationToken)
    {
        IrisSample.Run(settings, context.Data as IAnsiConsole ?? AnsiConsole.Console, cancellationToken);
        return 0;
    }
}
