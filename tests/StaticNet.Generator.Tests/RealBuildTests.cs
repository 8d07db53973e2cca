using System;
using System.Collections;
using System.Diagnostics;
using System.IO;
using System.Text;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// One real <c>dotnet build</c> (issue 11): spec files whose names hold line terminators and an injection attempt,
/// with hostile labels, built with warnings as errors next to user code that declares the classes an injection
/// would add (so an injected class is a duplicate, CS0101). The generator and runtime are this build's.
/// </summary>
public sealed class RealBuildTests
{
    [Fact]
    public void A_project_with_hostile_spec_file_names_and_text_builds_and_gets_no_injected_class()
    {
        string folder = Path.Combine(Path.GetTempPath(), "staticnet-hostile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string generator = typeof(StaticNetGenerator).Assembly.Location;
            string runtime = typeof(INetwork<>).Assembly.Location;
            File.WriteAllText(Path.Combine(folder, "Hostile.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <RootNamespace></RootNamespace>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>disable</ImplicitUsings>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <GenerateDocumentationFile>true</GenerateDocumentationFile>
                    <NoWarn>$(NoWarn);CS1591</NoWarn>
                    <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
                  </PropertyGroup>
                  <ItemGroup>
                    <Analyzer Include="{generator}" />
                    <Reference Include="{runtime}" />
                    <AdditionalFiles Include="Specs/*.staticnet.json" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(folder, "User.cs"), """
                public class Injected { }
                public class Injected2 { }
                public static class Use
                {
                    public static int Run() => (int)new Net().Classify(new float[2]) + new Evil().Classify(new float[2]);
                }
                """);
            string specs = Directory.CreateDirectory(Path.Combine(folder, "Specs")).FullName;
            // U+2028 ends a // comment in C#; LF and CR end it everywhere.
            File.WriteAllText(Path.Combine(specs, "Net\u2028public class Injected { }\u2028.staticnet.json"),
                """{ "name": "Net", "inputs": 2, "inputNames": ["x\u2028*/", "y\u0085-->"], "labels": ["a\u2029\"<&", "b\\\r\n"], "layers": [{ "units": 2, "activation": "softmax" }] }""",
                new UTF8Encoding(false));
            // (CR and LF cannot reach the generator: csc's response file splits the path there, CS2001.)
            File.WriteAllText(Path.Combine(specs, "Evil\u0085}\u2029public class Injected2 { }\u2028//.staticnet.json".Replace("/", "")),
                """{ "name": "Evil", "inputs": 2, "layers": [{ "units": 1, "activation": "sigmoid" }] }""", new UTF8Encoding(false));

            (int exitCode, string output) = DotNetBuild(folder, TimeSpan.FromMinutes(3));
            Assert.True(exitCode == 0, output);
            Assert.DoesNotContain(": warning ", output, StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static (int ExitCode, string Output) DotNetBuild(string folder, TimeSpan timeout)
    {
        string dotnet = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "build", "-nologo", "-v:q", "-clp:NoSummary", "-nodeReuse:false" })
        {
            start.ArgumentList.Add(argument);
        }
        // Not the parent dotnet test's MSBuild state; no build server or node outlives the child.
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
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";

        using Process process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet build did not finish:\n" + output);
        }
        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
