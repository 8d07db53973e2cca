using System.Threading;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Samples.Digits;

/// <summary>Entry point: <c>dotnet run --project samples/Digits -c Release -- [options]</c>.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Samples.Common.ConsoleSetup.ForLogs();
        var app = new CommandApp<DigitsCommand>();
        app.Configure(config => config.SetApplicationName("dotnet run --project samples/Digits -c Release --"));
        return app.Run(args);
    }
}

internal sealed class DigitsCommand : Command<DigitsSettings>
{
    public override int Execute(CommandContext context, DigitsSettings settings, CancellationToken cancellationToken)
    {
        DigitsSample.Run(settings, AnsiConsole.Console, cancellationToken);
        return 0;
    }
}
