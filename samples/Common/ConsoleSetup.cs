using System;
using System.Threading;
using Spectre.Console;

namespace Samples.Common;

/// <summary>Console settings shared by the samples' entry points.</summary>
internal static class ConsoleSetup
{
    /// <summary>
    /// When the output is redirected (CI logs, a pipe), Spectre.Console assumes 80 columns and wraps longer lines;
    /// give logs 120 columns instead so that epoch lines and tables stay on one line each. Interactive terminals
    /// keep their real width.
    /// </summary>
    public static void ForLogs()
    {
        if (Console.IsOutputRedirected && AnsiConsole.Profile.Width < 120)
        {
            AnsiConsole.Profile.Width = 120;
        }
    }

    /// <summary>
    /// A token canceled by the first Ctrl+C, so that training stops between two batches and the live display
    /// restores the cursor; a second Ctrl+C ends the program at once, as usual.
    /// </summary>
    public static CancellationToken CancelOnCtrlC()
    {
        var source = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (!source.IsCancellationRequested)
            {
                e.Cancel = true;
                source.Cancel();
            }
        };
        return source.Token;
    }
}
