using System;
using System.IO;

namespace StaticNet.Onnx;

/// <summary>Replaces a file all at once: readers see the old contents or the new, never a torn mix.</summary>
/// <remarks>The same scheme as the core library's weight files (kept internal there, so repeated here).</remarks>
internal static class AtomicFile
{
    /// <summary>
    /// Writes through <paramref name="write"/> into a uniquely named temporary file beside <paramref name="path"/>,
    /// flushes it to disk and renames it over <paramref name="path"/>. On any exception the temporary file is
    /// deleted and the exception rethrown; the previous file, if any, is untouched.
    /// </summary>
    /// <param name="path">Target path.</param>
    /// <param name="write">Writes the contents.</param>
    /// <param name="wrapStream">Test hook: wraps the temporary file's stream (for example to inject failures).</param>
    internal static void Write(string path, Action<Stream> write, Func<Stream, Stream>? wrapStream = null)
    {
        string fullPath = Path.GetFullPath(path);
        string fileName = Path.GetFileName(fullPath);
        string? directory = Path.GetDirectoryName(fullPath);
        if (string.IsNullOrEmpty(fileName) || directory is null)
        {
            throw new ArgumentException($"'{path}' does not name a file.", nameof(path));
        }
        // Same folder, so the final rename never crosses file systems; a dot prefix hides it from casual listings.
        string temporary = Path.Combine(directory, $".{fileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 81920))
            {
                Stream target = wrapStream is null ? file : wrapStream(file);
                write(target);
                target.Flush();
                file.Flush(flushToDisk: true);
            }
            KeepPermissions(fullPath, temporary);
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
                // Best effort: the original exception matters more.
            }
            catch (UnauthorizedAccessException)
            {
            }
            throw;
        }
    }

    /// <summary>On Unix, gives the new file the mode of the one it replaces (the rename would otherwise reset it).</summary>
    private static void KeepPermissions(string existing, string replacement)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(existing))
        {
            return;
        }
        try
        {
            File.SetUnixFileMode(replacement, File.GetUnixFileMode(existing));
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
