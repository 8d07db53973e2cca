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
        return Run(args, AnsiConsole.Console);
    }

    /// <summary>Parses <paramref name="args"/> and runs the sample, writing to <paramref name="console"/>.</summary>
    public static int Run(string[] args, IAnsiConsole console)
    {
        var app = new CommandApp<BreastCancerCommand>().WithDescription("Trains a 30-16-1 sigmoid classifier on the Wisconsin breast cancer data; prints accuracy, precision and recall.").WithData(console);
        app.Configure(config =>
        {
            config.SetApplicationName("dotnet run --project samples/BreastCancer -c Release --");
            config.ConfigureConsole(console);
        });
        return app.Run(args);
    }
}

internal sealed class BreastCancerCommand : Command<BreastCancerSettings>
{
    public override int Execute(CommandContext context, BreastCancerSettings settings, CancellationToken cancellationToken)
    {
        BreastCancerSample.Run(settings, context.Data as IAnsiConsole ?? AnsiConsole.Console, cancellationToken);
        return 0;
    }
}
