using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace StaticNet.Package.Tests;

/// <summary>The output of one finished process.</summary>
internal sealed record ProcessResult(string Command, int ExitCode, string Output)
{
    public override string ToString() => $"> {Command}{Environment.NewLine}(exit code {ExitCode}){Environment.NewLine}{Output}";
}

/// <summary>Runs the dotnet CLI in a child process with a timeout and a clean environment.</summary>
internal static class DotNet
{
    /// <summary>The dotnet host running these tests (so the same installation builds the package and the consumer).</summary>
    private static string Executable
    {
        get
        {
            string? path = Environment.ProcessPath;
            if (path is not null && Path.GetFileNameWithoutExtension(path) == "dotnet")
            {
                return path;
            }
            return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        }
    }

    /// <summary>
    /// Runs <c>dotnet</c> with <paramref name="arguments"/> and waits at most <paramref name="timeout"/>; on timeout the
    /// whole process tree is killed and a <see cref="TimeoutException"/> carries what it printed so far.
    /// </summary>
    public static ProcessResult Run(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host inherits MSBuild's variables from `dotnet test` (MSBuildSDKsPath, MSBUILD_EXE_PATH, ...):
        // they would point the child builds at the parent's MSBuild state. Drop them; no build servers or nodes
        // outlive the child, so the temporary folder can be deleted and nothing keeps running.
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            string name = (string)variable.Key;
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        if (environment is not null)
        {
            foreach ((string name, string value) in environment)
            {
                start.Environment[name] = value;
            }
        }

        string command = "dotnet " + string.Join(' ', arguments);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited meanwhile.
            }
            process.WaitForExit();
            throw new TimeoutException($"'{command}' did not finish within {timeout.TotalSeconds:0} s.{Environment.NewLine}{Text(output)}");
        }
        process.WaitForExit(); // drains the asynchronous output readers
        return new ProcessResult(command, process.ExitCode, Text(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
