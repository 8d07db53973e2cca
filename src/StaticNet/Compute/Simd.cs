using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Compute;

/// <summary>
/// The element-type-generic spellings of <see cref="Kernels"/>' fused multiply-adds and sums: each test on
/// <c>typeof(T)</c> is a JIT-time constant, so a float or double instantiation compiles to the same instructions
/// as the non-generic overload.
/// </summary>
internal static class Simd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> MultiplyAdd<T>(Vector<T> a, Vector<T> b, Vector<T> c)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Kernels.MultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        }
        if (typeof(T) == typeof(double))
        {
            return Kernels.MultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        }
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Kernels.MultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        }
        if (typeof(T) == typeof(double))
        {
            return Kernels.MultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        }
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MultiplyAdd<T>(T a, T b, T c)
        where T : unmanaged
    {
        // (float)(object)a is a no-op once T is known: the JIT removes the box.
        if (typeof(T) == typeof(float))
        {
            return (T)(object)Kernels.MultiplyAdd((float)(object)a, (float)(object)b, (float)(object)c);
        }
        if (typeof(T) == typeof(double))
        {
            return (T)(object)Kernels.MultiplyAdd((double)(object)a, (double)(object)b, (double)(object)c);
        }
        throw new System.NotSupportedException();
    }

    /// <summary>The two 256-bit halves of <paramref name="x"/> added, as a Vector&lt;T&gt; (only when Vector&lt;T&gt; is 256-bit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Fold<T>(Vector512<T> x)
        where T : unmanaged => (x.GetLower() + x.GetUpper()).AsVector();

    /// <summary><c>destination[r] = Vector.Sum(s_r)</c> for eight accumulators (see <see cref="Kernels.StoreSums(ref float, Vector{float}, Vector{float}, Vector{float}, Vector{float}, Vector{float}, Vector{float}, Vector{float}, Vector{float})"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSums<T>(ref T destination, Vector<T> s0, Vector<T> s1, Vector<T> s2, Vector<T> s3,
        Vector<T> s4, Vector<T> s5, Vector<T> s6, Vector<T> s7)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            Kernels.StoreSums(ref Unsafe.As<T, float>(ref destination), s0.As<T, float>(), s1.As<T, float>(), s2.As<T, float>(), s3.As<T, float>(),
                s4.As<T, float>(), s5.As<T, float>(), s6.As<T, float>(), s7.As<T, float>());
        }
        else if (typeof(T) == typeof(double))
        {
            Kernels.StoreSums(ref Unsafe.As<T, double>(ref destination), s0.As<T, double>(), s1.As<T, double>(), s2.As<T, double>(), s3.As<T, double>(),
                s4.As<T, double>(), s5.As<T, double>(), s6.As<T, double>(), s7.As<T, double>());
        }
        else
        {
            throw new System.NotSupportedException();
        }
    }
}

/// <summary>Scalar arithmetic of float or double in generic code (each branch a JIT-time constant, the boxes removed).</summary>
internal static class Scalar
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add<T>(T a, T b)
        where T : unmanaged =>
        typeof(T) == typeof(float) ? (T)(object)((float)(object)a + (float)(object)b) : (T)(object)((double)(object)a + (double)(object)b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Multiply<T>(T a, T b)
        where T : unmanaged =>
        typeof(T) == typeof(float) ? (T)(object)((float)(object)a * (float)(object)b) : (T)(object)((double)(object)a * (double)(object)b);
}

/// <summary>Helpers over <see cref="IDenseLayer"/> types.</summary>
internal static class Layers
{
    /// <summary>The layer's alpha as T (a JIT-time constant).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Alpha<T, TLayer>()
        where T : unmanaged where TLayer : struct, IDenseLayer
    {
        return typeof(T) == typeof(float) ? (T)(object)(float)TLayer.Alpha : (T)(object)TLayer.Alpha;
    }
}
