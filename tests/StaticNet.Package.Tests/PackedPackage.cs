using System;
using System.Collections.Generic;
using System.IO;
using Xunit;

namespace StaticNet.Package.Tests;

/// <summary>
/// Packs src/StaticNet once per test class into a temporary folder, with a version of its own (so no NuGet cache
/// can hold an older package of that version) and the build output under the temporary folder too (so the
/// repository's bin/ and obj/ are left alone). Deleted afterwards unless STATICNET_KEEP_PACKAGE_TEST=1.
/// </summary>
public sealed class PackedPackage : IDisposable
{
    public static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(6);

    public PackedPackage()
    {
        string id = Guid.NewGuid().ToString("N")[..12];
        Root = Path.Combine(Path.GetTempPath(), "staticnet-package-" + id);
        Directory.CreateDirectory(Root);
        // SemVer prerelease "test-<hex>": one alphanumeric identifier, never a number with a leading zero.
        Version = $"0.1.0-test-{id}";
        Feed = Path.Combine(Root, "feed");

        PackResult = DotNet.Run(Repository.Root, PackTimeout, environment: null,
            "pack", Path.Combine(Repository.Root, "src", "StaticNet", "StaticNet.csproj"),
            "-c", "Release",
            "-o", Feed,
            "--artifacts-path", Path.Combine(Root, "artifacts"),
            $"-p:Version={Version}",
            "--disable-build-servers",
            "-nodeReuse:false");
        if (PackResult.ExitCode != 0 || !File.Exists(PackagePath))
        {
            throw new InvalidOperationException($"Packing failed: {PackagePath} was not produced.{Environment.NewLine}{PackResult}");
        }
    }

    /// <summary>The temporary folder holding the feed, the build output and the consumer project.</summary>
    public string Root { get; }

    /// <summary>The unique version of this run's package.</summary>
    public string Version { get; }

    /// <summary>The folder with the .nupkg (a local package source).</summary>
    public string Feed { get; }

    public string PackagePath => Path.Combine(Feed, $"StaticNet.{Version}.nupkg");

    public string SymbolPackagePath => Path.Combine(Feed, $"StaticNet.{Version}.snupkg");

    internal ProcessResult PackResult { get; }

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("STATICNET_KEEP_PACKAGE_TEST") == "1")
        {
            return;
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary folder left behind is no failure.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
