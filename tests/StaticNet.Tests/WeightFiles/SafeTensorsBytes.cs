using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace StaticNet.Tests.WeightFiles;

/// <summary>Builds safetensors bytes by hand, valid or not, for the validation and fuzz tests.</summary>
internal static class SafeTensorsBytes
{
    /// <summary>A header entry: <c>"name":{"dtype":..,"shape":..,"data_offsets":[b,e]}</c>.</summary>
    public static string Entry(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    /// <summary>The four F32 entries of <see cref="FakeNetwork{T}.Small"/> (68 data bytes).</summary>
    public static string SmallEntries() => string.Join(",",
        Entry("0.weight", "F32", "[3,2]", 0, 24),
        Entry("0.bias", "F32", "[3]", 24, 36),
        Entry("2.weight", "F32", "[2,3]", 36, 60),
        Entry("2.bias", "F32", "[2]", 60, 68));

    /// <summary>68 bytes: the floats 0.5, 1.5, 2.5, ... little-endian.</summary>
    public static byte[] SmallData(int floats = 17)
    {
        var data = new byte[4 * floats];
        for (int i = 0; i < floats; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), i + 0.5f);
        }
        return data;
    }

    /// <summary>Length prefix + header (padded with spaces to a multiple of 8 unless <paramref name="pad"/> is false) + data.</summary>
    public static byte[] Build(string header, ReadOnlySpan<byte> data, bool pad = true) =>
        Build(Encoding.UTF8.GetBytes(header), data, pad);

    public static byte[] Build(ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, bool pad = true)
    {
        int padding = pad ? (8 - header.Length % 8) % 8 : 0;
        var file = new byte[8 + header.Length + padding + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)(header.Length + padding));
        header.CopyTo(file.AsSpan(8));
        file.AsSpan(8 + header.Length, padding).Fill((byte)' ');
        data.CopyTo(file.AsSpan(8 + header.Length + padding));
        return file;
    }

    /// <summary>A valid file for <see cref="FakeNetwork{T}.Small"/> with the given extra header text.</summary>
    public static byte[] Small(string? metadata = null) =>
        Build("{" + (metadata is null ? "" : metadata + ",") + SmallEntries() + "}", SmallData());

    public static ulong HeaderLength(byte[] file) => BinaryPrimitives.ReadUInt64LittleEndian(file);

    public static string HeaderText(byte[] file) =>
        Encoding.UTF8.GetString(file, 8, checked((int)HeaderLength(file)));

    /// <summary>Replaces the header of <paramref name="file"/>, keeping its data section.</summary>
    public static byte[] WithHeader(byte[] file, string header, bool pad = true)
    {
        int dataStart = 8 + checked((int)HeaderLength(file));
        return Build(header, file.AsSpan(dataStart), pad);
    }

    public static byte[] Bytes(this MemoryStream stream) => stream.ToArray();
}
