using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNet;

/// <summary>
/// Scalar and vector building blocks that generated networks call: fused multiply-add, the activation
/// functions with PyTorch's definitions, and their derivatives. Everything here is small and aggressively
/// inlined, so the JIT sees through the call into the generated kernel.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Kernels
{
    // ---- fused multiply-add -------------------------------------------------------------------------

    /// <summary><c>a * b + c</c> with one rounding where the hardware has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> MultiplyAdd(Vector<float> a, Vector<float> b, Vector<float> c)
    {
        if (Avx512F.IsSupported && Vector<float>.Count == Vector512<float>.Count)
        {
            // Vector<T> is 512 bits wide only when the application asks for it (DOTNET_MaxVectorTBitWidth=512).
            return Avx512F.FusedMultiplyAdd(a.AsVector512(), b.AsVector512(), c.AsVector512()).AsVector();
        }
        if (Fma.IsSupported && Vector<float>.Count == Vector256<float>.Count)
        {
            return Fma.MultiplyAdd(a.AsVector256(), b.AsVector256(), c.AsVector256()).AsVector();
        }
        if (Fma.IsSupported && Vector<float>.Count == Vector128<float>.Count)
        {
            return Fma.MultiplyAdd(a.AsVector128(), b.AsVector128(), c.AsVector128()).AsVector();
        }
        return a * b + c;
    }

    /// <summary><c>a * b + c</c> with one rounding where the hardware has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> MultiplyAdd(Vector<double> a, Vector<double> b, Vector<double> c)
    {
        if (Avx512F.IsSupported && Vector<double>.Count == Vector512<double>.Count)
        {
            // Vector<T> is 512 bits wide only when the application asks for it (DOTNET_MaxVectorTBitWidth=512).
            return Avx512F.FusedMultiplyAdd(a.AsVector512(), b.AsVector512(), c.AsVector512()).AsVector();
        }
        if (Fma.IsSupported && Vector<double>.Count == Vector256<double>.Count)
        {
            return Fma.MultiplyAdd(a.AsVector256(), b.AsVector256(), c.AsVector256()).AsVector();
        }
        if (Fma.IsSupported && Vector<double>.Count == Vector128<double>.Count)
        {
            return Fma.MultiplyAdd(a.AsVector128(), b.AsVector128(), c.AsVector128()).AsVector();
        }
        return a * b + c;
    }

    /// <summary><c>a * b + c</c> over 512-bit vectors, fused where the hardware has AVX-512.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a, b, c) : a * b + c;

    /// <summary><c>a * b + c</c> over 512-bit vectors, fused where the hardware has AVX-512.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> MultiplyAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c) =>
        Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a, b, c) : a * b + c;

    /// <summary>
    /// The two 256-bit halves of <paramref name="x"/> added, as a Vector&lt;float&gt; (for a 256-bit Vector&lt;T&gt;;
    /// generated code calls it only when <c>Vector&lt;float&gt;.Count == 8</c>), so a 512-bit accumulator can
    /// continue in Vector&lt;T&gt; code.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Fold(Vector512<float> x) => (x.GetLower() + x.GetUpper()).AsVector();

    /// <summary>The two 256-bit halves of <paramref name="x"/> added, as a Vector&lt;double&gt; (see <see cref="Fold(Vector512{float})"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Fold(Vector512<double> x) => (x.GetLower() + x.GetUpper()).AsVector();

    /// <summary><c>a * b + c</c>, fused where the hardware has FMA (the software fallback of <see cref="MathF.FusedMultiplyAdd"/> is slow).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => Fma.IsSupported ? MathF.FusedMultiplyAdd(a, b, c) : a * b + c;

    /// <summary><c>a * b + c</c>, fused where the hardware has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MultiplyAdd(double a, double b, double c) => Fma.IsSupported ? Math.FusedMultiplyAdd(a, b, c) : a * b + c;

    // ---- activations (float) ------------------------------------------------------------------------

    /// <summary>max(0, x), propagating NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float x) => x > 0f ? x : (float.IsNaN(x) ? x : 0f);

    /// <summary>x if x &gt; 0, else alpha * x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyRelu(float x, float alpha) => x > 0f ? x : x * alpha;

    /// <summary>x if x &gt; 0, else alpha * (e^x - 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Elu(float x, float alpha) => x > 0f ? x : alpha * (MathF.Exp(x) - 1f);

    /// <summary>1 / (1 + e^-x), without overflow for large |x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>Hyperbolic tangent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => MathF.Tanh(x);

    /// <summary>x * sigmoid(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Silu(float x) => x / (1f + MathF.Exp(-x));

    /// <summary>log(1 + e^x), and x itself above 20 (PyTorch's threshold).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Softplus(float x) => x > 20f ? x : (float)Math.Log(1.0 + Math.Exp(x));

    /// <summary>x * Phi(x) with the exact error function, PyTorch's default GELU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gelu(float x) => (float)Gelu((double)x);

    /// <summary>1 if x &gt; 0, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Step(float x) => x > 0f ? 1f : 0f;

    // ---- activations (double) -----------------------------------------------------------------------

    /// <summary>max(0, x), propagating NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Relu(double x) => x > 0d ? x : (double.IsNaN(x) ? x : 0d);

    /// <summary>x if x &gt; 0, else alpha * x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LeakyRelu(double x, double alpha) => x > 0d ? x : x * alpha;

    /// <summary>x if x &gt; 0, else alpha * (e^x - 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Elu(double x, double alpha) => x > 0d ? x : alpha * (Math.Exp(x) - 1d);

    /// <summary>1 / (1 + e^-x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sigmoid(double x) => 1d / (1d + Math.Exp(-x));

    /// <summary>Hyperbolic tangent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Tanh(double x) => Math.Tanh(x);

    /// <summary>x * sigmoid(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Silu(double x) => x / (1d + Math.Exp(-x));

    /// <summary>log(1 + e^x), and x itself above 20 (PyTorch's threshold).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Softplus(double x) => x > 20d ? x : Math.Log(1d + Math.Exp(x));

    /// <summary>x * Phi(x) = x/2 * (1 + erf(x / sqrt 2)).</summary>
    public static double Gelu(double x) => 0.5 * x * (1.0 + Erf(x * 0.70710678118654752440));

    /// <summary>1 if x &gt; 0, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Step(double x) => x > 0d ? 1d : 0d;

    // ---- derivatives, from the pre-activation z and/or the activation a = f(z) -----------------------

    /// <summary>d sigmoid / dz from a = sigmoid(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SigmoidDerivative(float a) => a * (1f - a);

    /// <summary>d sigmoid / dz from a = sigmoid(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SigmoidDerivative(double a) => a * (1d - a);

    /// <summary>d tanh / dz from a = tanh(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float TanhDerivative(float a) => 1f - a * a;

    /// <summary>d tanh / dz from a = tanh(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double TanhDerivative(double a) => 1d - a * a;

    /// <summary>d relu / dz: 1 for z &gt; 0, else 0 (PyTorch's convention at 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReluDerivative(float z) => z > 0f ? 1f : 0f;

    /// <summary>d relu / dz: 1 for z &gt; 0, else 0 (PyTorch's convention at 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ReluDerivative(double z) => z > 0d ? 1d : 0d;

    /// <summary>d leaky_relu / dz.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyReluDerivative(float z, float alpha) => z > 0f ? 1f : alpha;

    /// <summary>d leaky_relu / dz.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LeakyReluDerivative(double z, double alpha) => z > 0d ? 1d : alpha;

    /// <summary>d elu / dz from z and a = elu(z): 1, or a + alpha below 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float EluDerivative(float z, float a, float alpha) => z > 0f ? 1f : a + alpha;

    /// <summary>d elu / dz from z and a = elu(z): 1, or a + alpha below 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double EluDerivative(double z, double a, double alpha) => z > 0d ? 1d : a + alpha;

    /// <summary>d silu / dz = s (1 + z (1 - s)) with s = sigmoid(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SiluDerivative(float z)
    {
        float s = Sigmoid(z);
        return s * (1f + z * (1f - s));
    }

    /// <summary>d silu / dz = s (1 + z (1 - s)) with s = sigmoid(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SiluDerivative(double z)
    {
        double s = Sigmoid(z);
        return s * (1d + z * (1d - s));
    }

    /// <summary>d softplus / dz = sigmoid(z), and 1 above PyTorch's threshold of 20.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SoftplusDerivative(float z) => z > 20f ? 1f : Sigmoid(z);

    /// <summary>d softplus / dz = sigmoid(z), and 1 above PyTorch's threshold of 20.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SoftplusDerivative(double z) => z > 20d ? 1d : Sigmoid(z);

    /// <summary>d gelu / dz = Phi(z) + z phi(z).</summary>
    public static float GeluDerivative(float z) => (float)GeluDerivative((double)z);

    /// <summary>d gelu / dz = Phi(z) + z phi(z).</summary>
    public static double GeluDerivative(double z)
    {
        const double InverseSqrt2Pi = 0.39894228040143267794;
        double cdf = 0.5 * (1.0 + Erf(z * 0.70710678118654752440));
        return cdf + z * InverseSqrt2Pi * Math.Exp(-0.5 * z * z);
    }

    // ---- activations of whole vectors ---------------------------------------------------------------

    /// <summary>max(0, x) of every lane, propagating NaN like the scalar <see cref="Relu(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Relu(Vector<float> x) =>
        Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<float>.Zero) | Vector.OnesComplement(Vector.Equals(x, x)), x, Vector<float>.Zero);

    /// <summary>max(0, x) of every lane, propagating NaN like the scalar <see cref="Relu(double)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Relu(Vector<double> x) =>
        Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<double>.Zero) | Vector.OnesComplement(Vector.Equals(x, x)), x, Vector<double>.Zero);

    // ---- tile layout ------------------------------------------------------------------------------------

    /// <summary>
    /// Copies samples stored one row each (<paramref name="rows"/>: [count x features]) into a feature-major
    /// tile (<paramref name="tile"/>: [features x width], one lane per sample), the layout of the batch kernels;
    /// lanes past the last sample are zeroed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToFeatureMajor<T>(ReadOnlySpan<T> rows, int features, Span<T> tile) where T : unmanaged
    {
        int count = rows.Length / features;
        int width = tile.Length / features;
        if (count > width || count * features != rows.Length || width * features != tile.Length)
        {
            throw new ArgumentException("The rows do not fit the tile.", nameof(tile));
        }
        Transpose(ref MemoryMarshal.GetReference(rows), features, ref MemoryMarshal.GetReference(tile), width, count, features);
        if (count < width)
        {
            for (int k = 0; k < features; k++)
            {
                tile.Slice(k * width + count, width - count).Clear();
            }
        }
    }

    /// <summary>
    /// Copies the first <c>count</c> lanes of a feature-major tile (<paramref name="tile"/>: [features x width])
    /// into one row per sample (<paramref name="rows"/>: [count x features]); the inverse of <see cref="ToFeatureMajor"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToSampleMajor<T>(ReadOnlySpan<T> tile, int features, Span<T> rows) where T : unmanaged
    {
        int count = rows.Length / features;
        int width = tile.Length / features;
        if (count > width || count * features != rows.Length || width * features != tile.Length)
        {
            throw new ArgumentException("The rows do not fit the tile.", nameof(rows));
        }
        Transpose(ref MemoryMarshal.GetReference(tile), width, ref MemoryMarshal.GetReference(rows), features, features, count);
    }

    /// <summary>
    /// destination[c * destinationStride + r] = source[r * sourceStride + c] for r &lt; <paramref name="rows"/>, c &lt;
    /// <paramref name="columns"/>: 8 x 8 blocks in AVX registers for float, element by element for the rest.
    /// </summary>
    private static void Transpose<T>(ref T source, int sourceStride, ref T destination, int destinationStride, int rows, int columns)
    {
        int blockRows = 0, blockColumns = 0;
        if (typeof(T) == typeof(float) && Avx.IsSupported)
        {
            blockRows = rows & ~7;
            blockColumns = columns & ~7;
            ref float from = ref Unsafe.As<T, float>(ref source);
            ref float to = ref Unsafe.As<T, float>(ref destination);
            for (int r = 0; r < blockRows; r += 8)
            {
                for (int c = 0; c < blockColumns; c += 8)
                {
                    Transpose8x8(ref Unsafe.Add(ref from, r * sourceStride + c), sourceStride, ref Unsafe.Add(ref to, c * destinationStride + r), destinationStride);
                }
            }
        }
        for (int r = 0; r < rows; r++)
        {
            ref T row = ref Unsafe.Add(ref source, r * sourceStride);
            ref T column = ref Unsafe.Add(ref destination, r);
            for (int c = r < blockRows ? blockColumns : 0; c < columns; c++)
            {
                Unsafe.Add(ref column, c * destinationStride) = Unsafe.Add(ref row, c);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(ref float source, int sourceStride, ref float destination, int destinationStride)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref source);
        Vector256<float> r1 = Vector256.LoadUnsafe(ref source, (nuint)sourceStride);
        Vector256<float> r2 = Vector256.LoadUnsafe(ref source, (nuint)(2 * sourceStride));
        Vector256<float> r3 = Vector256.LoadUnsafe(ref source, (nuint)(3 * sourceStride));
        Vector256<float> r4 = Vector256.LoadUnsafe(ref source, (nuint)(4 * sourceStride));
        Vector256<float> r5 = Vector256.LoadUnsafe(ref source, (nuint)(5 * sourceStride));
        Vector256<float> r6 = Vector256.LoadUnsafe(ref source, (nuint)(6 * sourceStride));
        Vector256<float> r7 = Vector256.LoadUnsafe(ref source, (nuint)(7 * sourceStride));
        // Interleave pairs of rows, then pairs of pairs, then swap 128-bit halves.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref destination);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref destination, (nuint)destinationStride);
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref destination, (nuint)(2 * destinationStride));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref destination, (nuint)(3 * destinationStride));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref destination, (nuint)(4 * destinationStride));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref destination, (nuint)(5 * destinationStride));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref destination, (nuint)(6 * destinationStride));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref destination, (nuint)(7 * destinationStride));
    }

    /// <summary>
    /// Softmax over the units of every lane of a feature-major tile (<paramref name="tile"/>: [units x width], one lane
    /// per sample), in place; vectorized across samples (the exponentials about 2e-7 relative error).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Softmax(Span<float> tile, int units)
    {
        int lanes = Vector<float>.Count;
        int width = tile.Length / units;
        if (width * units != tile.Length || width % lanes != 0)
        {
            throw new ArgumentException("The span is not a feature-major tile of whole vectors.", nameof(tile));
        }
        ref float values = ref MemoryMarshal.GetReference(tile);
        for (int v = 0; v < width; v += lanes)
        {
            Vector<float> max = Vector.LoadUnsafe(ref values, (nuint)v);
            for (int j = 1; j < units; j++)
            {
                max = Vector.Max(max, Vector.LoadUnsafe(ref values, (nuint)(j * width + v)));
            }
            Vector<float> total = Vector<float>.Zero;
            for (int j = 0; j < units; j++)
            {
                nuint at = (nuint)(j * width + v);
                Vector<float> e = Exp(Vector.LoadUnsafe(ref values, at) - max);
                Vector.StoreUnsafe(e, ref values, at);
                total += e;
            }
            Vector<float> scale = Vector<float>.One / total;
            for (int j = 0; j < units; j++)
            {
                nuint at = (nuint)(j * width + v);
                Vector.StoreUnsafe(Vector.LoadUnsafe(ref values, at) * scale, ref values, at);
            }
        }
    }

    /// <summary>
    /// Cross-entropy of softmax(z) against target distributions t for the lanes of a feature-major tile
    /// (<paramref name="z"/>, <paramref name="targets"/>, <paramref name="delta"/>: [units x width], one lane per
    /// sample): writes dloss/dz = softmax(z) * sum(t) - t to <paramref name="delta"/> and returns the sum of the first
    /// <paramref name="count"/> lanes' losses, sum_j t_j (logsumexp(z) - z_j). Lanes whose targets are all 0 get a
    /// delta of 0. Vectorized across samples (the exponentials about 2e-7 relative error); a NaN or infinite z makes
    /// its sample's loss non-finite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> z, ReadOnlySpan<float> targets, int units, int count, Span<float> delta)
    {
        int lanes = Vector<float>.Count;
        int width = z.Length / units;
        if (width * units != z.Length || width % lanes != 0 || count > width || targets.Length != z.Length || delta.Length != z.Length)
        {
            throw new ArgumentException("The spans are not feature-major tiles of whole vectors.", nameof(z));
        }
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float tr = ref MemoryMarshal.GetReference(targets);
        ref float dr = ref MemoryMarshal.GetReference(delta);
        float loss = 0f;
        for (int v = 0; v < width; v += lanes)
        {
            Vector<float> max = Vector.LoadUnsafe(ref zr, (nuint)v);
            for (int j = 1; j < units; j++)
            {
                max = Vector.Max(max, Vector.LoadUnsafe(ref zr, (nuint)(j * width + v)));
            }
            Vector<float> total = Vector<float>.Zero, targetSum = Vector<float>.Zero, targetZ = Vector<float>.Zero;
            for (int j = 0; j < units; j++)
            {
                nuint at = (nuint)(j * width + v);
                Vector<float> zj = Vector.LoadUnsafe(ref zr, at);
                Vector<float> tj = Vector.LoadUnsafe(ref tr, at);
                Vector<float> e = Exp(zj - max);
                Vector.StoreUnsafe(e, ref dr, at);
                total += e;
                targetSum += tj;
                targetZ = MultiplyAdd(tj, zj, targetZ);
            }
            for (int lane = 0; lane < lanes && v + lane < count; lane++)
            {
                // .NET 8 has no vector logarithm; one scalar log per sample.
                float logSumExp = max[lane] + MathF.Log(total[lane]);
                loss += logSumExp * targetSum[lane] - targetZ[lane];
            }
            Vector<float> scale = targetSum / total;
            for (int j = 0; j < units; j++)
            {
                nuint at = (nuint)(j * width + v);
                Vector.StoreUnsafe(Vector.LoadUnsafe(ref dr, at) * scale - Vector.LoadUnsafe(ref tr, at), ref dr, at);
            }
        }
        return loss;
    }

    // ---- activations over spans (vectorized for float) -----------------------------------------------

    /// <summary><c>a[i] = tanh(z[i])</c>; vectorized for float (about 1e-7 absolute error), <paramref name="z"/> and <paramref name="a"/> may be the same span.</summary>
    public static void Tanh(ReadOnlySpan<float> z, Span<float> a)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= z.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Tanh(new Vector<float>(z.Slice(i))).CopyTo(a.Slice(i));
            }
        }
        for (; i < z.Length; i++)
        {
            a[i] = MathF.Tanh(z[i]);
        }
    }

    /// <summary><c>a[i] = tanh(z[i])</c> in double precision (scalar).</summary>
    public static void Tanh(ReadOnlySpan<double> z, Span<double> a)
    {
        for (int i = 0; i < z.Length; i++)
        {
            a[i] = Math.Tanh(z[i]);
        }
    }

    /// <summary><c>a[i] = sigmoid(z[i])</c>; vectorized for float, <paramref name="z"/> and <paramref name="a"/> may be the same span.</summary>
    public static void Sigmoid(ReadOnlySpan<float> z, Span<float> a)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= z.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> x = new(z.Slice(i));
                (Vector<float>.One / (Vector<float>.One + Exp(-x))).CopyTo(a.Slice(i));
            }
        }
        for (; i < z.Length; i++)
        {
            a[i] = Sigmoid(z[i]);
        }
    }

    /// <summary><c>a[i] = sigmoid(z[i])</c> in double precision (scalar).</summary>
    public static void Sigmoid(ReadOnlySpan<double> z, Span<double> a)
    {
        for (int i = 0; i < z.Length; i++)
        {
            a[i] = Sigmoid(z[i]);
        }
    }

    /// <summary>
    /// tanh of every lane: an odd polynomial below |x| = 0.625 (no cancellation near 0), else
    /// sign(x) (1 - 2 / (e^(2|x|) + 1)), which saturates to ±1 without overflow.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Tanh(Vector<float> x)
    {
        Vector<float> ax = Vector.Abs(x);
        Vector<float> x2 = x * x;
        // Cephes tanhf: tanh(x) = x + x^3 P(x^2) for |x| < 0.625.
        Vector<float> p = new Vector<float>(-5.70498872745e-3f);
        p = p * x2 + new Vector<float>(2.06390887954e-2f);
        p = p * x2 + new Vector<float>(-5.37397155531e-2f);
        p = p * x2 + new Vector<float>(1.33314422036e-1f);
        p = p * x2 + new Vector<float>(-3.33332819422e-1f);
        Vector<float> small = x + x * x2 * p;
        Vector<float> e = Exp(ax + ax);
        Vector<float> large = Vector<float>.One - new Vector<float>(2f) / (e + Vector<float>.One);
        large = Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), -large, large);
        return Vector.ConditionalSelect(Vector.LessThan(ax, new Vector<float>(0.625f)), small, large);
    }

    /// <summary>
    /// e^x of every lane (Cephes expf: x = n ln 2 + r, a degree-6 polynomial for e^r, 2^n by the exponent
    /// bits), relative error about 2e-7; inputs are clamped to [-87.3, 88.3], so results stay finite and normal,
    /// and NaN stays NaN. The polynomial and the reduction use fused multiply-adds: e^x is on the critical path
    /// of softmax, tanh and sigmoid.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> x)
    {
        x = Clamp(x, new Vector<float>(-87.3f), new Vector<float>(88.3f));
        Vector<float> n = Vector.Floor(MultiplyAdd(x, new Vector<float>(1.44269504088896341f), new Vector<float>(0.5f)));
        Vector<float> r = MultiplyAdd(n, new Vector<float>(-0.693359375f), x);
        r = MultiplyAdd(n, new Vector<float>(2.12194440e-4f), r);
        Vector<float> p = MultiplyAdd(new Vector<float>(1.9875691500e-4f), r, new Vector<float>(1.3981999507e-3f));
        p = MultiplyAdd(p, r, new Vector<float>(8.3334519073e-3f));
        p = MultiplyAdd(p, r, new Vector<float>(4.1665795894e-2f));
        p = MultiplyAdd(p, r, new Vector<float>(1.6666665459e-1f));
        p = MultiplyAdd(p, r, new Vector<float>(5.0000001201e-1f));
        p = MultiplyAdd(p, r * r, r) + Vector<float>.One;
        Vector<int> exponent = (ToInt32(n) + new Vector<int>(127)) << 23;
        return p * Vector.AsVectorSingle(exponent);
    }

    /// <summary>
    /// min(max(x, low), high) lane by lane, NaN staying NaN: the plain min/max instructions where there are
    /// some (Vector.Min/Max follow IEEE 754-2019 on .NET 9 and later, several instructions each).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Clamp(Vector<float> x, Vector<float> low, Vector<float> high)
    {
        // maxps/minps return their second operand when either is NaN, so x goes second.
        if (Avx.IsSupported && Vector<float>.Count == Vector256<float>.Count)
        {
            return Avx.Min(high.AsVector256(), Avx.Max(low.AsVector256(), x.AsVector256())).AsVector();
        }
        if (Sse.IsSupported && Vector<float>.Count == Vector128<float>.Count)
        {
            return Sse.Min(high.AsVector128(), Sse.Max(low.AsVector128(), x.AsVector128())).AsVector();
        }
        if (Avx512F.IsSupported && Vector<float>.Count == Vector512<float>.Count)
        {
            return Avx512F.Min(high.AsVector512(), Avx512F.Max(low.AsVector512(), x.AsVector512())).AsVector();
        }
        return Vector.ConditionalSelect(Vector.Equals(x, x), Vector.Min(Vector.Max(x, low), high), x);
    }

    /// <summary>Whole numbers in int range to int, lane by lane (one instruction where there is one; Vector.ConvertToInt32 saturates on .NET 9 and later).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<int> ToInt32(Vector<float> x)
    {
        if (Avx.IsSupported && Vector<float>.Count == Vector256<float>.Count)
        {
            return Avx.ConvertToVector256Int32WithTruncation(x.AsVector256()).AsVector();
        }
        if (Sse2.IsSupported && Vector<float>.Count == Vector128<float>.Count)
        {
            return Sse2.ConvertToVector128Int32WithTruncation(x.AsVector128()).AsVector();
        }
        return Vector.ConvertToInt32(x);
    }

    // ---- single-sample dense layers ------------------------------------------------------------------

    /// <summary>
    /// Stores the lane sums of eight row accumulators, <c>destination[r] = Vector.Sum(s_r)</c>: with AVX the
    /// accumulators are transposed and added (horizontal adds and one lane swap) and stored as one vector,
    /// instead of eight separate horizontal sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSums(ref float destination, Vector<float> s0, Vector<float> s1, Vector<float> s2, Vector<float> s3,
        Vector<float> s4, Vector<float> s5, Vector<float> s6, Vector<float> s7)
    {
        if (Avx.IsSupported && Vector<float>.Count == Vector256<float>.Count)
        {
            StoreSums(ref destination, s0.AsVector256(), s1.AsVector256(), s2.AsVector256(), s3.AsVector256(),
                s4.AsVector256(), s5.AsVector256(), s6.AsVector256(), s7.AsVector256());
        }
        else if (Avx512F.IsSupported && Vector<float>.Count == Vector512<float>.Count)
        {
            StoreSums(ref destination, Fold(s0.AsVector512()), Fold(s1.AsVector512()), Fold(s2.AsVector512()), Fold(s3.AsVector512()),
                Fold(s4.AsVector512()), Fold(s5.AsVector512()), Fold(s6.AsVector512()), Fold(s7.AsVector512()));
        }
        else
        {
            destination = Vector.Sum(s0);
            Unsafe.Add(ref destination, 1) = Vector.Sum(s1);
            Unsafe.Add(ref destination, 2) = Vector.Sum(s2);
            Unsafe.Add(ref destination, 3) = Vector.Sum(s3);
            Unsafe.Add(ref destination, 4) = Vector.Sum(s4);
            Unsafe.Add(ref destination, 5) = Vector.Sum(s5);
            Unsafe.Add(ref destination, 6) = Vector.Sum(s6);
            Unsafe.Add(ref destination, 7) = Vector.Sum(s7);
        }

        static Vector256<float> Fold(Vector512<float> s) => s.GetLower() + s.GetUpper();
    }

    /// <summary>
    /// Stores the lane sums of eight row accumulators, <c>destination[r] = Vector.Sum(s_r)</c>, transposed and
    /// added with AVX.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSums(ref double destination, Vector<double> s0, Vector<double> s1, Vector<double> s2, Vector<double> s3,
        Vector<double> s4, Vector<double> s5, Vector<double> s6, Vector<double> s7)
    {
        if (Avx.IsSupported && Vector<double>.Count == Vector256<double>.Count)
        {
            Vector256<double> low = Sums4(s0.AsVector256(), s1.AsVector256(), s2.AsVector256(), s3.AsVector256());
            Vector256<double> high = Sums4(s4.AsVector256(), s5.AsVector256(), s6.AsVector256(), s7.AsVector256());
            low.StoreUnsafe(ref destination);
            high.StoreUnsafe(ref destination, 4);
        }
        else
        {
            destination = Vector.Sum(s0);
            Unsafe.Add(ref destination, 1) = Vector.Sum(s1);
            Unsafe.Add(ref destination, 2) = Vector.Sum(s2);
            Unsafe.Add(ref destination, 3) = Vector.Sum(s3);
            Unsafe.Add(ref destination, 4) = Vector.Sum(s4);
            Unsafe.Add(ref destination, 5) = Vector.Sum(s5);
            Unsafe.Add(ref destination, 6) = Vector.Sum(s6);
            Unsafe.Add(ref destination, 7) = Vector.Sum(s7);
        }

        // [a0+a1, b0+b1, a2+a3, b2+b3] and the same for c, d; the lane swap lines up the halves.
        static Vector256<double> Sums4(Vector256<double> a, Vector256<double> b, Vector256<double> c, Vector256<double> d)
        {
            Vector256<double> ab = Avx.HorizontalAdd(a, b);
            Vector256<double> cd = Avx.HorizontalAdd(c, d);
            return Avx.Permute2x128(ab, cd, 0x20) + Avx.Permute2x128(ab, cd, 0x31);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreSums(ref float destination, Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3,
        Vector256<float> s4, Vector256<float> s5, Vector256<float> s6, Vector256<float> s7)
    {
        // Pairwise sums within each 128-bit half: u = [s0, s1, s2, s3 (low halves) | s0, s1, s2, s3 (high halves)].
        Vector256<float> u = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));
        Vector256<float> v = Avx.HorizontalAdd(Avx.HorizontalAdd(s4, s5), Avx.HorizontalAdd(s6, s7));
        // Low halves of u and v plus their high halves: the eight row sums in order.
        (Avx.Permute2x128(u, v, 0x20) + Avx.Permute2x128(u, v, 0x31)).StoreUnsafe(ref destination);
    }

    /// <summary>x if x &gt; 0, else alpha * x, in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> LeakyRelu(Vector<float> x, float alpha) => Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<float>.Zero), x, x * alpha);

    /// <summary>x if x &gt; 0, else alpha * x, in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> LeakyRelu(Vector<double> x, double alpha) => Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<double>.Zero), x, x * alpha);

    /// <summary>
    /// Softmax in place: vectorized (<see cref="Exp(Vector{float})"/>, relative error about 2e-7) when there is at
    /// least one full vector; a NaN anywhere makes every output NaN, as in PyTorch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Softmax(Span<float> values)
    {
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            SoftmaxVector(ref MemoryMarshal.GetReference(values), values.Length);
        }
        else
        {
            SoftmaxScalar(values);
        }
    }

    /// <summary>0, 1, 2, ... lane by lane, as a JIT-time constant (Vector&lt;T&gt;.Indices is .NET 9).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<int> LaneIndices()
    {
        if (Vector<int>.Count == Vector256<int>.Count)
        {
            return Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7).AsVector();
        }
        if (Vector<int>.Count == Vector128<int>.Count)
        {
            return Vector128.Create(0, 1, 2, 3).AsVector();
        }
        if (Vector<int>.Count == Vector512<int>.Count)
        {
            return Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15).AsVector();
        }
        Span<int> indices = stackalloc int[Vector<int>.Count];
        for (int k = 0; k < indices.Length; k++)
        {
            indices[k] = k;
        }
        return new Vector<int>(indices);
    }

    private static void SoftmaxVector(ref float v, int count)
    {
        int lanes = Vector<float>.Count;
        int last = count - lanes;

        // The maximum: full vectors, then the last vector (which may overlap the others).
        Vector<float> max = Vector.LoadUnsafe(ref v, (nuint)last);
        for (int i = 0; i < last; i += lanes)
        {
            max = MaxNative(max, Vector.LoadUnsafe(ref v, (nuint)i));
        }
        float top = MaxAcross(max);

        // Softmax is shift-invariant. With the maximum in [-16, 60], e^z needs no shift (no overflow, and
        // what Exp's input clamp changes is below 1e-30 of the largest term), so the exponentials do not
        // wait for the maximum: the branch is predicted and they run while it is still being reduced.
        if (top >= -16f && top <= 60f)
        {
            SoftmaxShifted(ref v, count, Vector<float>.Zero);
        }
        else
        {
            SoftmaxShifted(ref v, count, new Vector<float>(top));
        }
    }

    /// <summary>values = e^(values - shift) / sum, for at least one full vector of values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SoftmaxShifted(ref float v, int count, Vector<float> shift)
    {
        int lanes = Vector<float>.Count;
        int last = count - lanes;
        if (count <= 2 * lanes)
        {
            // One or two vectors (the usual output layer): everything stays in registers, so no load waits for
            // a store it overlaps. The second vector may overlap the first; only its lanes past the first count.
            Vector<float> first = ExpShifted(Vector.LoadUnsafe(ref v), shift);
            Vector<float> second = ExpShifted(Vector.LoadUnsafe(ref v, (nuint)last), shift);
            Vector<int> beyond = Vector.GreaterThanOrEqual(LaneIndices(), new Vector<int>(2 * lanes - count));
            Vector<float> sum = first + Vector.ConditionalSelect(beyond.As<int, float>(), second, Vector<float>.Zero);
            var factor = new Vector<float>(1f / Vector.Sum(sum));
            (first * factor).StoreUnsafe(ref v);
            (second * factor).StoreUnsafe(ref v, (nuint)last);
            return;
        }

        // e^(z - shift); the last vector is computed before any store, so its overlapping lanes read z, not e,
        // and only its lanes past the full vectors count in the total.
        Vector<float> tail = ExpShifted(Vector.LoadUnsafe(ref v, (nuint)last), shift);
        int j = 0;
        Vector<float> total = Vector<float>.Zero;
        for (; j <= last; j += lanes)
        {
            Vector<float> e = ExpShifted(Vector.LoadUnsafe(ref v, (nuint)j), shift);
            e.StoreUnsafe(ref v, (nuint)j);
            total += e;
        }
        Vector<int> fresh = Vector.GreaterThanOrEqual(LaneIndices(), new Vector<int>(j - last));
        total += Vector.ConditionalSelect(fresh.As<int, float>(), tail, Vector<float>.Zero);
        tail.StoreUnsafe(ref v, (nuint)last);

        // Normalize: again the last vector first, so overlapping lanes are scaled once.
        var scale = new Vector<float>(1f / Vector.Sum(total));
        tail = Vector.LoadUnsafe(ref v, (nuint)last) * scale;
        for (int i = 0; i < last; i += lanes)
        {
            (Vector.LoadUnsafe(ref v, (nuint)i) * scale).StoreUnsafe(ref v, (nuint)i);
        }
        tail.StoreUnsafe(ref v, (nuint)last);
    }

    /// <summary>e^(x - shift), NaN where x - shift is NaN (Exp clamps its input, which would hide a NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ExpShifted(Vector<float> x, Vector<float> shift)
    {
        Vector<float> d = x - shift;
        return Vector.ConditionalSelect(Vector.Equals(d, d), Exp(d), d);
    }

    /// <summary>Softmax in place, shifted by the maximum (scalar; double precision keeps <see cref="Math.Exp"/>).</summary>
    public static void Softmax(Span<double> values) => SoftmaxScalar(values);

    /// <summary>Softmax in place, shifted by the maximum, one value at a time (float.Max/Exp are MathF's).</summary>
    internal static void SoftmaxScalar<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = values[0];
        for (int j = 1; j < values.Length; j++)
        {
            max = T.Max(max, values[j]);
        }
        T total = T.Zero;
        for (int j = 0; j < values.Length; j++)
        {
            T e = T.Exp(values[j] - max);
            values[j] = e;
            total += e;
        }
        T scale = T.One / total;
        for (int j = 0; j < values.Length; j++)
        {
            values[j] *= scale;
        }
    }

    /// <summary>Lane-by-lane maximum with the plain instruction where there is one (a NaN lane may be dropped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> MaxNative(Vector<float> x, Vector<float> y)
    {
        if (Avx.IsSupported && Vector<float>.Count == Vector256<float>.Count)
        {
            return Avx.Max(x.AsVector256(), y.AsVector256()).AsVector();
        }
        return Vector.Max(x, y);
    }

    /// <summary>The largest lane (NaN lanes may be skipped: a NaN input makes the softmax NaN anyway).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float MaxAcross(Vector<float> x)
    {
        if (Avx.IsSupported && Vector<float>.Count == Vector256<float>.Count)
        {
            Vector128<float> h = Sse.Max(x.AsVector256().GetLower(), x.AsVector256().GetUpper());
            h = Sse.Max(h, Sse.Shuffle(h, h, 0b01_00_11_10));
            return Sse.Max(h, Sse.Shuffle(h, h, 0b10_11_00_01)).ToScalar();
        }
        float max = x[0];
        for (int k = 1; k < Vector<float>.Count; k++)
        {
            max = MathF.Max(max, x[k]);
        }
        return max;
    }

    // ---- error function -----------------------------------------------------------------------------

    /// <summary>
    /// The error function to about 1e-15 relative accuracy (.NET has none): a series with positive terms
    /// for |x| &lt; 3, the continued fraction of erfc beyond.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        double ax = Math.Abs(x);
        double result;
        if (ax < 3.0)
        {
            // erf(x) = 2/sqrt(pi) * e^-x^2 * sum_n (2x^2)^n x / (1*3*...*(2n+1)); every term positive.
            double twoXSquared = 2.0 * ax * ax;
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 200 && term > sum * 1e-17; n++)
            {
                term *= twoXSquared / (2 * n + 1);
                sum += term;
            }
            result = 1.12837916709551257390 * Math.Exp(-ax * ax) * sum;
        }
        else if (ax < 6.0)
        {
            // erfc(x) = e^-x^2 / sqrt(pi) / (x + 1/2 / (x + 1 / (x + 3/2 / (x + ...)))), by modified Lentz.
            const double Tiny = 1e-300;
            double f = ax, c = ax, d = 0.0;
            for (int k = 1; k < 500; k++)
            {
                double an = 0.5 * k;
                d = ax + an * d;
                d = d == 0 ? Tiny : d;
                c = ax + an / c;
                c = c == 0 ? Tiny : c;
                d = 1.0 / d;
                double delta = c * d;
                f *= delta;
                if (Math.Abs(delta - 1.0) < 1e-16)
                {
                    break;
                }
            }
            result = 1.0 - Math.Exp(-ax * ax) / (f * 1.77245385090551602730);
        }
        else
        {
            result = 1.0;
        }

        return x < 0 ? -result : result;
    }
}
