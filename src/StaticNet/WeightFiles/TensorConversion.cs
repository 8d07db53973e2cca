using System;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace StaticNet;

/// <summary>Little-endian encoding and decoding of floating-point tensor data (F16, BF16, F32, F64).</summary>
internal static class TensorConversion
{
    /// <summary>Decodes <paramref name="source"/> (elements of <paramref name="dtype"/>) into <paramref name="destination"/>.</summary>
    /// <remarks>Callers guarantee <c>source.Length == destination.Length * dtype.ElementSize()</c> and a loadable dtype.</remarks>
    internal static void Decode<T>(SafeTensorsDType dtype, ReadOnlySpan<byte> source, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool sameType = (dtype == SafeTensorsDType.F32 && typeof(T) == typeof(float))
            || (dtype == SafeTensorsDType.F64 && typeof(T) == typeof(double));
        if (sameType && BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }

        // Every loadable dtype converts exactly to double; narrowing to T rounds to nearest, as a cast does.
        int size = dtype.ElementSize();
        for (int i = 0; i < destination.Length; i++)
        {
            ReadOnlySpan<byte> element = source.Slice(size * i, size);
            destination[i] = dtype switch
            {
                SafeTensorsDType.F64 => T.CreateTruncating(BinaryPrimitives.ReadDoubleLittleEndian(element)),
                SafeTensorsDType.F32 => T.CreateTruncating(BinaryPrimitives.ReadSingleLittleEndian(element)),
                SafeTensorsDType.F16 => T.CreateTruncating(BinaryPrimitives.ReadHalfLittleEndian(element)),
                SafeTensorsDType.BF16 => T.CreateTruncating(BFloat16ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(element))),
                _ => throw new NotSupportedException($"Cannot convert {dtype.ToHeaderName()} to floating point."),
            };
        }
    }

    /// <summary>Encodes <paramref name="source"/> as <paramref name="dtype"/> into <paramref name="destination"/>, rounding to nearest even.</summary>
    internal static void Encode<T>(ReadOnlySpan<T> source, SafeTensorsDType dtype, Span<byte> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            EncodeSingle(MemoryMarshal.Cast<T, float>(source), dtype, destination);
        }
        else if (typeof(T) == typeof(double))
        {
            EncodeDouble(MemoryMarshal.Cast<T, double>(source), dtype, destination);
        }
        else
        {
            double[] wide = new double[source.Length];
            for (int i = 0; i < wide.Length; i++)
            {
                wide[i] = double.CreateTruncating(source[i]);
            }
            EncodeDouble(wide, dtype, destination);
        }
    }

    private static void EncodeSingle(ReadOnlySpan<float> source, SafeTensorsDType dtype, Span<byte> destination)
    {
        switch (dtype)
        {
            case SafeTensorsDType.F32:
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.AsBytes(source).CopyTo(destination);
                }
                else
                {
                    for (int i = 0; i < source.Length; i++)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(destination.Slice(4 * i), source[i]);
                    }
                }
                break;
            case SafeTensorsDType.F64:
                for (int i = 0; i < source.Length; i++)
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(destination.Slice(8 * i), source[i]);
                }
                break;
            case SafeTensorsDType.F16:
                for (int i = 0; i < source.Length; i++)
                {
                    BinaryPrimitives.WriteHalfLittleEndian(destination.Slice(2 * i), (Half)source[i]);
                }
                break;
            case SafeTensorsDType.BF16:
                for (int i = 0; i < source.Length; i++)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(2 * i), SingleToBFloat16(source[i]));
                }
                break;
            default:
                throw new NotSupportedException($"Cannot encode floating point as {dtype.ToHeaderName()}.");
        }
    }

    private static void EncodeDouble(ReadOnlySpan<double> source, SafeTensorsDType dtype, Span<byte> destination)
    {
        switch (dtype)
        {
            case SafeTensorsDType.F64:
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.AsBytes(source).CopyTo(destination);
                }
                else
                {
                    for (int i = 0; i < source.Length; i++)
                    {
                        BinaryPrimitives.WriteDoubleLittleEndian(destination.Slice(8 * i), source[i]);
                    }
                }
                break;
            case SafeTensorsDType.F32:
                for (int i = 0; i < source.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(destination.Slice(4 * i), (float)source[i]);
                }
                break;
            case SafeTensorsDType.F16:
                for (int i = 0; i < source.Length; i++)
                {
                    BinaryPrimitives.WriteHalfLittleEndian(destination.Slice(2 * i), (Half)source[i]);
                }
                break;
            case SafeTensorsDType.BF16:
                for (int i = 0; i < source.Length; i++)
                {
                    // Through float, as torch's double -> bfloat16 conversion does.
                    BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(2 * i), SingleToBFloat16((float)source[i]));
                }
                break;
            default:
                throw new NotSupportedException($"Cannot encode floating point as {dtype.ToHeaderName()}.");
        }
    }

    /// <summary>bfloat16 is the upper half of an IEEE single: widening is a shift, and exact.</summary>
    internal static float BFloat16ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>Rounds a single to bfloat16, to nearest with ties to even (as PyTorch does); NaN stays a quiet NaN.</summary>
    internal static ushort SingleToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }
        uint roundingBias = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + roundingBias) >> 16);
    }
}
