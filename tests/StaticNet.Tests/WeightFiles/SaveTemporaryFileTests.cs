using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml.Linq;
using Xunit;

namespace StaticNet.Tests.WeightFiles;

/// <summary>
/// The temporary file of an atomic save: short whatever the target's name, cleaned up when a killed save left it
/// (only the target's own, only stale ones), and the exceptions a failing save throws are the documented ones.
/// </summary>
public sealed class SaveTemporaryFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("staticnet-temporary-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(255, 'n')]
    [InlineData(254, 'é')] // 2 bytes per character in UTF-8: 121 of them and the extension
    [InlineData(218, 'x')]
    public void Save_TheLongestLegalFileNames_Works(int bytes, char filler)
    {
        const string Extension = ".safetensors";
        int fillerBytes = Encoding.UTF8.GetByteCount(filler.ToString());
        string name = new string(filler, (bytes - Extension.Length) / fillerBytes) + Extension;
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(name));
        string path = Path.Combine(_directory, name);

        new SafeTensorsFile { Tensors = { SafeTensorsTensor.Create<float>("x", [1f], [1], SafeTensorsDType.F32) } }.Save(path);
        var network = FakeNetwork<float>.Small(1);
        WeightFile.Save(network, path);
        var loaded = FakeNetwork<float>.Small(2);
        WeightFile.Load(loaded, path);
        Assert.Equal(network.Parameters.ToArray(), loaded.Parameters.ToArray());
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public void Save_TemporaryNameHasOneShortLengthWhateverTheTarget()
    {
        string shortName = TemporaryNameOf("a");
        string longName = TemporaryNameOf(new string('z', 240) + ".safetensors");
        Assert.Equal(shortName.Length, longName.Length);
        Assert.InRange(shortName.Length, 1, 64);
        Assert.StartsWith(".", shortName);
    }

    [Fact]
    public void Save_DeletesOnlyThisTargetsStaleTemporaries()
    {
        string path = Path.Combine(_directory, "net.safetensors");
        string other = Path.Combine(_directory, "other.safetensors");
        string temporary = TemporaryNameOf("net.safetensors");
        string otherTemporary = TemporaryNameOf("other.safetensors");
        DateTime longAgo = DateTime.UtcNow.AddHours(-1);

        // What killed saves leave: this version's name, and the name of earlier versions (".{name}.{guid}.tmp").
        string stale = Create(temporary, longAgo);
        string staleLegacy = Create($".net.safetensors.{Guid.NewGuid():N}.tmp", longAgo);
        // Not stale: just written (a save that has only created it), or still held open by a live save.
        string fresh = Create(WithOtherRandomPart(temporary, 0), DateTime.UtcNow);
        string heldName = WithOtherRandomPart(temporary, 1);
        using var held = new FileStream(Path.Combine(_directory, heldName), FileMode.CreateNew, FileAccess.Write, FileShare.None);
        held.WriteByte(1);
        held.Flush();
        File.SetLastWriteTimeUtc(held.Name, longAgo);
        // Another target's, however old.
        string othersStale = Create(otherTemporary, longAgo);
        string othersLegacy = Create($".other.safetensors.{Guid.NewGuid():N}.tmp", longAgo);
        string unrelated = Create(".notes.tmp", longAgo);

        WeightFile.Save(FakeNetwork<float>.Small(1), path);

        Assert.False(File.Exists(stale), "the stale temporary of the target is deleted");
        Assert.False(File.Exists(staleLegacy), "the stale temporary of an earlier version is deleted");
        Assert.True(File.Exists(fresh), "a temporary written just now may be a concurrent save's");
        Assert.True(File.Exists(held.Name), "a temporary held open is a concurrent save's");
        Assert.True(File.Exists(othersStale) && File.Exists(othersLegacy) && File.Exists(unrelated), "other files are not touched");
        Assert.True(File.Exists(path));
        Assert.False(File.Exists(other));

        // Checkpoints clean up the same way (they are saved through SafeTensorsFile.Save).
        string checkpoint = Path.Combine(_directory, "raw.safetensors");
        string rawStale = Create(TemporaryNameOf("raw.safetensors"), longAgo);
        new SafeTensorsFile { Tensors = { SafeTensorsTensor.Create<float>("x", [1f], [1], SafeTensorsDType.F32) } }.Save(checkpoint);
        Assert.False(File.Exists(rawStale));
    }

    [Fact]
    public void Save_IntoAFolderThatCannotBeWritten_ThrowsTheDocumentedExceptions()
    {
        string folder = Path.Combine(_directory, "locked");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "net.safetensors");

        // A part of the path is a file: documented as IOException (DirectoryNotFoundException).
        string file = Path.Combine(_directory, "plain-file");
        File.WriteAllText(file, "x");
        var notADirectory = Assert.ThrowsAny<IOException>(() => WeightFile.Save(FakeNetwork<float>.Small(1), Path.Combine(file, "net.safetensors")));
        Assert.IsType<DirectoryNotFoundException>(notADirectory);

        // A read-only folder: documented as UnauthorizedAccessException. Root ignores permission bits, so as root the
        // folder is made immutable (chattr +i); if that is impossible here, only this assertion is skipped.
        if (!MakeUnwritable(folder))
        {
            Console.WriteLine($"{nameof(Save_IntoAFolderThatCannotBeWritten_ThrowsTheDocumentedExceptions)}: cannot make a folder unwritable for this user here; the read-only assertion is skipped.");
        }
        else
        {
            try
            {
                Assert.Throws<UnauthorizedAccessException>(() => WeightFile.Save(FakeNetwork<float>.Small(1), path));
                Assert.Throws<UnauthorizedAccessException>(() =>
                    new SafeTensorsFile { Tensors = { SafeTensorsTensor.Create<float>("x", [1f], [1], SafeTensorsDType.F32) } }.Save(path));
                Assert.Empty(Directory.GetFileSystemEntries(folder));
            }
            finally
            {
                Immutable(folder, false);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }
        }

        // And the XML documentation names both.
        string docs = DocumentationOf(typeof(WeightFile), "M:StaticNet.WeightFile.Save``1(StaticNet.INetwork{``0},System.String)");
        Assert.Contains("T:System.UnauthorizedAccessException", docs);
        Assert.Contains("T:System.IO.IOException", docs);
        docs = DocumentationOf(typeof(WeightFile), "M:StaticNet.SafeTensorsFile.Save(System.String)");
        Assert.Contains("T:System.UnauthorizedAccessException", docs);
    }

    /// <summary>The name of the temporary file a save of <paramref name="fileName"/> writes, seen through the stream hook.</summary>
    private string TemporaryNameOf(string fileName)
    {
        string folder = Path.Combine(_directory, "probe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        string? seen = null;
        WeightFile.Save(FakeNetwork<float>.Small(1), Path.Combine(folder, fileName), inner =>
        {
            seen = Path.GetFileName(Assert.Single(Directory.GetFiles(folder)));
            return inner;
        });
        Directory.Delete(folder, recursive: true);
        return seen!;
    }

    /// <summary>The temporary name with another random part: distinct from it, and from the other variants.</summary>
    private static string WithOtherRandomPart(string temporary, int variant)
    {
        // The random part is the run of hex digits just before ".tmp": its first digit becomes the variant-th of
        // the digits 0-2 that differ from the original.
        int index = temporary.LastIndexOf('-') + 1;
        char changed = "012".Where(c => c != temporary[index]).ElementAt(variant);
        return temporary[..index] + changed + temporary[(index + 1)..];
    }

    private string Create(string name, DateTime lastWrite)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, new byte[100]);
        File.SetLastWriteTimeUtc(path, lastWrite);
        return path;
    }

    private static bool MakeUnwritable(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        if (!CanCreateFileIn(folder))
        {
            return true;
        }
        // Root: permission bits do not apply; an immutable folder refuses root too (EPERM).
        return Immutable(folder, true) && !CanCreateFileIn(folder);
    }

    private static bool CanCreateFileIn(string folder)
    {
        string probe = Path.Combine(folder, "probe");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool Immutable(string path, bool on)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(path))
        {
            return false;
        }
        try
        {
            using var chattr = Process.Start(new ProcessStartInfo("chattr", [on ? "+i" : "-i", path])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            });
            if (chattr is null)
            {
                return false;
            }
            chattr.WaitForExit();
            return chattr.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no chattr
        }
    }

    private static string DocumentationOf(Type type, string member)
    {
        string xml = Path.ChangeExtension(type.Assembly.Location, ".xml");
        Assert.True(File.Exists(xml), $"{xml} is built with the assembly");
        XElement element = XDocument.Load(xml).Descendants("member").Single(m => (string?)m.Attribute("name") == member);
        return element.ToString();
    }
}
