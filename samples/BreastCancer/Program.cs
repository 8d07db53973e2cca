using System.Threading;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Samples.BreastCancer;

/// <summary>Entry point: <c>dotnet run --project samples/BreastCancer -c Release -- [options]</c>.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Samples.Common.ConsoleSetup.ForLogs();
        var app = new CommandApp<BreastCancerCommand>();
        app.Configure(config => config.SetApplicationName("dotnet run --project samples/BreastCancer -c Release --"));
        return app.Run(args);
    }
}

internal sealed class BreastCancerCommand : Command<BreastCancerSettings>
{
    public override int Execute(CommandContext context, BreastCancerSettings settings, CancellationToken cancellationToken)
    {
        BreastCancerSample.Run(settings, AnsiConsole.Console, cancellationToken);
        return 0;
    }
}
