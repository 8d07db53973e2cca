using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using StaticNet;
using Xunit;
using static StaticNet.Tests.WeightFiles.SafeTensorsBytes;

namespace StaticNet.Tests.WeightFiles;

/// <summary>Every way a file can be wrong: each throws WeightFileException, names the problem, and leaves the network untouched.</summary>
public sealed class WeightFileValidationTests
{
    private static readonly string Valid = SmallEntries();

    /// <summary>Loads <paramref name="bytes"/> from a seekable and from a non-seekable stream; both must fail cleanly.</summary>
    private static WeightFileException AssertRejected(byte[] bytes, WeightLoadOptions? options, params string[] fragments)
    {
        var network = FakeNetwork<float>.Small(7);
        int[] before = WeightFileRoundTripTests.Bits(network.Parameters);

        var error = Assert.Throws<WeightFileException>(() => WeightFile.Load(network, new MemoryStream(bytes), options));
        Assert.Equal(before, WeightFileRoundTripTests.Bits(network.Parameters));
        Assert.StartsWith("Weight file '<stream>': ", error.Message);
        Assert.Equal("<stream>", error.FileName);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, error.Message);
        }

        Assert.Throws<WeightFileException>(() => WeightFile.Load(network, new NonSeekableStream(bytes), options));
        Assert.Equal(before, WeightFileRoundTripTests.Bits(network.Parameters));
        return error;
    }

    private static WeightFileException AssertRejected(byte[] bytes, params string[] fragments) => AssertRejected(bytes, null, fragments);

    private static byte[] WithHeaderLength(byte[] file, ulong length)
    {
        byte[] copy = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(copy, length);
        return copy;
    }

    [Fact]
    public void ValidBaselineLoads()
    {
        var network = FakeNetwork<float>.Small(7);
        WeightFile.Load(network, new MemoryStream(Small()));
        Assert.Equal(16.5f, network.Parameters[16]);
        WeightFile.Load(network, new NonSeekableStream(Small()));
        Assert.Equal(0.5f, network.Parameters[0]);
    }

    // ---- the 8-byte length and the header bounds ----

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(7)]
    public void FileShorterThanTheLengthField(int length) =>
        AssertRejected(new byte[length], $"the file is {length} bytes long");

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    public void HeaderLengthBelowTwo(ulong length) =>
        AssertRejected(WithHeaderLength(Small(), length), $"the header length is {length}; expected at least 2");

    [Theory]
    [InlineData(100_000_001UL)]
    [InlineData(1UL << 40)]
    [InlineData(ulong.MaxValue)]
    public void HeaderLengthAboveTheCap(ulong length) =>
        AssertRejected(WithHeaderLength(Small(), length), $"the header length is {length} bytes; expected at most 100000000");

    [Fact]
    public void HeaderLengthBeyondTheFile()
    {
        byte[] file = Small();
        ulong length = (ulong)file.Length - 7;
        AssertRejected(WithHeaderLength(file, length), $"the header length is {length} bytes, but only {file.Length - 8} bytes follow");
    }

    [Fact]
    public void HeaderLengthBeyondANonSeekableStream()
    {
        byte[] file = WithHeaderLength(Small(), 99_999_999);
        var network = FakeNetwork<float>.Small(7);
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<WeightFileException>(() => WeightFile.Load(network, new NonSeekableStream(file)));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.Contains($"the file ends after {file.Length - 8} of the 99999999 header bytes", error.Message);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes for a {file.Length}-byte stream");
    }

    // ---- header text ----

    [Fact]
    public void HeaderNotStartingWithBrace() =>
        AssertRejected(Build(" {" + Valid + "}", SmallData()), "starts with byte 0x20; expected '{' (0x7B)");

    [Fact]
    public void HeaderNotUtf8()
    {
        byte[] header = Encoding.UTF8.GetBytes("{\"__metadata__\":{\"k\":\"v?\"}," + Valid + "}");
        int at = Array.IndexOf(header, (byte)'?');
        header[at] = 0xFF;
        AssertRejected(Build(header, SmallData()), $"not valid UTF-8 (at header byte {at})");
    }

    [Theory]
    [InlineData("{\"0.weight\":}")]
    [InlineData("{\"0.weight\":{\"dtype\":\"F32\",}}")]
    [InlineData("{/* comment */}")]
    [InlineData("{\"a\":1} trailing")]
    [InlineData("{\"a\":[[[[[[[[[[[[1]]]]]]]]]]]]}")]
    [InlineData("{\"unterminated")]
    public void HeaderNotJson(string header) =>
        AssertRejected(Build(header, SmallData()), "the header is not valid JSON");

    [Fact]
    public void HeaderPaddedWithOtherWhitespaceIsStillJson()
    {
        // The format says padding MAY be spaces; JSON whitespace after the object is harmless.
        var network = FakeNetwork<float>.Small(7);
        WeightFile.Load(network, new MemoryStream(Build("{" + Valid + "}\n\t ", SmallData(), pad: false)));
        Assert.Equal(0.5f, network.Parameters[0]);
    }

    [Fact]
    public void DuplicateTensorKey() =>
        AssertRejected(Build("{" + Valid + "," + Entry("2.bias", "F32", "[2]", 60, 68) + "}", SmallData()),
            "the key '2.bias' twice");

    [Fact]
    public void DuplicateKeyAfterUnescaping() =>
        AssertRejected(Build("{" + Valid + "," + Entry("2.bi\\u0061s", "F32", "[2]", 60, 68) + "}", SmallData()),
            "the key '2.bias' twice");

    // ---- metadata ----

    [Theory]
    [InlineData("\"__metadata__\":[\"a\"]", "'__metadata__' is a JSON array; expected an object whose values are strings")]
    [InlineData("\"__metadata__\":\"text\"", "'__metadata__' is a JSON string; expected an object")]
    [InlineData("\"__metadata__\":{\"epoch\":3}", "metadata 'epoch' is a JSON number; expected a string")]
    [InlineData("\"__metadata__\":{\"nested\":{\"a\":\"b\"}}", "metadata 'nested' is a JSON object; expected a string")]
    [InlineData("\"__metadata__\":{\"k\":null}", "metadata 'k' is a JSON null; expected a string")]
    [InlineData("\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}", "metadata key 'k' appears twice")]
    [InlineData("\"__metadata__\":{},\"__metadata__\":{}", "the key '__metadata__' twice")]
    public void BadMetadata(string metadata, string fragment) =>
        AssertRejected(Small(metadata), fragment);

    [Fact]
    public void NewerFormatVersion() =>
        AssertRejected(Small("\"__metadata__\":{\"staticnet.format\":\"2\"}"),
            "metadata 'staticnet.format' is '2'; this version of StaticNet reads '1'");

    [Fact]
    public void TopologyHashIsIgnoredByDefaultButEnforcedOnRequest()
    {
        byte[] file = Small("\"__metadata__\":{\"staticnet.topology_hash\":\"other\"}");
        var network = FakeNetwork<float>.Small(7);
        WeightFile.Load(network, new MemoryStream(file)); // shapes match: fine
        Assert.Equal(0.5f, network.Parameters[0]);

        var strict = new WeightLoadOptions { RequireMatchingTopologyHash = true };
        AssertRejected(file, strict, "metadata 'staticnet.topology_hash' is 'other'; expected 'fake-2-3-2-True-True'");
        AssertRejected(Small(), strict, "metadata 'staticnet.topology_hash' is missing; expected 'fake-2-3-2-True-True'");

        var stream = new MemoryStream();
        WeightFile.Save(FakeNetwork<float>.Small(3), stream);
        stream.Position = 0;
        WeightFile.Load(network, stream, strict);
    }

    // ---- tensor entries ----

    [Theory]
    [InlineData("[1,2]", "tensor '2.bias' is a JSON array; expected an object with dtype, shape and data_offsets")]
    [InlineData("\"x\"", "tensor '2.bias' is a JSON string")]
    [InlineData("{\"shape\":[2],\"data_offsets\":[60,68]}", "tensor '2.bias' has no dtype")]
    [InlineData("{\"dtype\":\"F32\",\"data_offsets\":[60,68]}", "tensor '2.bias' has no shape")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[2]}", "tensor '2.bias' has no data_offsets")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[60,68],\"extra\":1}", "tensor '2.bias' has a field 'extra'; expected only dtype, shape and data_offsets")]
    [InlineData("{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[60,68]}", "tensor '2.bias' has the field 'dtype' twice")]
    [InlineData("{\"dtype\":32,\"shape\":[2],\"data_offsets\":[60,68]}", "tensor '2.bias' has a dtype that is a JSON number; expected a string")]
    [InlineData("{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[60,68]}", "tensor '2.bias' has dtype 'Q4'; expected one of BOOL")]
    [InlineData("{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[60,68]}", "tensor '2.bias' has dtype 'f32'")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[60,68]}", "tensor '2.bias' has a shape that is a JSON number; expected an array of non-negative integers")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[60,68]}", "tensor '2.bias' has shape dimension 0 = -2; expected a non-negative integer")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[60,68]}", "tensor '2.bias' has shape dimension 0 = 2.0")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1,\"2\"],\"data_offsets\":[60,68]}", "tensor '2.bias' has shape dimension 1 = \"2\"")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[18446744073709551616],\"data_offsets\":[60,68]}", "shape dimension 0 = 18446744073709551616")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[9223372036854775808],\"data_offsets\":[60,68]}", "shape dimension 0 = 9223372036854775808")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[60]}", "tensor '2.bias' has data_offsets [60]; expected two integers [begin, end]")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[60,68,76]}", "has data_offsets [60,68,76]; expected two integers")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":{\"begin\":60}}", "expected two integers [begin, end]")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-60,68]}", "has data_offsets [-60,68]; expected two non-negative integers")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[68,60]}", "tensor '2.bias' has data_offsets [68, 60]; expected end >= begin")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[60,68]}", "tensor '2.bias' has shape [3] of F32, which needs 3 x 4 = 12 bytes, but its data_offsets [60, 68] hold 8 bytes")]
    [InlineData("{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[60,68]}", "needs 2 x 8 = 16 bytes, but its data_offsets [60, 68] hold 8 bytes")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[60,68]}", "tensor '2.bias' has shape [4294967296, 4294967296, 4294967296], which has more elements than a file can hold")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1073741824,1073741824],\"data_offsets\":[60,68]}", "needs 1152921504606846976 x 4 = 4611686018427387904 bytes")]
    public void BadTensorEntry(string entry, string fragment)
    {
        string header = "{" + Valid.Substring(0, Valid.LastIndexOf(",\"2.bias\"", StringComparison.Ordinal)) + ",\"2.bias\":" + entry + "}";
        WeightFileException error = AssertRejected(Build(header, SmallData()), fragment);
        Assert.Equal("2.bias", error.TensorName);
    }

    [Fact]
    public void TensorLargerThanAnArray()
    {
        // Consistent shape and offsets claiming 4 GB: rejected from the header alone, nothing allocated for it.
        string header = "{" + Entry("big", "F32", "[1073741824]", 0, 4294967296) + "}";
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        AssertRejected(Build(header, SmallData()), "tensor 'big' has 4294967296 bytes; this reader supports at most");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 1_000_000);
    }

    [Fact]
    public void NonFloatDTypeIsRejectedByTheNetwork()
    {
        string header = "{" + Valid.Replace("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[60,68]", "\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[60,68]", StringComparison.Ordinal) + "}";
        WeightFileException error = AssertRejected(Build(header, SmallData()),
            "tensor '2.bias' (bias of layer 1 of network Fake) has dtype I32; expected F16, BF16, F32 or F64");
        Assert.Equal("2.bias", error.TensorName);
    }

    // ---- the data section ----

    [Fact]
    public void FirstTensorDoesNotStartAtZero()
    {
        string header = "{" + string.Join(",",
            Entry("0.weight", "F32", "[3,2]", 4, 28), Entry("0.bias", "F32", "[3]", 28, 40),
            Entry("2.weight", "F32", "[2,3]", 40, 64), Entry("2.bias", "F32", "[2]", 64, 72)) + "}";
        AssertRejected(Build(header, SmallData(18)), "tensor '0.weight' is the first in the data section but begins at byte 4; expected 0");
    }

    [Fact]
    public void GapBetweenTensors()
    {
        string header = "{" + string.Join(",",
            Entry("0.weight", "F32", "[3,2]", 0, 24), Entry("0.bias", "F32", "[3]", 24, 36),
            Entry("2.weight", "F32", "[2,3]", 40, 64), Entry("2.bias", "F32", "[2]", 64, 72)) + "}";
        AssertRejected(Build(header, SmallData(18)),
            "tensor '2.weight' begins at byte 40, but the previous tensor '0.bias' ends at 36; expected 36 (the 4 bytes between them belong to no tensor)");
    }

    [Fact]
    public void OverlappingTensors()
    {
        string header = "{" + string.Join(",",
            Entry("0.weight", "F32", "[3,2]", 0, 24), Entry("0.bias", "F32", "[3]", 20, 32),
            Entry("2.weight", "F32", "[2,3]", 32, 56), Entry("2.bias", "F32", "[2]", 56, 64)) + "}";
        AssertRejected(Build(header, SmallData(16)),
            "tensor '0.bias' occupies bytes [20, 32), which overlap tensor '0.weight' at [0, 24); expected it to begin at 24");
    }

    [Fact]
    public void TwoTensorsSharingTheSameBytes()
    {
        string header = "{" + string.Join(",",
            Entry("0.weight", "F32", "[3,2]", 0, 24), Entry("0.bias", "F32", "[3]", 24, 36),
            Entry("2.weight", "F32", "[2,3]", 0, 24), Entry("2.bias", "F32", "[2]", 36, 44)) + "}";
        AssertRejected(Build(header, SmallData(11)), "tensor '2.weight' occupies bytes [0, 24), which overlap tensor '0.weight' at [0, 24)");
    }

    [Fact]
    public void TensorsListedOutOfOffsetOrderAreFine()
    {
        string header = "{" + string.Join(",",
            Entry("2.bias", "F32", "[2]", 60, 68), Entry("0.weight", "F32", "[3,2]", 0, 24),
            Entry("2.weight", "F32", "[2,3]", 36, 60), Entry("0.bias", "F32", "[3]", 24, 36)) + "}";
        var network = FakeNetwork<float>.Small(7);
        WeightFile.Load(network, new NonSeekableStream(Build(header, SmallData())));
        Assert.Equal(16.5f, network.Parameters[16]);
    }

    [Fact]
    public void TrailingBytesAfterTheLastTensor()
    {
        byte[] file = [.. Small(), 0, 0, 0, 0];
        AssertRejected(file, "the data section has 72 bytes, but the tensors cover 68; expected no bytes after the last tensor, found 4");
        var network = FakeNetwork<float>.Small(7);
        var error = Assert.Throws<WeightFileException>(() => WeightFile.Load(network, new NonSeekableStream(file)));
        Assert.Contains("the tensors cover 68 bytes of data, but the stream continues", error.Message);
    }

    [Fact]
    public void TruncatedData()
    {
        byte[] file = Small()[..^3];
        WeightFileException error = AssertRejected(file,
            "the file is truncated: tensor '2.bias' occupies bytes [60, 68) of the data section, but the data section has only 65 bytes");
        Assert.Equal("2.bias", error.TensorName);
        var network = FakeNetwork<float>.Small(7);
        error = Assert.Throws<WeightFileException>(() => WeightFile.Load(network, new NonSeekableStream(file)));
        Assert.Contains("the file ends after 5 of the 8 bytes of tensor '2.bias'", error.Message);
    }

    [Fact]
    public void TruncatedInsideTheHeader() =>
        AssertRejected(Small()[..40], "bytes follow the 8-byte length");

    [Fact]
    public void EmptyTensorsTakeNoSpaceAnywhereInTheOrder()
    {
        string header = "{" + Entry("nothing", "F32", "[0,3]", 24, 24) + "," + Valid + "," + Entry("end", "BF16", "[5,0]", 68, 68) + "}";
        var network = FakeNetwork<float>.Small(7);
        WeightFile.Load(network, new MemoryStream(Build(header, SmallData())), new WeightLoadOptions { AllowUnexpectedTensors = true });
        Assert.Equal(16.5f, network.Parameters[16]);
        AssertRejected(Build("{" + Valid + "," + Entry("beyond", "F32", "[0]", 72, 72) + "}", SmallData()),
            "tensor 'beyond' begins at byte 72, but the previous tensor '2.bias' ends at 68");
    }

    // ---- fit to the network ----

    [Fact]
    public void MissingTensor()
    {
        string header = "{" + Valid.Substring(0, Valid.LastIndexOf(",\"2.bias\"", StringComparison.Ordinal)) + "}";
        WeightFileException error = AssertRejected(Build(header, SmallData(15)),
            "tensor '2.bias' (bias of layer 1 of network Fake) is missing; expected shape [2]. The file has '0.weight', '0.bias', '2.weight'.");
        Assert.Equal("2.bias", error.TensorName);
    }

    [Fact]
    public void RenamedTensorIsMissingAndUnexpected()
    {
        string header = "{" + Valid.Replace("\"0.weight\"", "\"encoder.weight\"", StringComparison.Ordinal) + "}";
        AssertRejected(Build(header, SmallData()), "tensor '0.weight' (weight of layer 0 of network Fake) is missing; expected shape [3, 2]");
    }

    [Theory]
    [InlineData("[2,3]", "[3, 2]", "has shape [2, 3]; expected [3, 2]")] // transposed
    [InlineData("[6]", "[3, 2]", "has shape [6]; expected [3, 2]")]      // flattened
    [InlineData("[1,3,2]", "[3, 2]", "has shape [1, 3, 2]; expected [3, 2]")]
    public void WrongShape(string shape, string expected, string fragment)
    {
        _ = expected;
        string header = "{" + Valid.Replace("\"shape\":[3,2]", $"\"shape\":{shape}", StringComparison.Ordinal) + "}";
        WeightFileException error = AssertRejected(Build(header, SmallData()), "tensor '0.weight' (weight of layer 0 of network Fake) " + fragment);
        Assert.Equal("0.weight", error.TensorName);
    }

    [Fact]
    public void UnexpectedTensorIsAnErrorUnlessAllowed()
    {
        byte[] file = Build("{" + Valid + "," + Entry("4.weight", "F32", "[1,2]", 68, 76) + "}", SmallData(19));
        WeightFileException error = AssertRejected(file,
            "unexpected tensor '4.weight' (F32 [1, 2]); network Fake expects only '0.weight', '0.bias', '2.weight', '2.bias'. Set WeightLoadOptions.AllowUnexpectedTensors");
        Assert.Equal("4.weight", error.TensorName);

        var network = FakeNetwork<float>.Small(7);
        WeightFile.Load(network, new MemoryStream(file), new WeightLoadOptions { AllowUnexpectedTensors = true });
        Assert.Equal(16.5f, network.Parameters[16]);
    }

    [Fact]
    public void BiasInTheFileForALayerWithoutBiasIsUnexpected()
    {
        var network = new FakeNetwork<float>(2, 3, 2, outputBias: false);
        var error = Assert.Throws<WeightFileException>(() => WeightFile.Load(network, new MemoryStream(Small())));
        Assert.Contains("unexpected tensor '2.bias'", error.Message);
        Assert.All(network.Parameters.ToArray(), value => Assert.Equal(0f, value));
    }

    [Fact]
    public void MessagesNameThePathOfAFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"staticnet-bad-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, Small()[..^1]);
        try
        {
            var network = FakeNetwork<float>.Small(7);
            int[] before = WeightFileRoundTripTests.Bits(network.Parameters);
            var error = Assert.Throws<WeightFileException>(() => WeightFile.Load(network, path));
            Assert.StartsWith($"Weight file '{path}': the file is truncated: tensor '2.bias'", error.Message);
            Assert.Equal(path, error.FileName);
            Assert.Equal(before, WeightFileRoundTripTests.Bits(network.Parameters));
            Assert.IsAssignableFrom<IOException>(error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MissingFileIsAPlainFileNotFoundException()
    {
        var network = FakeNetwork<float>.Small(7);
        Assert.Throws<FileNotFoundException>(() => WeightFile.Load(network, Path.Combine(Path.GetTempPath(), $"nope-{Guid.NewGuid():N}.safetensors")));
    }
}
