using System;
using System.IO;
using StaticNet;
using Xunit;
using static StaticNet.Tests.WeightFiles.SafeTensorsBytes;

namespace StaticNet.Tests.WeightFiles;

/// <summary>
/// Shapes whose element count overflows 64 bits (issue 11): whatever the dimensions, reading is a
/// <see cref="WeightFileException"/> naming the tensor, and the public constructors an <see cref="ArgumentException"/>;
/// never an <see cref="OverflowException"/>, and never a wrapped product that happens to match the data.
/// </summary>
public sealed class ShapeOverflowTests
{
    public static TheoryData<string, string> OverflowingShapes => new()
    {
        // 2 * 2^62 wraps to long.MinValue; times 2 bytes it wraps to 0, which empty data_offsets would match.
        { "F16", "[2,4611686018427387904]" },
        { "BF16", "[4,2305843009213693952,2]" },
        { "F32", "[4,4611686018427387904]" },
        { "F64", "[2147483648,2147483648,2147483648]" },
        { "F32", "[3,3074457345618258603]" },
        { "F16", "[9223372036854775807,9223372036854775807]" },
        { "F64", "[1048576,1048576,1048576,1048576]" },
    };

    [Theory]
    [MemberData(nameof(OverflowingShapes))]
    public void ReadingAnOverflowingShapeIsAWeightFileExceptionNamingTheTensor(string dtype, string shape)
    {
        foreach ((long begin, long end) in new[] { (0L, 0L), (0L, 8L) })
        {
            string header = "{" + Entry("evil", dtype, shape, begin, end) + "}";
            byte[] file = Build(header, new byte[end]);
            var network = FakeNetwork<float>.Small(7);
            var error = Assert.Throws<WeightFileException>(() => WeightFile.Load(network, new MemoryStream(file)));
            Assert.Equal("evil", error.TensorName);
            Assert.Contains("tensor 'evil'", error.Message);
            Assert.Throws<WeightFileException>(() => SafeTensorsFile.Read(new MemoryStream(file)));
        }
    }

    [Fact]
    public void AZeroDimensionMakesAnyShapeEmptyWithoutOverflow()
    {
        string header = "{" + Entry("empty", "F32", "[0,9223372036854775807,9223372036854775807]", 0, 0) + "}";
        SafeTensorsFile file = SafeTensorsFile.Read(new MemoryStream(Build(header, ReadOnlySpan<byte>.Empty)));
        Assert.Equal(0, Assert.Single(file.Tensors).ElementCount);
    }

    [Theory]
    [InlineData(2L, 1L << 62)]
    [InlineData(4L, 1L << 62)]
    [InlineData(long.MaxValue, long.MaxValue)]
    [InlineData(-1L, 4L)]
    public void ThePublicConstructorsRejectOverflowingShapesWithAnArgumentException(long first, long second)
    {
        var error = Assert.Throws<ArgumentException>(() => new SafeTensorsTensor("evil", SafeTensorsDType.F16, new[] { first, second }, ReadOnlySpan<byte>.Empty));
        Assert.Contains("'evil'", error.Message);
        error = Assert.Throws<ArgumentException>(() => SafeTensorsTensor.Create<float>("evil", new float[4], new[] { first, second }, SafeTensorsDType.F32));
        Assert.Contains("'evil'", error.Message);
    }
}
