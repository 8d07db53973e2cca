using System;
using System.IO;
using StaticNet;
using Xunit;

namespace StaticNet.Tests.WeightFiles;

/// <summary>A save that fails part-way leaves the previous file byte for byte, and no temporary file behind.</summary>
public sealed class AtomicSaveTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("staticnet-atomic-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void FailureAtEveryByteKeepsThePreviousFile()
    {
        string path = Path.Combine(_directory, "net.safetensors");
        WeightFile.Save(FakeNetwork<float>.Small(1), path);
        byte[] original = File.ReadAllBytes(path);

        var replacement = FakeNetwork<float>.Small(2);
        var stream = new MemoryStream();
        WeightFile.Save(replacement, stream);
        long size = stream.Length;
        Assert.NotEqual(original, stream.ToArray());

        // Every cut point from the first byte of the length field to the flush after the last data byte.
        for (long limit = 0; limit <= size; limit++)
        {
            long cut = limit;
            var error = Assert.Throws<IOException>(() => WeightFile.Save(replacement, path, inner => new FailingStream(inner, cut)));
            Assert.StartsWith("Injected failure", error.Message);
            Assert.Equal(original, File.ReadAllBytes(path));
            Assert.Equal([path], Directory.GetFiles(_directory));
        }

        // And the file still loads as the original network.
        var loaded = new FakeNetwork<float>(2, 3, 2);
        WeightFile.Load(loaded, path);
        Assert.Equal(WeightFileRoundTripTests.Bits(FakeNetwork<float>.Small(1).Parameters), WeightFileRoundTripTests.Bits(loaded.Parameters));
    }

    [Fact]
    public void FailedFirstSaveCreatesNoFile()
    {
        string path = Path.Combine(_directory, "new.safetensors");
        Assert.Throws<IOException>(() => WeightFile.Save(FakeNetwork<double>.Small(1), path, inner => new FailingStream(inner, 100)));
        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void FailedRenameLeavesNoTemporaryFile()
    {
        // The target is a directory: writing the temporary file works, the final move cannot.
        string path = Path.Combine(_directory, "occupied");
        Directory.CreateDirectory(path);
        Assert.ThrowsAny<Exception>(() => WeightFile.Save(FakeNetwork<float>.Small(1), path));
        Assert.Equal([path], Directory.GetFileSystemEntries(_directory));
        Assert.Empty(Directory.GetFileSystemEntries(path));
    }

    [Fact]
    public void SaveIntoAMissingDirectoryFailsCleanly()
    {
        string path = Path.Combine(_directory, "missing", "net.safetensors");
        Assert.Throws<DirectoryNotFoundException>(() => WeightFile.Save(FakeNetwork<float>.Small(1), path));
        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void ReplacingKeepsTheFileMode()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        string path = Path.Combine(_directory, "private.safetensors");
        WeightFile.Save(FakeNetwork<float>.Small(1), path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        WeightFile.Save(FakeNetwork<float>.Small(2), path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void LowLevelSaveIsAtomicToo()
    {
        string path = Path.Combine(_directory, "raw.safetensors");
        var file = new SafeTensorsFile();
        file.Tensors.Add(SafeTensorsTensor.Create<float>("x", [1f, 2f], [2], SafeTensorsDType.F16));
        file.Save(path);
        Assert.Equal(file.GetSize(), new FileInfo(path).Length);
        Assert.Equal(new[] { 1f, 2f }, SafeTensorsFile.Read(path).Tensors[0].ToArray<float>());

        // An invalid file is refused before anything touches the disk.
        file.Tensors.Add(file.Tensors[0]);
        Assert.Throws<InvalidOperationException>(() => file.Save(path));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }
}
