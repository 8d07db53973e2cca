using System;
using System.IO;
using System.Text;
using StaticNet;
using Xunit;

namespace StaticNet.Tests.WeightFiles;

/// <summary>
/// Pins the exact bytes of a tiny file, so that any reader of the safetensors format (PyTorch's
/// <c>safetensors.torch.load_file</c>, the Rust crate, ...) can read what we write: no Python in CI.
/// </summary>
public sealed class ByteLayoutTests
{
    private static FakeNetwork<T> Tiny<T>()
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        // inputs 2, hidden 1, outputs 1: 0.weight [1,2], 0.bias [1], 2.weight [1,1], 2.bias [1].
        var network = new FakeNetwork<T>(2, 1, 1, name: "Tiny", topologyHash: "abc123");
        T[] values = [T.CreateChecked(1.5), T.CreateChecked(-2.0), T.CreateChecked(0.25), T.CreateChecked(3.0), T.CreateChecked(-0.5)];
        values.CopyTo(network.Parameters);
        return network;
    }

    private const string Metadata =
        "{\"__metadata__\":{\"format\":\"pt\",\"staticnet.format\":\"1\",\"staticnet.name\":\"Tiny\",\"staticnet.topology_hash\":\"abc123\"},";

    [Fact]
    public void FloatFileHasTheExactReferenceLayout()
    {
        var stream = new MemoryStream();
        WeightFile.Save(Tiny<float>(), stream);
        byte[] bytes = stream.ToArray();

        const string json = Metadata +
            "\"0.weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]}," +
            "\"0.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}," +
            "\"2.weight\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[12,16]}," +
            "\"2.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}}";
        Assert.Equal(359, Encoding.UTF8.GetByteCount(json));
        const int headerLength = 360; // 359 rounded up to a multiple of 8 with spaces

        Assert.Equal(8 + headerLength + 20, bytes.Length);
        Assert.Equal(new byte[] { 0x68, 0x01, 0, 0, 0, 0, 0, 0 }, bytes[..8]); // 360 little-endian
        Assert.Equal(json + " ", Encoding.UTF8.GetString(bytes, 8, headerLength));
        Assert.Equal(
            new byte[]
            {
                0x00, 0x00, 0xC0, 0x3F, // 1.5f
                0x00, 0x00, 0x00, 0xC0, // -2f
                0x00, 0x00, 0x80, 0x3E, // 0.25f
                0x00, 0x00, 0x40, 0x40, // 3f
                0x00, 0x00, 0x00, 0xBF, // -0.5f
            },
            bytes[(8 + headerLength)..]);
    }

    [Fact]
    public void DoubleFileHasTheExactReferenceLayout()
    {
        var stream = new MemoryStream();
        WeightFile.Save(Tiny<double>(), stream);
        byte[] bytes = stream.ToArray();

        const string json = Metadata +
            "\"0.weight\":{\"dtype\":\"F64\",\"shape\":[1,2],\"data_offsets\":[0,16]}," +
            "\"0.bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[16,24]}," +
            "\"2.weight\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[24,32]}," +
            "\"2.bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[32,40]}}";
        int length = Encoding.UTF8.GetByteCount(json);
        int headerLength = (length + 7) / 8 * 8;
        Assert.Equal((ulong)headerLength, BitConverter.ToUInt64(bytes, 0));
        Assert.Equal(json + new string(' ', headerLength - length), Encoding.UTF8.GetString(bytes, 8, headerLength));
        Assert.Equal(0, (8 + headerLength) % 8); // data 8-byte aligned
        Assert.Equal(
            new byte[]
            {
                0, 0, 0, 0, 0, 0, 0xF8, 0x3F, // 1.5
                0, 0, 0, 0, 0, 0, 0x00, 0xC0, // -2
                0, 0, 0, 0, 0, 0, 0xD0, 0x3F, // 0.25
                0, 0, 0, 0, 0, 0, 0x08, 0x40, // 3
                0, 0, 0, 0, 0, 0, 0xE0, 0xBF, // -0.5
            },
            bytes[(8 + headerLength)..]);
    }

    [Fact]
    public void EmptyFileIsTheSmallestValidHeader()
    {
        var stream = new MemoryStream();
        new SafeTensorsFile().Write(stream);
        Assert.Equal(new byte[] { 8, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}', 32, 32, 32, 32, 32, 32 }, stream.ToArray());
        Assert.Empty(SafeTensorsFile.Read(new MemoryStream(stream.ToArray())).Tensors);
        // The unpadded two-byte form is valid too.
        Assert.Empty(SafeTensorsFile.Read(new MemoryStream([2, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}'])).Tensors);
    }
}
