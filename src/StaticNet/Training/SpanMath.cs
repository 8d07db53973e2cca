using System;
using System.Numerics;
using System.Runtime.InteropServices;
using StaticNet.Optimizers;

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

    /// <summary>Elements per block of <see cref="AddAndClear{T}(Span{T}, T[][], int, int)"/>: 8 KB of floats, so a destination block stays in L1.</summary>
    private const int ReductionBlock = 2048;

    /// <summary>
    /// <c>destination[i] += sources[s][i]</c> for <c>s = first .. end - 1</c> in that order, setting every source
    /// element to zero once it is read: the same bits as one <see cref="Add{T}"/> per source followed by clearing
    /// the sources, in one pass (block by block, so each block of <paramref name="destination"/> is loaded once).
    /// </summary>
    public static void AddAndClear<T>(Span<T> destination, T[][] sources, int first, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int s = first; s < end; s++)
        {
            if (sources[s].Length != destination.Length)
            {
                ThrowHelper.WrongLength(nameof(sources), sources[s].Length, destination.Length);
            }
        }

        for (int start = 0; start < destination.Length; start += ReductionBlock)
        {
            int length = Math.Min(ReductionBlock, destination.Length - start);
            Span<T> block = destination.Slice(start, length);
            for (int s = first; s < end; s++)
            {
                AddAndClear(block, sources[s].AsSpan(start, length));
            }
        }
    }

    private static void AddAndClear<T>(Span<T> destination, Span<T> source)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        source = source.Slice(0, destination.Length);
        int i = 0;
        if (IsVectorizable<T>())
        {
            Span<Vector<T>> d = MemoryMarshal.Cast<T, Vector<T>>(destination);
            Span<Vector<T>> s = MemoryMarshal.Cast<T, Vector<T>>(source);
            for (int v = 0; v < d.Length && v < s.Length; v++)
            {
                d[v] += s[v];
                s[v] = Vector<T>.Zero;
            }
            i = d.Length * Vector<T>.Count;
        }
        for (; i < destination.Length; i++)
        {
            destination[i] += source[i];
            source[i] = T.Zero;
        }
    }

    /// <summary>
    /// <c>values[i] /= divisor</c> (a true division, correctly rounded, like PyTorch's mean). Dividing by 1 is
    /// skipped and dividing by a power of two is a multiplication by its exact reciprocal: the same bits, cheaper.
    /// </summary>
    public static void Divide<T>(Span<T> values, T divisor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (GradientReaders.Classify(divisor, out T factor))
        {
            case GradientScaling.None:
                return;
            case GradientScaling.Multiply:
                Multiply(values, factor);
                return;
        }

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

    /// <summary>
    /// Sum of squares, accumulated in double with four independent accumulators: accumulator <c>j</c> sums the
    /// squares of elements <c>j, j + 4, j + 8, ...</c> of the whole groups of four, the remaining elements go to
    /// accumulator 0, and the result is <c>(s0 + s1) + (s2 + s3)</c>. With 256-bit vectors the four accumulators are
    /// the four lanes of one <c>Vector&lt;double&gt;</c>, which adds in exactly that order, so the vectorized and the
    /// scalar loop give the same bits.
    /// </summary>
    public static double SumOfSquares<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        SumOfSquares(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(values), values.Length), new AsIs<T>(), store: false);

    /// <summary>
    /// <c>values[i] /= divisor</c> as <see cref="Divide{T}"/>, and the <see cref="SumOfSquares{T}"/> of the
    /// divided values, in one pass.
    /// </summary>
    public static double DivideAndSumOfSquares<T>(Span<T> values, T divisor)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        GradientReaders.Classify(divisor, out T factor) switch
        {
            GradientScaling.None => SumOfSquares(values, new AsIs<T>(), store: false),
            GradientScaling.Multiply => SumOfSquares(values, new Multiplied<T>(factor), store: true),
            _ => SumOfSquares(values, new Divided<T>(divisor), store: true),
        };

    private static double SumOfSquares<T, TReader>(Span<T> values, TReader reader, bool store)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReader : struct, IGradientReader<T>
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        if (IsVectorizable<T>() && Vector<double>.Count == 4)
        {
            // Lane j of the accumulator is s_j: a vector of four doubles is one group of four elements.
            Vector<double> sum = Vector<double>.Zero;
            Span<Vector<T>> v = MemoryMarshal.Cast<T, Vector<T>>(values);
            for (int k = 0; k < v.Length; k++)
            {
                Vector<T> x = reader.Read(ref v[k]);
                if (store)
                {
                    v[k] = x;
                }
                if (typeof(T) == typeof(float))
                {
                    Vector.Widen(Vector.As<T, float>(x), out Vector<double> low, out Vector<double> high);
                    sum += low * low;
                    sum += high * high;
                }
                else
                {
                    Vector<double> d = Vector.As<T, double>(x);
                    sum += d * d;
                }
            }
            i = v.Length * Vector<T>.Count;
            s0 = sum[0];
            s1 = sum[1];
            s2 = sum[2];
            s3 = sum[3];
        }
        for (; i + 4 <= values.Length; i += 4)
        {
            double a = Square(ref values[i], reader, store);
            double b = Square(ref values[i + 1], reader, store);
            double c = Square(ref values[i + 2], reader, store);
            double d = Square(ref values[i + 3], reader, store);
            s0 += a;
            s1 += b;
            s2 += c;
            s3 += d;
        }
        for (; i < values.Length; i++)
        {
            s0 += Square(ref values[i], reader, store);
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double Square<T, TReader>(ref T value, TReader reader, bool store)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReader : struct, IGradientReader<T>
    {
        T x = reader.Read(ref value);
        if (store)
        {
            value = x;
        }
        double a = double.CreateTruncating(x);
        return a * a;
    }
}
