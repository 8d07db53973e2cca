using System;
using System.IO;
using StaticNet.Generator.Tests.Infrastructure;
using Xunit;
using Xunit.Sdk;

namespace StaticNet.Generator.Tests;

/// <summary>The snapshot helper itself, in a temporary folder.</summary>
public sealed class SnapshotHelperTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "staticnet-snapshot-" + Guid.NewGuid().ToString("N"));

    private string TestFile => Path.Combine(_directory, "SomeTests.cs");

    private string Verified => Path.Combine(_directory, "Snapshots", "Sample.verified.cs");

    private string Received => Path.Combine(_directory, "Snapshots", "Sample.received.cs");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void MissingSnapshotWritesReceivedAndFails()
    {
        Directory.CreateDirectory(_directory);

        var failure = Assert.Throws<XunitException>(() => Snapshot.Verify("class A {}\n", "Sample", TestFile, accept: false));

        Assert.Contains("No verified snapshot", failure.Message);
        Assert.Equal("class A {}\n", File.ReadAllText(Received));
        Assert.False(File.Exists(Verified));
    }

    [Fact]
    public void MismatchReportsTheFirstDifferingLine()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Verified)!);
        File.WriteAllText(Verified, "line 1\nline 2\nline 3\n");

        var failure = Assert.Throws<XunitException>(() => Snapshot.Verify("line 1\nline two\nline 3\n", "Sample", TestFile, accept: false));

        Assert.Contains("First difference at line 2:\n  verified: line 2\n  received: line two", failure.Message);
        Assert.Equal("line 1\nline two\nline 3\n", File.ReadAllText(Received));
    }

    [Fact]
    public void LineEndingsAndTrailingNewlinesDoNotMatter()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Verified)!);
        File.WriteAllText(Verified, "a\r\nb\r\n\r\n");
        File.WriteAllText(Received, "stale");

        Snapshot.Verify("a\nb", "Sample", TestFile, accept: false);

        Assert.False(File.Exists(Received));
    }

    [Fact]
    public void AcceptOverwritesTheVerifiedFileAndPasses()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Verified)!);
        File.WriteAllText(Verified, "old\n");

        Snapshot.Verify("new\r\n", "Sample", TestFile, accept: true);

        Assert.Equal("new\n", File.ReadAllText(Verified));
        Assert.False(File.Exists(Received));
    }

    [Fact]
    public void ExtraLinesAreReportedAsEndOfFile()
    {
        Assert.Equal("First difference at line 3:\n  verified: <end of file>\n  received: c",
            Snapshot.FirstDifference("a\nb", "a\nb\nc"));
    }
}
