using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Sdk;

namespace StaticNet.Generator.Tests.Infrastructure;

/// <summary>
/// Snapshot testing in the style of Verify.SourceGenerators: the accepted text lives in
/// <c>Snapshots/&lt;name&gt;.verified.cs</c> beside the test file. On a mismatch (or when there is none yet)
/// the actual text goes to <c>&lt;name&gt;.received.cs</c> next to it and the test fails with the first
/// difference. With <c>STATICNET_ACCEPT=1</c> the verified file is overwritten instead and the test passes.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "STATICNET_ACCEPT";

    public static void Verify(string actual, string name, [CallerFilePath] string file = "") =>
        Verify(actual, name, file, Environment.GetEnvironmentVariable(AcceptVariable) == "1");

    internal static void Verify(string actual, string name, string file, bool accept)
    {
        string directory = Path.Combine(Path.GetDirectoryName(SourcePaths.Resolve(file))!, "Snapshots");
        string verifiedPath = Path.Combine(directory, name + ".verified.cs");
        string receivedPath = Path.Combine(directory, name + ".received.cs");
        string normalized = Normalize(actual);

        if (accept)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verifiedPath, normalized, new UTF8Encoding(false));
            File.Delete(receivedPath);
            return;
        }

        string? expected = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (expected == normalized)
        {
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(receivedPath, normalized, new UTF8Encoding(false));
        string how = $"Wrote {receivedPath}; review it, then rename it to {Path.GetFileName(verifiedPath)} or rerun with {AcceptVariable}=1.";
        throw new XunitException(expected is null
            ? $"No verified snapshot {verifiedPath}. {how}"
            : $"Snapshot {name} differs from {verifiedPath}.\n{FirstDifference(expected, normalized)}\n{how}");
    }

    /// <summary>
    /// '\n' line endings and exactly one final newline, so Git's autocrlf cannot cause a mismatch; the generator's
    /// version in <c>[GeneratedCode]</c> becomes <c>{version}</c>, so snapshots do not change with every release.
    /// </summary>
    internal static string Normalize(string text) =>
        GeneratedCodeVersion.Replace(text.Replace("\r\n", "\n").Replace('\r', '\n').TrimEnd('\n') + "\n", "$1{version}$2");

    private static readonly Regex GeneratedCodeVersion =
        new("(GeneratedCode\\(\"StaticNet\\.Generator\", \")[^\"]*(\"\\))", RegexOptions.CultureInvariant);

    internal static string FirstDifference(string expected, string actual)
    {
        string[] expectedLines = expected.Split('\n');
        string[] actualLines = actual.Split('\n');
        int count = Math.Max(expectedLines.Length, actualLines.Length);
        for (int i = 0; i < count; i++)
        {
            string? e = i < expectedLines.Length ? expectedLines[i] : null;
            string? a = i < actualLines.Length ? actualLines[i] : null;
            if (e != a)
            {
                return $"First difference at line {i + 1}:\n  verified: {e ?? "<end of file>"}\n  received: {a ?? "<end of file>"}";
            }
        }
        return "The texts are equal after normalization.";
    }
}
