using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace StaticNet.Generator.Parsing;

/// <summary>One tensor of a safetensors file, decoded to doubles.</summary>
internal sealed class SafeTensor
{
    public SafeTensor(string name, string dtype, long[] shape, double[] values)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        Values = values;
    }

    public string Name { get; }

    public string DType { get; }

    public long[] Shape { get; }

    public double[] Values { get; }

    public string ShapeText => SafeTensorsReader.FormatShape(Shape);
}

/// <summary>Thrown with a message that says what is wrong with a weight file.</summary>
internal sealed class WeightFileFormatException : Exception
{
    public WeightFileFormatException(string message) : base(message)
    {
    }
}

/// <summary>
/// Reads a safetensors file (8-byte little-endian header length, JSON header, raw little-endian data) for
/// baking weights at build time. Only F16, BF16, F32 and F64 tensors are decoded; every length and offset is
/// checked before it is used.
/// </summary>
internal static class SafeTensorsReader
{
    public static Dictionary<string, SafeTensor> Read(byte[] file)
    {
        if (file.Length < 8)
        {
            throw new WeightFileFormatException($"the file has {file.Length} bytes, fewer than the 8 of the header length");
        }
        ulong headerLength = BitConverter.ToUInt64(file, 0);
        if (!BitConverter.IsLittleEndian)
        {
            throw new WeightFileFormatException("big-endian build machines are not supported");
        }
        if (headerLength < 2 || headerLength > (ulong)(file.Length - 8))
        {
            throw new WeightFileFormatException($"the header length {headerLength} does not fit a file of {file.Length} bytes");
        }
        string headerText;
        try
        {
            headerText = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(file, 8, (int)headerLength);
        }
        catch (ArgumentException)
        {
            throw new WeightFileFormatException("the header is not valid UTF-8");
        }

        JsonNode header;
        try
        {
            header = JsonReader.Parse(headerText);
        }
        catch (JsonSyntaxException exception)
        {
            throw new WeightFileFormatException("the header is not valid JSON: " + exception.Message);
        }
        if (header is not JsonObject root)
        {
            throw new WeightFileFormatException("the header is not a JSON object");
        }

        long dataStart = 8 + (long)headerLength;
        long dataLength = file.Length - dataStart;
        var tensors = new Dictionary<string, SafeTensor>(StringComparer.Ordinal);
        var ranges = new List<(long Begin, long End, string Name)>();
        foreach (JsonProperty property in root.Properties)
        {
            if (property.Name == "__metadata__")
            {
                continue;
            }
            (SafeTensor tensor, long begin, long end) = ReadTensor(property, file, dataStart, dataLength);
            if (tensors.ContainsKey(tensor.Name))
            {
                throw new WeightFileFormatException($"tensor '{tensor.Name}' appears twice");
            }
            tensors.Add(tensor.Name, tensor);
            ranges.Add((begin, end, tensor.Name));
        }

        ranges.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        long expected = 0;
        foreach ((long begin, long end, string name) in ranges)
        {
            if (begin != expected)
            {
                throw new WeightFileFormatException($"tensor '{name}' starts at byte {begin} of the data, expected {expected} (tensors must be contiguous and not overlap)");
            }
            expected = end;
        }
        if (expected != dataLength)
        {
            throw new WeightFileFormatException($"the tensors cover {expected} bytes of data, but the file has {dataLength}");
        }
        return tensors;
    }

    private static (SafeTensor Tensor, long Begin, long End) ReadTensor(JsonProperty property, byte[] file, long dataStart, long dataLength)
    {
        string name = property.Name;
        if (property.Value is not JsonObject entry)
        {
            throw new WeightFileFormatException($"tensor '{name}' is not described by an object");
        }
        string? dtype = null;
        long[]? shape = null;
        long[]? offsets = null;
        foreach (JsonProperty field in entry.Properties)
        {
            switch (field.Name)
            {
                case "dtype":
                    dtype = (field.Value as JsonString)?.Value ?? throw new WeightFileFormatException($"tensor '{name}': dtype is not a string");
                    break;
                case "shape":
                    shape = ReadIntegers(field.Value, name, "shape");
                    break;
                case "data_offsets":
                    offsets = ReadIntegers(field.Value, name, "data_offsets");
                    break;
            }
        }
        if (dtype is null || shape is null || offsets is null || offsets.Length != 2)
        {
            throw new WeightFileFormatException($"tensor '{name}' needs dtype, shape and two data_offsets");
        }

        int size = dtype switch
        {
            "F16" or "BF16" => 2,
            "F32" => 4,
            "F64" => 8,
            _ => throw new WeightFileFormatException($"tensor '{name}' has dtype {dtype}; expected F16, BF16, F32 or F64"),
        };
        if (!TryGetElementCount(shape, MaxElements, out long count))
        {
            throw new WeightFileFormatException($"tensor '{name}' has shape {FormatShape(shape)}, which has more than {MaxElements} elements");
        }
        long begin = offsets[0], end = offsets[1];
        if (begin > end || end > dataLength)
        {
            throw new WeightFileFormatException($"tensor '{name}' has data_offsets [{begin}, {end}] outside the {dataLength} bytes of data");
        }
        if (end - begin != count * size)
        {
            throw new WeightFileFormatException($"tensor '{name}' has {end - begin} bytes, but shape {FormatShape(shape)} of {dtype} needs {count * size}");
        }

        double[] values = new double[count];
        int at = (int)(dataStart + begin);
        for (int i = 0; i < values.Length; i++, at += size)
        {
            values[i] = dtype switch
            {
                "F64" => BitConverter.ToDouble(file, at),
                "F32" => BitConverter.ToSingle(file, at),
                "BF16" => BitConverter.ToSingle(BitConverter.GetBytes(BitConverter.ToUInt16(file, at) << 16), 0),
                _ => HalfToDouble(BitConverter.ToUInt16(file, at)),
            };
        }
        return (new SafeTensor(name, dtype, shape, values), begin, end);
    }

    /// <summary>Most elements a tensor may have: count * 8 bytes always fits an int, and no product overflows.</summary>
    internal const long MaxElements = int.MaxValue / 8;

    /// <summary>
    /// The product of <paramref name="shape"/>'s dimensions without ever overflowing: false when it exceeds
    /// <paramref name="limit"/>. A zero dimension makes it zero whatever the others are.
    /// </summary>
    internal static bool TryGetElementCount(IReadOnlyList<long> shape, long limit, out long count)
    {
        count = 1;
        foreach (long dimension in shape)
        {
            if (dimension == 0)
            {
                count = 0;
                return true;
            }
        }
        foreach (long dimension in shape)
        {
            if (dimension < 0 || dimension > limit / count)
            {
                count = -1;
                return false;
            }
            count *= dimension;
        }
        return true;
    }

    /// <summary>"[8, 4]"; a shape of thousands of dimensions is cut after 16.</summary>
    internal static string FormatShape(IReadOnlyList<long> shape)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < shape.Count; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }
            if (i == 16 && shape.Count > 17)
            {
                text.Append("... (").Append(shape.Count.ToString(CultureInfo.InvariantCulture)).Append(" dimensions)");
                break;
            }
            text.Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }
        return text.Append(']').ToString();
    }

    private static long[] ReadIntegers(JsonNode node, string tensor, string field)
    {
        if (node is not JsonArray array)
        {
            throw new WeightFileFormatException($"tensor '{tensor}': {field} is not an array");
        }
        long[] values = new long[array.Items.Count];
        for (int i = 0; i < values.Length; i++)
        {
            if (array.Items[i] is not JsonNumber number || !number.IsInteger || number.Value < 0 || number.Value > long.MaxValue / 2)
            {
                throw new WeightFileFormatException($"tensor '{tensor}': {field} must hold non-negative integers");
            }
            values[i] = (long)number.Value;
        }
        return values;
    }

    /// <summary>IEEE 754 binary16 to double (netstandard2.0 has no System.Half).</summary>
    internal static double HalfToDouble(ushort bits)
    {
        int sign = (bits >> 15) != 0 ? -1 : 1;
        int exponent = (bits >> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0)
        {
            return sign * mantissa * Math.Pow(2, -24);
        }
        if (exponent == 31)
        {
            return mantissa == 0 ? sign * double.PositiveInfinity : double.NaN;
        }
        return sign * (1 + mantissa / 1024.0) * Math.Pow(2, exponent - 15);
    }

    internal static string Describe(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
