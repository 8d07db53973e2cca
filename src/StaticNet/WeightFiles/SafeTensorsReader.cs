using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace StaticNet;

/// <summary>Parses and validates safetensors files; see <see cref="SafeTensorsFile"/> for the rules.</summary>
internal static class SafeTensorsReader
{
    /// <summary>Without a known stream length, buffers start this small and grow as bytes actually arrive.</summary>
    private const int InitialUntrustedBuffer = 1 << 16;

    private sealed class Entry
    {
        public Entry(int index, string name, SafeTensorsDType dtype, long[] shape, long begin, long end)
        {
            Index = index;
            Name = name;
            DType = dtype;
            Shape = shape;
            Begin = begin;
            End = end;
        }

        public int Index { get; }
        public string Name { get; }
        public SafeTensorsDType DType { get; }
        public long[] Shape { get; }
        public long Begin { get; }
        public long End { get; }
        public byte[] Data { get; set; } = Array.Empty<byte>();
    }

    internal static SafeTensorsFile Read(Stream stream, string source)
    {
        // Bytes from the current position to the end, when the stream can tell; null otherwise.
        long? available = null;
        if (stream.CanSeek)
        {
            available = Math.Max(0, stream.Length - stream.Position);
        }

        Span<byte> prefix = stackalloc byte[8];
        int prefixRead = ReadAtMost(stream, prefix);
        if (prefixRead < 8)
        {
            throw Error(source, null,
                $"the file is {prefixRead} bytes long; a safetensors file starts with an 8-byte header length.");
        }
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength < 2)
        {
            throw Error(source, null, $"the header length is {headerLength}; expected at least 2 (the smallest header is '{{}}').");
        }
        if (headerLength > SafeTensorsFile.MaxHeaderLength)
        {
            throw Error(source, null,
                $"the header length is {headerLength} bytes; expected at most {SafeTensorsFile.MaxHeaderLength}.");
        }
        if (available is long total && headerLength > (ulong)(total - 8))
        {
            throw Error(source, null,
                $"the header length is {headerLength} bytes, but only {total - 8} bytes follow the 8-byte length.");
        }

        byte[] header = ReadBlock(stream, (long)headerLength, available is not null,
            static (read, length, _) => $"the file ends after {read} of the {length} header bytes.", source, null);

        var metadata = new List<KeyValuePair<string, string>>();
        List<Entry> entries = ParseHeader(header, source, metadata);
        Entry[] byOffset = CheckLayout(entries, source);
        long dataLength = byOffset.Length == 0 ? 0 : byOffset[^1].End;

        if (available is long fileLength)
        {
            long actual = fileLength - 8 - (long)headerLength;
            if (dataLength > actual)
            {
                Entry first = byOffset[0];
                foreach (Entry entry in byOffset)
                {
                    if (entry.End > actual)
                    {
                        first = entry;
                        break;
                    }
                }
                throw Error(source, first.Name,
                    $"the file is truncated: tensor '{first.Name}' occupies bytes [{first.Begin}, {first.End}) of the data section, " +
                    $"but the data section has only {actual} bytes (expected {dataLength}).");
            }
            if (dataLength < actual)
            {
                throw Error(source, null,
                    $"the data section has {actual} bytes, but the tensors cover {dataLength}; " +
                    $"expected no bytes after the last tensor, found {actual - dataLength}.");
            }
        }

        foreach (Entry entry in byOffset)
        {
            entry.Data = ReadBlock(stream, entry.End - entry.Begin, available is not null,
                static (read, length, name) => $"the file ends after {read} of the {length} bytes of tensor '{name}'.",
                source, entry.Name);
        }
        if (available is null && stream.ReadByte() != -1)
        {
            throw Error(source, null,
                $"the tensors cover {dataLength} bytes of data, but the stream continues; expected it to end there.");
        }

        var file = new SafeTensorsFile { SourceName = source };
        foreach (KeyValuePair<string, string> pair in metadata)
        {
            file.Metadata.Add(pair.Key, pair.Value);
        }
        foreach (Entry entry in entries)
        {
            file.Tensors.Add(new SafeTensorsTensor(entry.Name, entry.DType, entry.Shape, entry.Data, validate: false));
        }
        return file;
    }

    private static List<Entry> ParseHeader(byte[] header, string source, List<KeyValuePair<string, string>> metadata)
    {
        if (header[0] != (byte)'{')
        {
            throw Error(source, null, $"the header starts with byte 0x{header[0]:X2}; expected '{{' (0x7B).");
        }
        int invalidAt = FindInvalidUtf8(header);
        if (invalidAt >= 0)
        {
            throw Error(source, null, $"the header is not valid UTF-8 (at header byte {invalidAt}).");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions
            {
                MaxDepth = 8,
                AllowTrailingCommas = false,
                CommentHandling = JsonCommentHandling.Disallow,
            });
        }
        catch (JsonException e)
        {
            throw Error(source, null, $"the header is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error(source, null, $"the header is a JSON {Describe(root.ValueKind)}; expected an object.");
            }
            var entries = new List<Entry>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                string name = property.Name;
                if (!keys.Add(name))
                {
                    throw Error(source, name == SafeTensorsFile.MetadataKey ? null : name,
                        $"the header has the key '{name}' twice; keys must be unique.");
                }
                if (name == SafeTensorsFile.MetadataKey)
                {
                    ParseMetadata(property.Value, source, metadata);
                }
                else
                {
                    entries.Add(ParseEntry(entries.Count, name, property.Value, source));
                }
            }
            return entries;
        }
    }

    private static void ParseMetadata(JsonElement value, string source, List<KeyValuePair<string, string>> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Error(source, null,
                $"'{SafeTensorsFile.MetadataKey}' is a JSON {Describe(value.ValueKind)}; expected an object whose values are strings.");
        }
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in value.EnumerateObject())
        {
            if (!keys.Add(property.Name))
            {
                throw Error(source, null, $"metadata key '{property.Name}' appears twice; keys must be unique.");
            }
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw Error(source, null,
                    $"metadata '{property.Name}' is a JSON {Describe(property.Value.ValueKind)}; expected a string.");
            }
            metadata.Add(new KeyValuePair<string, string>(property.Name, property.Value.GetString()!));
        }
    }

    private static Entry ParseEntry(int index, string name, JsonElement value, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Error(source, name,
                $"tensor '{name}' is a JSON {Describe(value.ValueKind)}; expected an object with dtype, shape and data_offsets.");
        }
        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (JsonProperty field in value.EnumerateObject())
        {
            ref JsonElement? slot = ref dtypeElement;
            switch (field.Name)
            {
                case "dtype":
                    break;
                case "shape":
                    slot = ref shapeElement;
                    break;
                case "data_offsets":
                    slot = ref offsetsElement;
                    break;
                default:
                    throw Error(source, name,
                        $"tensor '{name}' has a field '{field.Name}'; expected only dtype, shape and data_offsets.");
            }
            if (slot is not null)
            {
                throw Error(source, name, $"tensor '{name}' has the field '{field.Name}' twice.");
            }
            slot = field.Value;
        }
        if (dtypeElement is not JsonElement dtypeValue)
        {
            throw Error(source, name, $"tensor '{name}' has no dtype; expected a field \"dtype\" such as \"F32\".");
        }
        if (shapeElement is not JsonElement shapeValue)
        {
            throw Error(source, name, $"tensor '{name}' has no shape; expected a field \"shape\" such as [8, 4].");
        }
        if (offsetsElement is not JsonElement offsetsValue)
        {
            throw Error(source, name, $"tensor '{name}' has no data_offsets; expected a field \"data_offsets\": [begin, end].");
        }

        if (dtypeValue.ValueKind != JsonValueKind.String)
        {
            throw Error(source, name,
                $"tensor '{name}' has a dtype that is a JSON {Describe(dtypeValue.ValueKind)}; expected a string such as \"F32\".");
        }
        string dtypeText = dtypeValue.GetString()!;
        if (!SafeTensorsDTypeExtensions.TryParse(dtypeText, out SafeTensorsDType dtype))
        {
            throw Error(source, name,
                $"tensor '{name}' has dtype '{Truncate(dtypeText)}'; expected one of BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64.");
        }

        if (shapeValue.ValueKind != JsonValueKind.Array)
        {
            throw Error(source, name,
                $"tensor '{name}' has a shape that is a JSON {Describe(shapeValue.ValueKind)}; expected an array of non-negative integers.");
        }
        long[] shape = new long[shapeValue.GetArrayLength()];
        int d = 0;
        foreach (JsonElement dimension in shapeValue.EnumerateArray())
        {
            if (!TryGetOffset(dimension, out long extent))
            {
                throw Error(source, name,
                    $"tensor '{name}' has shape dimension {d} = {Truncate(dimension.GetRawText())}; expected a non-negative integer.");
            }
            shape[d++] = extent;
        }

        if (offsetsValue.ValueKind != JsonValueKind.Array || offsetsValue.GetArrayLength() != 2)
        {
            throw Error(source, name,
                $"tensor '{name}' has data_offsets {Truncate(offsetsValue.GetRawText())}; expected two integers [begin, end].");
        }
        if (!TryGetOffset(offsetsValue[0], out long begin) || !TryGetOffset(offsetsValue[1], out long end))
        {
            throw Error(source, name,
                $"tensor '{name}' has data_offsets {Truncate(offsetsValue.GetRawText())}; expected two non-negative integers [begin, end].");
        }
        if (end < begin)
        {
            throw Error(source, name, $"tensor '{name}' has data_offsets [{begin}, {end}]; expected end >= begin.");
        }

        int elementSize = dtype.ElementSize();
        if (!SafeTensorsTensor.TryGetElementCount(shape, elementSize, out long count))
        {
            throw Error(source, name,
                $"tensor '{name}' has shape {SafeTensorsTensor.FormatShape(shape)}, which has more elements than a file can hold; " +
                $"its data_offsets [{begin}, {end}] hold {end - begin} bytes.");
        }
        long byteLength = end - begin;
        if (count * elementSize != byteLength)
        {
            throw Error(source, name,
                $"tensor '{name}' has shape {SafeTensorsTensor.FormatShape(shape)} of {dtype.ToHeaderName()}, which needs " +
                $"{count} x {elementSize} = {count * elementSize} bytes, but its data_offsets [{begin}, {end}] hold {byteLength} bytes.");
        }
        if (byteLength > Array.MaxLength)
        {
            throw Error(source, name,
                $"tensor '{name}' has {byteLength} bytes; this reader supports at most {Array.MaxLength} bytes per tensor.");
        }
        return new Entry(index, name, dtype, shape, begin, end);
    }

    /// <summary>Sorts the entries by offset and checks that they tile <c>[0, end)</c> without gaps or overlaps.</summary>
    private static Entry[] CheckLayout(List<Entry> entries, string source)
    {
        Entry[] sorted = entries.ToArray();
        Array.Sort(sorted, static (a, b) =>
        {
            int c = a.Begin.CompareTo(b.Begin);
            if (c == 0)
            {
                c = a.End.CompareTo(b.End);
            }
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });
        long expected = 0;
        Entry? previous = null;
        foreach (Entry entry in sorted)
        {
            if (entry.Begin != expected)
            {
                if (previous is null)
                {
                    throw Error(source, entry.Name,
                        $"tensor '{entry.Name}' is the first in the data section but begins at byte {entry.Begin}; " +
                        $"expected 0 (the data section may not contain bytes that belong to no tensor).");
                }
                if (entry.Begin > expected)
                {
                    throw Error(source, entry.Name,
                        $"tensor '{entry.Name}' begins at byte {entry.Begin}, but the previous tensor '{previous.Name}' ends at {expected}; " +
                        $"expected {expected} (the {entry.Begin - expected} bytes between them belong to no tensor).");
                }
                throw Error(source, entry.Name,
                    $"tensor '{entry.Name}' occupies bytes [{entry.Begin}, {entry.End}), which overlap tensor '{previous.Name}' " +
                    $"at [{previous.Begin}, {previous.End}); expected it to begin at {expected}.");
            }
            expected = entry.End;
            previous = entry;
        }
        return sorted;
    }

    private static bool TryGetOffset(JsonElement element, out long value)
    {
        value = 0;
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetUInt64(out ulong raw) || raw > long.MaxValue)
        {
            return false;
        }
        value = (long)raw;
        return true;
    }

    /// <summary>
    /// Reads <paramref name="length"/> bytes. When the length was checked against the stream's size, one exact
    /// buffer; otherwise buffers grow only as data arrives, so a lying length cannot allocate more than about
    /// twice what the stream really holds.
    /// </summary>
    private static byte[] ReadBlock(Stream stream, long length, bool lengthChecked,
        Func<long, long, string?, string> truncated, string source, string? tensor)
    {
        if (length == 0)
        {
            return Array.Empty<byte>();
        }
        byte[] buffer = new byte[lengthChecked ? length : Math.Min(length, InitialUntrustedBuffer)];
        int filled = 0;
        while (true)
        {
            int read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                throw Error(source, tensor, truncated(filled, length, tensor));
            }
            filled += read;
            if (filled == length)
            {
                return buffer;
            }
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
            }
        }
    }

    private static int ReadAtMost(Stream stream, Span<byte> buffer)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read = stream.Read(buffer.Slice(filled));
            if (read == 0)
            {
                break;
            }
            filled += read;
        }
        return filled;
    }

    /// <summary>Index of the first byte that does not start a valid UTF-8 sequence, or -1.</summary>
    private static int FindInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        while (i < bytes.Length)
        {
            if (bytes[i] < 0x80)
            {
                i++;
                continue;
            }
            if (Rune.DecodeFromUtf8(bytes.Slice(i), out _, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                return i;
            }
            i += consumed;
        }
        return -1;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    /// <summary>Keeps messages about hostile input short.</summary>
    private static string Truncate(string text) => text.Length <= 64 ? text : text.Substring(0, 61) + "...";

    private static WeightFileException Error(string source, string? tensor, string detail, Exception? inner = null) =>
        new(source, tensor, detail, inner);
}
