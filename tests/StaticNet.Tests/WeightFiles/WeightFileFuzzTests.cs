using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using StaticNet;
using Xunit;

namespace StaticNet.Tests.WeightFiles;

/// <summary>
/// Mutates valid files thousands of times (fixed seed) and loads each mutant. The only acceptable outcomes
/// are a successful load or a WeightFileException that leaves the network unchanged; and no mutant may make
/// the reader allocate much more than the mutant's own size, however large the lengths it claims.
/// </summary>
public sealed class WeightFileFuzzTests
{
    private const int Cases = 6000;
    private const long AllocationBudget = 1_000_000; // per case; every input here is under 2 KB

    private static readonly string[] HugeNumbers =
    [
        "0", "1", "-1", "7", "1.5", "1e3", "1e400", "4294967296", "2147483648", "9223372036854775807",
        "9223372036854775808", "18446744073709551615", "18446744073709551616", "99999999999999999999999999",
        "-0", "00", "\"3\"", "null", "[]", "{}",
    ];

    private static readonly string[] Swaps =
    [
        "\"F32\"", "\"F16\"", "\"BF16\"", "\"F64\"", "\"I32\"", "\"BOOL\"", "\"F8_E4M3\"", "\"U64\"", "\"X\"",
        "\"shape\"", "\"dtype\"", "\"data_offsets\"", "\"__metadata__\"", "\"0.weight\"", "\"2.bias\"",
        "[", "]", "{", "}", ",", ":", "",
    ];

    private const string JsonAlphabet = "{}[]\",:0123456789-.eE aflnrstu\\_FIBU";

    [Fact]
    public void MutatedFilesOnlyEverThrowWeightFileException()
    {
        (byte[] Bytes, bool TorchShaped)[] seeds = SeedFiles();
        var random = new SeededRandom(0x5EED);
        var network = new FakeNetwork<float>(2, 3, 2);
        var torchShaped = FakeNetwork<float>.TorchMlp();
        int loaded = 0, rejected = 0;
        var kinds = new int[10];

        for (int i = 0; i < Cases; i++)
        {
            (byte[] seed, bool torchShapedSeed) = seeds[random.NextInt(seeds.Length)];
            int kind = random.NextInt(kinds.Length);
            kinds[kind]++;
            byte[] mutant = Mutate(seed, kind, random);
            FakeNetwork<float> target = torchShapedSeed ? torchShaped : network;
            target.Fill(i);
            int[] before = WeightFileRoundTripTests.Bits(target.Parameters);
            bool seekable = random.NextInt(2) == 0;
            Stream stream = seekable ? new MemoryStream(mutant, writable: false) : new NonSeekableStream(mutant);

            long allocated = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                WeightFile.Load(target, stream);
                loaded++;
            }
            catch (WeightFileException)
            {
                rejected++;
                Assert.True(before.AsSpan().SequenceEqual(WeightFileRoundTripTests.Bits(target.Parameters)),
                    $"case {i} (mutation {kind}) changed the parameters although the load failed");
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i} (mutation {kind}, {(seekable ? "seekable" : "non-seekable")}) threw {e.GetType().Name}: {e.Message}\n" +
                    Convert.ToBase64String(mutant));
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Assert.True(allocated < AllocationBudget,
                $"case {i} (mutation {kind}) allocated {allocated} bytes for a {mutant.Length}-byte file");
        }

        // The fuzzer must exercise both outcomes and every mutation, or it proves little.
        Assert.True(rejected > Cases / 2, $"only {rejected} of {Cases} mutants were rejected");
        Assert.True(loaded > 50, $"only {loaded} of {Cases} mutants loaded");
        Assert.All(kinds, count => Assert.True(count > Cases / 20));
    }

    private static (byte[] Bytes, bool TorchShaped)[] SeedFiles()
    {
        var single = FakeNetwork<float>.Small(1);
        var a = new MemoryStream();
        WeightFile.Save(single, a);

        var wide = new FakeNetwork<double>(2, 3, 2);
        wide.Fill(2);
        var b = new MemoryStream();
        WeightFile.Save(wide, b);

        string golden = Path.Combine(AppContext.BaseDirectory, "Golden", "WeightFiles");
        return
        [
            (a.ToArray(), false),
            (b.ToArray(), false),
            (SafeTensorsBytes.Small(), false),
            (File.ReadAllBytes(Path.Combine(golden, "torch_mlp_f16.safetensors")), true),
            (File.ReadAllBytes(Path.Combine(golden, "torch_mlp_bf16.safetensors")), true),
        ];
    }

    private static byte[] Mutate(byte[] seed, int kind, SeededRandom random)
    {
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(seed);
        string header = Encoding.UTF8.GetString(seed, 8, headerLength);
        ReadOnlySpan<byte> data = seed.AsSpan(8 + headerLength);
        switch (kind)
        {
            case 0: // truncation
                return seed[..random.NextInt(seed.Length)];
            case 1: // flipped bytes
            {
                byte[] copy = (byte[])seed.Clone();
                int flips = 1 + random.NextInt(4);
                for (int f = 0; f < flips; f++)
                {
                    // Mostly in the prefix and header, where structure lives.
                    int limit = random.NextInt(4) == 0 ? copy.Length : 8 + headerLength;
                    copy[random.NextInt(limit)] ^= (byte)(1 + random.NextInt(255));
                }
                return copy;
            }
            case 2: // random header length, including huge ones
            {
                byte[] copy = (byte[])seed.Clone();
                ulong[] interesting =
                [
                    0, 1, 2, 7, 8, (ulong)headerLength - 1, (ulong)headerLength + 1, (ulong)seed.Length - 8, (ulong)seed.Length - 7,
                    99_999_999, 100_000_000, 100_000_001, int.MaxValue, uint.MaxValue, 1UL << 40, long.MaxValue, 1UL << 63, ulong.MaxValue,
                ];
                ulong length = random.NextInt(3) == 0 ? random.NextUInt64() >> random.NextInt(64) : interesting[random.NextInt(interesting.Length)];
                BinaryPrimitives.WriteUInt64LittleEndian(copy, length);
                return copy;
            }
            case 3: // numbers in the header replaced by huge, negative, fractional or non-numbers
            {
                string mutated = ReplaceRandomNumber(header, HugeNumbers[random.NextInt(HugeNumbers.Length)], random);
                if (random.NextInt(2) == 0)
                {
                    mutated = ReplaceRandomNumber(mutated, HugeNumbers[random.NextInt(HugeNumbers.Length)], random);
                }
                return SafeTensorsBytes.Build(mutated.TrimEnd(' '), data, pad: random.NextInt(2) == 0);
            }
            case 4: // random JSON-ish garbage as the header, with a consistent length
            {
                var garbage = new StringBuilder(random.NextInt(2) == 0 ? "{" : "");
                int length = random.NextInt(200);
                for (int c = 0; c < length; c++)
                {
                    garbage.Append(JsonAlphabet[random.NextInt(JsonAlphabet.Length)]);
                }
                if (random.NextInt(2) == 0)
                {
                    garbage.Append('}');
                }
                return SafeTensorsBytes.Build(garbage.ToString(), data, pad: random.NextInt(2) == 0);
            }
            case 5: // structural token swaps that keep most of the header intact
            {
                string from = Swaps[random.NextInt(Swaps.Length)];
                int at = from.Length == 0 ? -1 : header.IndexOf(from, random.NextInt(Math.Max(1, header.Length / 2)), StringComparison.Ordinal);
                if (at < 0)
                {
                    at = random.NextInt(header.Length);
                    from = "";
                }
                string to = Swaps[random.NextInt(Swaps.Length)];
                string mutated = header.Substring(0, at) + to + header.Substring(at + from.Length);
                return SafeTensorsBytes.Build(mutated.TrimEnd(' '), data, pad: random.NextInt(2) == 0);
            }
            case 6: // bytes inserted into or deleted from anywhere
            {
                int at = random.NextInt(seed.Length);
                if (random.NextInt(2) == 0)
                {
                    int count = 1 + random.NextInt(Math.Min(16, seed.Length - at));
                    return [.. seed[..at], .. seed[(at + count)..]];
                }
                byte[] insert = new byte[1 + random.NextInt(16)];
                for (int j = 0; j < insert.Length; j++)
                {
                    insert[j] = (byte)random.NextInt(256);
                }
                return [.. seed[..at], .. insert, .. seed[at..]];
            }
            case 7: // appended bytes, or a data section swapped for another size
            {
                byte[] extra = new byte[1 + random.NextInt(64)];
                return random.NextInt(2) == 0 ? [.. seed, .. extra] : SafeTensorsBytes.Build(header.TrimEnd(' '), extra);
            }
            case 8: // self-consistent edits: a tensor's offsets shifted (gaps, overlaps) or a 2-D shape transposed
            {
                string mutated = random.NextInt(2) == 0
                    ? ShiftRandomOffsets(header, random)
                    : Regex.Replace(header, @"\[(\d+),(\d+)\]",
                        m => random.NextInt(2) == 0 ? $"[{m.Groups[2].Value},{m.Groups[1].Value}]" : m.Value);
                return SafeTensorsBytes.Build(mutated.TrimEnd(' '), data);
            }
            default: // a huge but self-consistent tensor claim appended to the header
            {
                string[] claims =
                [
                    SafeTensorsBytes.Entry("huge", "F32", "[536870912]", data.Length, data.Length + 2147483648L),
                    SafeTensorsBytes.Entry("huge", "U8", "[2147483591]", data.Length, data.Length + 2147483591L),
                    SafeTensorsBytes.Entry("huge", "F64", "[1000000,1000000]", data.Length, data.Length + 8_000_000_000_000L),
                    SafeTensorsBytes.Entry("huge", "F32", "[4611686018427387903]", 0, 0),
                    SafeTensorsBytes.Entry("huge", "BF16", "[0,9223372036854775807]", data.Length, data.Length),
                ];
                string trimmed = header.TrimEnd(' ');
                string mutated = trimmed.Substring(0, trimmed.Length - 1) + "," + claims[random.NextInt(claims.Length)] + "}";
                return SafeTensorsBytes.Build(mutated, data);
            }
        }
    }

    private static string ShiftRandomOffsets(string header, SeededRandom random)
    {
        MatchCollection offsets = Regex.Matches(header, "\"data_offsets\":\\[(\\d+),(\\d+)\\]");
        if (offsets.Count == 0)
        {
            return header;
        }
        Match pick = offsets[random.NextInt(offsets.Count)];
        long delta = new long[] { -8, -4, -2, -1, 1, 2, 4, 8 }[random.NextInt(8)];
        long begin = long.Parse(pick.Groups[1].Value) + delta;
        long end = long.Parse(pick.Groups[2].Value) + delta;
        return header.Substring(0, pick.Index) + $"\"data_offsets\":[{begin},{end}]" + header.Substring(pick.Index + pick.Length);
    }

    private static string ReplaceRandomNumber(string header, string replacement, SeededRandom random)
    {
        int count = 0;
        for (int i = 0; i < header.Length; i++)
        {
            if (char.IsAsciiDigit(header[i]) && (i == 0 || !char.IsAsciiDigit(header[i - 1])))
            {
                count++;
            }
        }
        if (count == 0)
        {
            return header;
        }
        int pick = random.NextInt(count);
        for (int i = 0; i < header.Length; i++)
        {
            if (char.IsAsciiDigit(header[i]) && (i == 0 || !char.IsAsciiDigit(header[i - 1])) && pick-- == 0)
            {
                int end = i;
                while (end < header.Length && char.IsAsciiDigit(header[end]))
                {
                    end++;
                }
                return header.Substring(0, i) + replacement + header.Substring(end);
            }
        }
        return header;
    }
}
