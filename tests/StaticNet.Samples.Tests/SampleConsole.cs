using System;
using System.IO;
using Spectre.Console;

namespace StaticNet.Samples.Tests;

/// <summary>A Spectre console writing to a string: by default non-interactive plain text, as in a CI log.</summary>
internal sealed class SampleConsole
{
    private readonly StringWriter _writer = new();

    public SampleConsole(int width = 160, bool interactive = false)
    {
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = interactive ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(_writer),
        });
        Console.Profile.Width = width;
    }

    public IAnsiConsole Console { get; }

    public string Text => _writer.ToString();
}

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "staticnet-samples-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
