using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace StaticNet;

/// <summary>
/// A safetensors file in memory: named tensors and a <c>__metadata__</c> string map. Reads validate the
/// whole file and throw <see cref="WeightFileException"/> for anything malformed; writes produce the
/// layout of Hugging Face's reference implementation.
/// </summary>
/// <remarks>
/// <para>Layout (little-endian throughout):</para>
/// <list type="number">
/// <item>8 bytes: <c>N</c>, the header length, an unsigned 64-bit integer.</item>
/// <item><c>N</c> bytes: a UTF-8 JSON object <c>{"name": {"dtype": "F32", "shape": [3, 16], "data_offsets": [begin, end]}, ..., "__metadata__": {"key": "value"}}</c>.
/// This writer emits it compactly with the metadata first and the tensors in list order, padded with spaces
/// so that <c>N</c> is a multiple of 8 and the data starts 8-byte aligned.</item>
/// <item>The data section: each tensor's elements, row-major. Offsets are relative to the start of this section.</item>
/// </list>
/// <para>
/// A read accepts exactly what the format allows and rejects the rest: <c>2 &lt;= N &lt;=</c>
/// <see cref="MaxHeaderLength"/> and no more than the bytes that follow; a header that starts with <c>{</c>,
/// is valid UTF-8 and JSON, has no duplicate keys, and whose entries have exactly the three fields;
/// a known dtype; non-negative integer dimensions and offsets; <c>end - begin == product(shape) * size</c>;
/// tensors that together cover the data section exactly, without gaps, overlaps or trailing bytes (so no
/// polyglot files); metadata values that are strings. Nothing is allocated from a length in the file
/// before that length has been checked against the file's actual size (for seekable streams) or before
/// the bytes have actually arrived (for other streams), so a hostile file cannot exhaust memory.
/// </para>
/// <para>Each tensor must fit in one .NET array (about 2 GB); the file as a whole may be larger.</para>
/// </remarks>
public sealed class SafeTensorsFile
{
    /// <summary>Largest accepted header, in bytes (the limit of the reference implementation).</summary>
    public const int MaxHeaderLength = 100_000_000;

    /// <summary>The key of the metadata map inside the header.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>Name used in messages for data that did not come from a named file.</summary>
    public const string StreamSourceName = "<stream>";

    /// <summary>Creates an empty file.</summary>
    public SafeTensorsFile()
    {
    }

    /// <summary>The tensors, in header order. Names must be unique when the file is written.</summary>
    public IList<SafeTensorsTensor> Tensors { get; } = new List<SafeTensorsTensor>();

    /// <summary>The <c>__metadata__</c> map. Written sorted by key (ordinal), read in file order.</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Where the file was read from (a path or <c>&lt;stream&gt;</c>), or null if built in memory.</summary>
    public string? SourceName { get; internal set; }

    /// <summary>The tensor called <paramref name="name"/>, or null.</summary>
    public SafeTensorsTensor? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (SafeTensorsTensor tensor in Tensors)
        {
            if (string.Equals(tensor.Name, name, StringComparison.Ordinal))
            {
                return tensor;
            }
        }
        return null;
    }

    /// <summary>Reads and validates the file at <paramref name="path"/>.</summary>
    /// <exception cref="WeightFileException">The file is not a valid safetensors file; the message names the file and the problem.</exception>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    public static SafeTensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return SafeTensorsReader.Read(stream, path);
    }

    /// <summary>
    /// Reads and validates a safetensors file from the current position of <paramref name="stream"/> to its end;
    /// the stream must end where the data section ends.
    /// </summary>
    /// <param name="stream">The stream; it is not disposed.</param>
    /// <param name="sourceName">Name for messages; <c>&lt;stream&gt;</c> by default.</param>
    /// <exception cref="WeightFileException">The data is not a valid safetensors file.</exception>
    public static SafeTensorsFile Read(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return SafeTensorsReader.Read(stream, sourceName ?? StreamSourceName);
    }

    /// <summary>Writes the file to <paramref name="stream"/> (not atomically: see <see cref="Save(string)"/>).</summary>
    /// <exception cref="InvalidOperationException">Two tensors share a name, a tensor is called <c>__metadata__</c>, or a metadata value is null.</exception>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] header = BuildHeader();
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (SafeTensorsTensor tensor in Tensors)
        {
            stream.Write(tensor.Data.Span);
        }
        stream.Flush();
    }

    /// <summary>
    /// Writes the file to <paramref name="path"/> atomically: to a temporary file in the same folder, flushed
    /// to disk, then renamed over the target. If anything fails, the previous file is left intact and the
    /// temporary file is deleted. Temporaries are named and cleaned as for <see cref="WeightFile.Save{T}(INetwork{T}, string)"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or does not name a file.</exception>
    /// <exception cref="InvalidOperationException">The file is invalid (for example two tensors share a name); nothing is written.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder may not be written (for example it is read-only); the previous file, if any, is left intact.</exception>
    /// <exception cref="IOException">
    /// The file cannot be written for another reason, for example <see cref="DirectoryNotFoundException"/> (the folder is
    /// missing, or a part of the path is a file), <see cref="PathTooLongException"/> or a full disk; the previous file,
    /// if any, is left intact.
    /// </exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        BuildHeader(); // validate before creating any file
        AtomicFile.Write(path, Write);
    }

    /// <summary>Total size of the file <see cref="Write(Stream)"/> produces, in bytes.</summary>
    public long GetSize()
    {
        long size = 8 + BuildHeader().Length;
        foreach (SafeTensorsTensor tensor in Tensors)
        {
            size += tensor.Data.Length;
        }
        return size;
    }

    /// <summary>The padded JSON header (without the 8-byte length).</summary>
    internal byte[] BuildHeader()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (SafeTensorsTensor? tensor in Tensors)
        {
            if (tensor is null)
            {
                throw new InvalidOperationException("The tensor list contains null.");
            }
            if (tensor.Name == MetadataKey)
            {
                throw new InvalidOperationException($"A tensor cannot be called '{MetadataKey}'.");
            }
            if (!names.Add(tensor.Name))
            {
                throw new InvalidOperationException($"Two tensors are called '{tensor.Name}'.");
            }
        }
        var keys = new List<string>(Metadata.Keys);
        keys.Sort(StringComparer.Ordinal);

        var buffer = new ArrayBufferWriter<byte>(256);
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            writer.WriteStartObject();
            if (keys.Count > 0)
            {
                writer.WriteStartObject(MetadataKey);
                foreach (string key in keys)
                {
                    string? value = Metadata[key];
                    if (value is null)
                    {
                        throw new InvalidOperationException($"Metadata '{key}' is null; metadata values must be strings.");
                    }
                    writer.WriteString(key, value);
                }
                writer.WriteEndObject();
            }
            long offset = 0;
            foreach (SafeTensorsTensor tensor in Tensors)
            {
                writer.WriteStartObject(tensor.Name);
                writer.WriteString("dtype", tensor.DType.ToHeaderName());
                writer.WriteStartArray("shape");
                foreach (long dimension in tensor.Shape)
                {
                    writer.WriteNumberValue(dimension);
                }
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                offset += tensor.Data.Length;
                writer.WriteNumberValue(offset);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        int length = buffer.WrittenCount;
        int padded = (length + 7) & ~7;
        if (padded > MaxHeaderLength)
        {
            throw new InvalidOperationException($"The header would be {padded} bytes, more than the {MaxHeaderLength} readers accept.");
        }
        byte[] header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(length).Fill((byte)' ');
        return header;
    }
}
