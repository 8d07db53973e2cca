using System.Threading;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Samples.Xor;

/// <summary>Entry point: <c>dotnet run --project samples/Xor -c Release -- [options]</c>.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Samples.Common.ConsoleSetup.ForLogs();
        var app = new CommandApp<XorCommand>();
        app.Configure(config => config.SetApplicationName("dotnet run --project samples/Xor -c Release --"));
        return app.Run(args);
    }
}

internal sealed class XorCommand : Command<XorSettings>
{
    public override int Execute(CommandContext context, XorSettings settings, CancellationToken cancellationToken)
    {
        XorSample.Run(settings, AnsiConsole.Console, cancellationToken);
        return 0;
    }
}
