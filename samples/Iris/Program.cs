using System.Threading;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Samples.Iris;

/// <summary>Entry point: <c>dotnet run --project samples/Iris -c Release -- [options]</c>.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Samples.Common.ConsoleSetup.ForLogs();
        var app = new CommandApp<IrisCommand>();
        app.Configure(config => config.SetApplicationName("dotnet run --project samples/Iris -c Release --"));
        return app.Run(args);
    }
}

internal sealed class IrisCommand : Command<IrisSettings>
{
    public override int Execute(CommandContext context, IrisSettings settings, CancellationToken cancellationToken)
    {
        IrisSample.Run(settings, AnsiConsole.Console, cancellationToken);
        return 0;
    }
}
