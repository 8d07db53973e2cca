using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace StaticNet;

/// <summary>Vectorized element-wise helpers over flat parameter-sized spans (gradients, parameters).</summary>
internal static class SpanMath
{
    private static bool IsVectorizable<T>() where T : unmanaged =>
        Vector.IsHardwareAccelerated && (typeof(T) == typeof(float) || typeof(T) == typeof(double));

    /// <summary><c>destination[i] += source[i]</c>.</summary>
    public static void Add<T>(Span<T> destination, ReadOnlySpan<T> source)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (source.Length != destination.Length)
        {
            ThrowHelper.WrongLength(nameof(source), source.Length, destination.Length);
        }

        int i = 0;
        if (IsVectorizable<T>())
        {
            Span<Vector<T>> d = MemoryMarshal.Cast<T, Vector<T>>(destination);
            ReadOnlySpan<Vector<T>> s = MemoryMarshal.Cast<T, Vector<T>>(source);
            for (int v = 0; v < d.Length; v++)
            {
                d[v] += s[v];
            }
            i = d.Length * Vector<T>.Count;
        }
        for (; i < destination.Length; i++)
        {
            destination[i] += source[i];
        }
    }

    /// <summary><c>values[i] /= divisor</c> (a true division, correctly rounded, like PyTorch's mean).</summary>
    public static void Divide<T>(Span<T> values, T divisor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (IsVectorizable<T>())
        {
            Span<Vector<T>> v = MemoryMarshal.Cast<T, Vector<T>>(values);
            var d = new Vector<T>(divisor);
            for (int k = 0; k < v.Length; k++)
            {
                v[k] /= d;
            }
            i = v.Length * Vector<T>.Count;
        }
        for (; i < values.Length; i++)
        {
            values[i] /= divisor;
        }
    }

    /// <summary><c>values[i] *= factor</c>.</summary>
    public static void Multiply<T>(Span<T> values, T factor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (IsVectorizable<T>())
        {
            Span<Vector<T>> v = MemoryMarshal.Cast<T, Vector<T>>(values);
            var f = new Vector<T>(factor);
            for (int k = 0; k < v.Length; k++)
            {
                v[k] *= f;
            }
            i = v.Length * Vector<T>.Count;
        }
        for (; i < values.Length; i++)
        {
            values[i] *= factor;
        }
    }

    /// <summary>Sum of squares, accumulated in double with four independent accumulators.</summary>
    public static double SumOfSquares<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= values.Length; i += 4)
        {
            double a = double.CreateTruncating(values[i]);
            double b = double.CreateTruncating(values[i + 1]);
            double c = double.CreateTruncating(values[i + 2]);
            double d = double.CreateTruncating(values[i + 3]);
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < values.Length; i++)
        {
            double a = double.CreateTruncating(values[i]);
            s0 += a * a;
        }
        return (s0 + s1) + (s2 + s3);
    }
}
