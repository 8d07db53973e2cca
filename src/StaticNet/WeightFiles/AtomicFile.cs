using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;

namespace StaticNet;

/// <summary>Replaces a file all at once: readers see the old contents or the new, never a torn mix.</summary>
/// <remarks>
/// <para>
/// The temporary file is <c>.staticnet-HHHHHHHHHHHHHHHH-RRRRRRRRRRRR.tmp</c> in the target's folder: a hash of the
/// target's file name (16 hex digits) and a random part (12), 44 characters whatever the target's name, so every
/// name that is legal for the target (up to 255 bytes) can be saved.
/// </para>
/// <para>
/// A process killed during a save leaves its temporary file behind. Each save first deletes the <em>stale</em>
/// temporaries of its own target (same folder, same name hash; also the <c>.{name}.{32 hex}.tmp</c> files of earlier
/// versions): those last written more than <see cref="StaleAge"/> ago that no process holds open. A save holds its
/// temporary open with <see cref="FileShare.None"/> until it is complete (on Unix, .NET takes an advisory
/// <c>flock</c>, which the kernel releases when the process dies), so a concurrent save by another process is
/// never disturbed; the age rule also spares a file in the instant between its creation and its lock. Other
/// targets' temporaries are never touched. Cleaning is best effort: what cannot be deleted is left.
/// </para>
/// </remarks>
internal static class AtomicFile
{
    /// <summary>Temporaries of the target untouched for longer than this, and not held open, are deleted by the next save.</summary>
    internal static readonly TimeSpan StaleAge = TimeSpan.FromMinutes(1);

    private const string Prefix = ".staticnet-";
    private const string Suffix = ".tmp";
    private const int HashDigits = 16;
    private const int RandomDigits = 12;

    /// <summary>Length of every temporary file name.</summary>
    internal const int TemporaryNameLength = 11 + HashDigits + 1 + RandomDigits + 4;

    /// <summary>
    /// Writes through <paramref name="write"/> into a uniquely named temporary file beside <paramref name="path"/>,
    /// flushes it to disk, and renames it over <paramref name="path"/>. On any exception the temporary file is
    /// deleted and the exception rethrown; the previous file, if any, is untouched.
    /// </summary>
    /// <param name="path">Target path.</param>
    /// <param name="write">Writes the contents.</param>
    /// <param name="wrapStream">Test hook: wraps the temporary file's stream (for example to inject failures).</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> does not name a file.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder (or an existing target) may not be written.</exception>
    /// <exception cref="IOException">
    /// Any other failure: for example <see cref="DirectoryNotFoundException"/> (the folder is missing, or a part of
    /// the path is a file), <see cref="PathTooLongException"/> (the name is too long for the file system), a full disk.
    /// </exception>
    internal static void Write(string path, Action<Stream> write, Func<Stream, Stream>? wrapStream = null)
    {
        string fullPath = Path.GetFullPath(path);
        string fileName = Path.GetFileName(fullPath);
        string? directory = Path.GetDirectoryName(fullPath);
        if (string.IsNullOrEmpty(fileName) || directory is null)
        {
            throw new ArgumentException($"'{path}' does not name a file.", nameof(path));
        }

        string hash = NameHash(fileName);
        DeleteStaleTemporaries(directory, fileName, hash);

        // Same folder, so the final rename never crosses file systems; a dot prefix hides it from casual listings.
        string temporary = Path.Combine(directory, Prefix + hash + "-" + RandomHex() + Suffix);
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

    /// <summary>FNV-1a (64 bits) of the target's file name, as 16 hex digits: which target a temporary belongs to.</summary>
    internal static string NameHash(string fileName)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in fileName)
        {
            hash = unchecked((hash ^ c) * 1099511628211UL);
        }
        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    private static string RandomHex()
    {
        Span<byte> bytes = stackalloc byte[RandomDigits / 2];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToHexString(bytes).ToLowerInvariant();
    }

    /// <summary>Whether <paramref name="name"/> is a temporary file name of the target <paramref name="fileName"/> (whose hash is given).</summary>
    private static bool IsTemporaryOf(string name, string fileName, string hash)
    {
        if (name.Length == TemporaryNameLength)
        {
            ReadOnlySpan<char> text = name;
            return text.StartsWith(Prefix, StringComparison.Ordinal)
                && text.Slice(Prefix.Length, HashDigits).SequenceEqual(hash)
                && text[Prefix.Length + HashDigits] == '-'
                && IsHex(text.Slice(Prefix.Length + HashDigits + 1, RandomDigits))
                && text.EndsWith(Suffix, StringComparison.Ordinal);
        }

        // Earlier versions: "." + file name + "." + 32 hex digits (a GUID) + ".tmp".
        int legacyLength = 1 + fileName.Length + 1 + 32 + Suffix.Length;
        return name.Length == legacyLength
            && name[0] == '.'
            && name.AsSpan(1, fileName.Length).SequenceEqual(fileName)
            && name[1 + fileName.Length] == '.'
            && IsHex(name.AsSpan(2 + fileName.Length, 32))
            && name.EndsWith(Suffix, StringComparison.Ordinal);
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Deletes the target's temporaries that are stale (see the remarks of <see cref="AtomicFile"/>); best effort.</summary>
    private static void DeleteStaleTemporaries(string directory, string fileName, string hash)
    {
        var options = new EnumerationOptions
        {
            // Names starting with a dot count as hidden on Unix, and the default skips hidden files.
            AttributesToSkip = FileAttributes.Directory,
            IgnoreInaccessible = true,
            MatchType = MatchType.Simple,
            RecurseSubdirectories = false,
        };
        try
        {
            DateTime staleBefore = DateTime.UtcNow - StaleAge;
            foreach (string candidate in Directory.EnumerateFiles(directory, "." + "*" + Suffix, options))
            {
                if (!IsTemporaryOf(Path.GetFileName(candidate), fileName, hash) || File.GetLastWriteTimeUtc(candidate) >= staleBefore)
                {
                    continue;
                }
                try
                {
                    // Opening with FileShare.None fails while the writer still holds the file; when it succeeds, no one
                    // else has it, and closing deletes it.
                    using var stale = new FileStream(candidate, FileMode.Open, FileAccess.Read, FileShare.None, bufferSize: 1, FileOptions.DeleteOnClose);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Held by a live save, already gone, or not ours to delete: leave it.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder cannot be listed (or is missing): the save itself reports what matters.
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
            // Keeping the mode is a courtesy; the data is what must not be lost.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
