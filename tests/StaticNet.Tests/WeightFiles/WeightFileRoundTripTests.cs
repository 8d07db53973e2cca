using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using StaticNet;
using Xunit;

namespace StaticNet.Tests.WeightFiles;

public sealed class WeightFileRoundTripTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("staticnet-weights-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    /// <summary>Ordinary values plus every awkward one: signed zeros, subnormals, extremes, infinities, NaN payloads.</summary>
    private static void FillAwkward(Span<float> values, int seed)
    {
        var random = new SeededRandom(seed);
        float[] specials =
        [
            0f, -0f, float.Epsilon, -float.Epsilon, 1e-40f, float.MaxValue, float.MinValue,
            float.PositiveInfinity, float.NegativeInfinity, BitConverter.Int32BitsToSingle(0x7FC00001),
            BitConverter.Int32BitsToSingle(unchecked((int)0xFFA12345)),
        ];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i < specials.Length ? specials[i] : BitConverter.Int32BitsToSingle((int)random.NextUInt64());
        }
    }

    private static void FillAwkward(Span<double> values, int seed)
    {
        var random = new SeededRandom(seed);
        double[] specials =
        [
            0d, -0d, double.Epsilon, -double.Epsilon, 1e-310, double.MaxValue, double.MinValue,
            double.PositiveInfinity, double.NegativeInfinity, BitConverter.Int64BitsToDouble(0x7FF8000000000001),
            BitConverter.Int64BitsToDouble(unchecked((long)0xFFF123456789ABCD)),
        ];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i < specials.Length ? specials[i] : BitConverter.Int64BitsToDouble((long)random.NextUInt64());
        }
    }

    [Fact]
    public void FloatNetworkRoundTripsBitExactThroughAFile()
    {
        var saved = new FakeNetwork<float>(5, 7, 3);
        FillAwkward(saved.Parameters, 11);
        string path = PathOf("float.safetensors");
        WeightFile.Save(saved, path);

        var loaded = new FakeNetwork<float>(5, 7, 3);
        WeightFile.Load(loaded, path);

        Assert.Equal(Bits(saved.Parameters), Bits(loaded.Parameters));
        Assert.Equal(SafeTensorsDType.F32, SafeTensorsFile.Read(path).Tensors[0].DType);
    }

    [Fact]
    public void DoubleNetworkRoundTripsBitExactThroughAFile()
    {
        var saved = new FakeNetwork<double>(5, 7, 3);
        FillAwkward(saved.Parameters, 12);
        string path = PathOf("double.safetensors");
        WeightFile.Save(saved, path);

        var loaded = new FakeNetwork<double>(5, 7, 3);
        WeightFile.Load(loaded, path);

        Assert.Equal(Bits(saved.Parameters), Bits(loaded.Parameters));
        Assert.Equal(SafeTensorsDType.F64, SafeTensorsFile.Read(path).Tensors[0].DType);
    }

    [Fact]
    public void RoundTripsThroughStreamsInBothPrecisions()
    {
        var single = FakeNetwork<float>.Small(3);
        var stream = new MemoryStream();
        WeightFile.Save(single, stream);
        stream.Position = 0;
        var singleCopy = new FakeNetwork<float>(2, 3, 2);
        WeightFile.Load(singleCopy, stream);
        Assert.Equal(Bits(single.Parameters), Bits(singleCopy.Parameters));

        var wide = FakeNetwork<double>.Small(4);
        stream = new MemoryStream();
        WeightFile.Save(wide, stream);
        var wideCopy = new FakeNetwork<double>(2, 3, 2);
        WeightFile.Load(wideCopy, new NonSeekableStream(stream.ToArray()));
        Assert.Equal(Bits(wide.Parameters), Bits(wideCopy.Parameters));
    }

    [Fact]
    public void RoundTripsNamedLayersAndLayersWithoutBias()
    {
        var saved = new FakeNetwork<float>(3, 4, 2, hiddenBias: false, hiddenName: "encoder", outputName: "head");
        saved.Fill(5);
        var stream = new MemoryStream();
        WeightFile.Save(saved, stream);

        SafeTensorsFile file = SafeTensorsFile.Read(new MemoryStream(stream.ToArray()));
        Assert.Equal(["encoder.weight", "head.weight", "head.bias"], file.Tensors.Select(t => t.Name));

        var loaded = new FakeNetwork<float>(3, 4, 2, hiddenBias: false, hiddenName: "encoder", outputName: "head");
        stream.Position = 0;
        WeightFile.Load(loaded, stream);
        Assert.Equal(Bits(saved.Parameters), Bits(loaded.Parameters));
    }

    [Fact]
    public void SaveReplacesAnExistingFileAndLeavesNoTemporaryFiles()
    {
        string path = PathOf("net.safetensors");
        WeightFile.Save(FakeNetwork<float>.Small(1), path);
        var second = FakeNetwork<float>.Small(2);
        WeightFile.Save(second, path);

        var loaded = new FakeNetwork<float>(2, 3, 2);
        WeightFile.Load(loaded, path);
        Assert.Equal(Bits(second.Parameters), Bits(loaded.Parameters));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public void FloatFileLoadsIntoDoubleNetworkExactly()
    {
        var single = FakeNetwork<float>.Small(6);
        var stream = new MemoryStream();
        WeightFile.Save(single, stream);
        stream.Position = 0;

        var wide = new FakeNetwork<double>(2, 3, 2);
        WeightFile.Load(wide, stream);
        for (int i = 0; i < wide.ParameterCount; i++)
        {
            Assert.Equal((double)single.Parameters[i], wide.Parameters[i]);
        }
    }

    [Fact]
    public void DoubleFileLoadsIntoFloatNetworkRoundedToNearest()
    {
        var wide = new FakeNetwork<double>(2, 3, 2);
        var random = new SeededRandom(8);
        for (int i = 0; i < wide.ParameterCount; i++)
        {
            wide.Parameters[i] = random.NextNormal();
        }
        wide.Parameters[0] = 1e300; // beyond float: infinity, as torch's .float() gives
        var stream = new MemoryStream();
        WeightFile.Save(wide, stream);
        stream.Position = 0;

        var single = new FakeNetwork<float>(2, 3, 2);
        WeightFile.Load(single, stream);
        for (int i = 0; i < wide.ParameterCount; i++)
        {
            Assert.Equal((float)wide.Parameters[i], single.Parameters[i]);
        }
        Assert.Equal(float.PositiveInfinity, single.Parameters[0]);
    }

    [Fact]
    public void HalfAndBFloat16TensorsConvertOnLoad()
    {
        float[] values = [1f, -2.5f, 0.333251953125f, 65504f, 6.103515625e-05f, 5.9604644775390625e-08f, -0f, float.PositiveInfinity,
            3.140625f, -0.0009765625f, 1024f, 0.5f, 2f, -8f, 0.125f, 7f, -1f];
        Assert.Equal(17, values.Length);
        foreach (SafeTensorsDType dtype in new[] { SafeTensorsDType.F16, SafeTensorsDType.BF16, SafeTensorsDType.F64 })
        {
            // All values are exact in F16 (the second-last specials are F16 subnormals); BF16 rounds some.
            SafeTensorsFile file = SmallFile(values, dtype);
            var single = new FakeNetwork<float>(2, 3, 2);
            WeightFile.Load(single, file);
            var wide = new FakeNetwork<double>(2, 3, 2);
            WeightFile.Load(wide, file);
            for (int i = 0; i < values.Length; i++)
            {
                float expected = dtype switch
                {
                    SafeTensorsDType.F16 => (float)(Half)values[i],
                    SafeTensorsDType.BF16 => BFloat16RoundTrip(values[i]),
                    _ => values[i],
                };
                Assert.Equal(expected, single.Parameters[i]);
                Assert.Equal((double)expected, wide.Parameters[i]);
            }
        }
    }

    [Fact]
    public void HalfDecodingIsExactForEveryBitPattern()
    {
        var bytes = new byte[2 * 65536];
        for (int i = 0; i < 65536; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)i);
        }
        var half = new SafeTensorsTensor("h", SafeTensorsDType.F16, [65536], bytes);
        var bf16 = new SafeTensorsTensor("b", SafeTensorsDType.BF16, [65536], bytes);
        float[] fromHalf = half.ToArray<float>();
        double[] fromHalfWide = half.ToArray<double>();
        float[] fromBf16 = bf16.ToArray<float>();
        for (int i = 0; i < 65536; i++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf((ushort)i);
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(fromHalf[i]));
            Assert.True(((double)expected).Equals(fromHalfWide[i]));
            Assert.Equal(i << 16, BitConverter.SingleToInt32Bits(fromBf16[i]));
        }
    }

    [Theory]
    [InlineData(0x3F800000u, 0x3F80)] // 1.0 exact
    [InlineData(0x3F808000u, 0x3F80)] // tie, even stays
    [InlineData(0x3F818000u, 0x3F82)] // tie, odd rounds up to even
    [InlineData(0x3F808001u, 0x3F81)] // above the tie
    [InlineData(0x7F7FFFFFu, 0x7F80)] // float.MaxValue rounds to infinity, as in torch
    [InlineData(0xFF800000u, 0xFF80)] // -infinity
    [InlineData(0x7FC00000u, 0x7FC0)] // NaN stays NaN
    [InlineData(0x7F800001u, 0x7FC0)] // signalling NaN becomes quiet, never infinity
    public void BFloat16EncodingRoundsToNearestEven(uint single, int expected)
    {
        SafeTensorsTensor tensor = SafeTensorsTensor.Create<float>("x", [BitConverter.UInt32BitsToSingle(single)], [1], SafeTensorsDType.BF16);
        Assert.Equal(expected, BinaryPrimitives.ReadUInt16LittleEndian(tensor.Data.Span));
    }

    [Fact]
    public void LowLevelFileRoundTripsAnyDTypeEmptyAndScalarTensorsAndMetadata()
    {
        var file = new SafeTensorsFile();
        file.Metadata["note"] = "ünïcödé \"quoted\" \\ <tag> 😀";
        file.Metadata["empty"] = "";
        file.Tensors.Add(new SafeTensorsTensor("ints", SafeTensorsDType.I32, [2, 2], new byte[16] { 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 255, 255, 255, 255 }));
        file.Tensors.Add(new SafeTensorsTensor("empty", SafeTensorsDType.F32, [0, 1_000_000_000_000], ReadOnlySpan<byte>.Empty));
        file.Tensors.Add(new SafeTensorsTensor("scalar", SafeTensorsDType.F64, [], BitConverter.GetBytes(Math.PI)));
        file.Tensors.Add(new SafeTensorsTensor("flags", SafeTensorsDType.Bool, [3], new byte[] { 1, 0, 1 }));
        file.Tensors.Add(new SafeTensorsTensor("ü.name with spaces", SafeTensorsDType.U8, [1], new byte[] { 42 }));
        var stream = new MemoryStream();
        file.Write(stream);
        Assert.Equal(stream.Length, file.GetSize());

        SafeTensorsFile read = SafeTensorsFile.Read(new MemoryStream(stream.ToArray()));
        Assert.Equal(file.Metadata, read.Metadata);
        Assert.Equal(file.Tensors.Count, read.Tensors.Count);
        for (int i = 0; i < file.Tensors.Count; i++)
        {
            Assert.Equal(file.Tensors[i].Name, read.Tensors[i].Name);
            Assert.Equal(file.Tensors[i].DType, read.Tensors[i].DType);
            Assert.Equal(file.Tensors[i].Shape, read.Tensors[i].Shape);
            Assert.Equal(file.Tensors[i].Data.ToArray(), read.Tensors[i].Data.ToArray());
        }
        Assert.Equal(Math.PI, read.Find("scalar")!.ToArray<double>()[0]);
        Assert.Null(read.Find("missing"));
        Assert.Equal("<stream>", read.SourceName);
    }

    [Fact]
    public void WriterRejectsDuplicateAndReservedNames()
    {
        var file = new SafeTensorsFile();
        file.Tensors.Add(SafeTensorsTensor.Create<float>("a", [1f], [1], SafeTensorsDType.F32));
        file.Tensors.Add(SafeTensorsTensor.Create<float>("a", [2f], [1], SafeTensorsDType.F32));
        Assert.Contains("'a'", Assert.Throws<InvalidOperationException>(() => file.Write(new MemoryStream())).Message);

        file.Tensors.RemoveAt(1);
        file.Tensors.Add(SafeTensorsTensor.Create<float>("__metadata__", [2f], [1], SafeTensorsDType.F32));
        Assert.Throws<InvalidOperationException>(() => file.Write(new MemoryStream()));
    }

    [Fact]
    public void TensorConstructorChecksDataLengthAgainstShape()
    {
        var error = Assert.Throws<ArgumentException>(() => new SafeTensorsTensor("w", SafeTensorsDType.F32, [2, 3], new byte[20]));
        Assert.Contains("6 x 4 = 24 bytes", error.Message);
        Assert.Throws<ArgumentException>(() => new SafeTensorsTensor("w", SafeTensorsDType.F32, [-1], new byte[0]));
        Assert.Throws<ArgumentException>(() => SafeTensorsTensor.Create<float>("w", [1f, 2f], [3], SafeTensorsDType.F32));
        Assert.Throws<ArgumentException>(() => SafeTensorsTensor.Create<float>("w", [1f], [1], SafeTensorsDType.I32));
    }

    [Fact]
    public void SavedMetadataNamesTheNetworkTopologyAndFormat()
    {
        var network = new FakeNetwork<float>(2, 3, 2, name: "Iris", topologyHash: "0123abcd");
        SafeTensorsFile file = WeightFile.ToSafeTensors(network);
        Assert.Equal("1", file.Metadata["staticnet.format"]);
        Assert.Equal("Iris", file.Metadata["staticnet.name"]);
        Assert.Equal("0123abcd", file.Metadata["staticnet.topology_hash"]);
        Assert.Equal("pt", file.Metadata["format"]);
    }

    internal static SafeTensorsFile SmallFile(float[] values, SafeTensorsDType dtype)
    {
        var file = new SafeTensorsFile();
        file.Tensors.Add(SafeTensorsTensor.Create<float>("0.weight", values.AsSpan(0, 6), [3, 2], dtype));
        file.Tensors.Add(SafeTensorsTensor.Create<float>("0.bias", values.AsSpan(6, 3), [3], dtype));
        file.Tensors.Add(SafeTensorsTensor.Create<float>("2.weight", values.AsSpan(9, 6), [2, 3], dtype));
        file.Tensors.Add(SafeTensorsTensor.Create<float>("2.bias", values.AsSpan(15, 2), [2], dtype));
        return file;
    }

    private static float BFloat16RoundTrip(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint rounded = (bits + 0x7FFFu + ((bits >> 16) & 1u)) & 0xFFFF0000u;
        return BitConverter.UInt32BitsToSingle(rounded);
    }

    internal static int[] Bits(Span<float> values)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        }
        return bits;
    }

    internal static long[] Bits(Span<double> values)
    {
        var bits = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.DoubleToInt64Bits(values[i]);
        }
        return bits;
    }
}
