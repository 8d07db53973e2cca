using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Threading;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Samples.Common;

/// <summary>The command-line shell every sample shares: options parsing, --help, console and Ctrl+C handling.</summary>
internal static class SampleApp
{
    /// <summary>Exit code of a command line the sample does not understand (Spectre.Console.Cli's own parse errors return -1 too).</summary>
    public const int UsageError = -1;

    private static readonly string[] HelpOptions = ["-h", "--help", "-?"];

    /// <summary>
    /// Parses <paramref name="args"/> and runs <typeparamref name="TCommand"/>, writing to <paramref name="console"/>.
    /// An option the sample does not know is an error (exit code <see cref="UsageError"/>): the message names it and
    /// the nearest known option, then the usage is printed. Without this, Spectre.Console.Cli would keep an unknown
    /// option as a "remaining argument" and train with the defaults (<c>--epoch 5</c> ran 100 epochs).
    /// </summary>
    public static int Run<TCommand>(string project, string description, string[] args, IAnsiConsole console, CancellationToken cancellationToken)
        where TCommand : class, ICommand
    {
        var app = new CommandApp<TCommand>().WithDescription(description).WithData(console);
        app.Configure(config =>
        {
            config.SetApplicationName($"dotnet run --project samples/{project} -c Release --");
            config.ConfigureConsole(console);
            // Stray positional arguments are errors too.
            config.UseStrictParsing();
        });

        string[] known = KnownOptions(typeof(TCommand));
        if (FindUnknownOption(args, known) is { } unknown)
        {
            string? nearest = Nearest(unknown, known);
            console.MarkupLine("[red]Error:[/] " + Markup.Escape($"unknown option '{unknown}'" + (nearest is null ? "." : $"; did you mean '{nearest}'?")));
            console.WriteLine();
            app.Run(["--help"], cancellationToken);
            return UsageError;
        }
        return app.Run(args, cancellationToken);
    }

    /// <summary>The options of the command's settings (<c>--epochs</c>, <c>-e</c>, ...) and the help options.</summary>
    internal static string[] KnownOptions(Type command)
    {
        Type settings = SettingsType(command);
        var names = new List<string>(HelpOptions);
        foreach (PropertyInfo property in settings.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<CommandOptionAttribute>() is { } option)
            {
                names.AddRange(option.LongNames.Select(n => "--" + n));
                names.AddRange(option.ShortNames.Select(n => "-" + n));
            }
        }
        return names.ToArray();
    }

    /// <summary>The first option-like argument (<c>-x</c>, <c>--name</c>, <c>--name=value</c>) that is not known; numbers are values.</summary>
    internal static string? FindUnknownOption(IEnumerable<string> args, IReadOnlyCollection<string> known)
    {
        foreach (string arg in args)
        {
            if (arg == "--")
            {
                break;
            }
            if (arg.Length < 2 || arg[0] != '-' || double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }
            int end = arg.IndexOfAny(['=', ':']);
            string name = end > 0 ? arg[..end] : arg;
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                return name;
            }
        }
        return null;
    }

    /// <summary>The known long option nearest to <paramref name="unknown"/> by edit distance, if it is near enough to be a typo.</summary>
    internal static string? Nearest(string unknown, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in known.Where(k => k.StartsWith("--", StringComparison.Ordinal)))
        {
            int distance = Distance(unknown.StartsWith("--", StringComparison.Ordinal) ? unknown : "-" + unknown, candidate);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }
        return best is not null && bestDistance <= Math.Max(2, best.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            row[j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    private static Type SettingsType(Type command)
    {
        for (Type? type = command; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Command<>))
            {
                return type.GetGenericArguments()[0];
            }
        }
        throw new ArgumentException($"{command} is not a Command<TSettings>.", nameof(command));
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
