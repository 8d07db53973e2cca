using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace StaticNet.Generator.Tests.Infrastructure;

/// <summary>Builds safetensors files in memory, and the text copy StaticNet.targets hands to the generator.</summary>
internal static class SafeTensors
{
    public sealed record Tensor(string Name, string DType, long[] Shape, byte[] Data);

    public static Tensor F32(string name, long[] shape, params float[] values) =>
        new(name, "F32", shape, values.SelectMany(BitConverter.GetBytes).ToArray());

    public static Tensor F64(string name, long[] shape, params double[] values) =>
        new(name, "F64", shape, values.SelectMany(BitConverter.GetBytes).ToArray());

    /// <summary>8-byte little-endian header length, JSON header (tensors in order), data.</summary>
    public static byte[] Build(params Tensor[] tensors)
    {
        var header = new StringBuilder("{");
        long offset = 0;
        foreach (Tensor tensor in tensors)
        {
            header.Append(header.Length > 1 ? "," : "")
                .Append('"').Append(tensor.Name).Append("\":{\"dtype\":\"").Append(tensor.DType)
                .Append("\",\"shape\":[").Append(string.Join(",", tensor.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))))
                .Append("],\"data_offsets\":[").Append(offset).Append(',').Append(offset + tensor.Data.Length).Append("]}");
            offset += tensor.Data.Length;
        }
        header.Append('}');
        byte[] headerBytes = Encoding.UTF8.GetBytes(header.ToString());
        using var file = new MemoryStream();
        file.Write(BitConverter.GetBytes((ulong)headerBytes.Length));
        file.Write(headerBytes);
        foreach (Tensor tensor in tensors)
        {
            file.Write(tensor.Data);
        }
        return file.ToArray();
    }

    /// <summary>The additional file StaticNet.targets writes for <paramref name="fullPath"/>: the path, then base64.</summary>
    public static InMemoryAdditionalText Encoded(string fullPath, byte[] bytes) =>
        new($"/project/obj/staticnet/{Path.GetFileName(fullPath)}.0123456789abcdef.staticnet-binary", fullPath + "\n" + Convert.ToBase64String(bytes));
}
