using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNet.Compute;

/// <summary>
/// An element-wise activation as a type: generated networks and <see cref="DynamicNetwork{T}"/> pass it as a type
/// argument, so the JIT compiles each kernel with the activation inlined. <c>alpha</c> is the
/// layer's parameter (leaky_relu, elu) and ignored by the others.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IActivation<T> where T : unmanaged
{
    /// <summary>f(x).</summary>
    static abstract T Apply(T x, T alpha);

    /// <summary>f of every lane (lane by lane where the activation has no vector form).</summary>
    static abstract Vector<T> Apply(Vector<T> x, T alpha);

    /// <summary>f'(z) from z and a = f(z).</summary>
    static abstract T Derivative(T z, T a, T alpha);

    /// <summary><c>a[i] = f(z[i])</c>: the vectorized span kernel, a vector loop, or one value at a time; z and a may be the same span.</summary>
    static abstract void Apply(ReadOnlySpan<T> z, Span<T> a, T alpha);
}

/// <summary>The activation kernels that generated networks call over a layer's values, each written once.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Activations
{
    /// <summary><c>a[i] = f(z[i])</c> over <paramref name="length"/> values (z and a may be the same).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply<T, TActivation>(ref T z, ref T a, int length, T alpha)
        where T : unmanaged where TActivation : struct, IActivation<T> =>
        TActivation.Apply(MemoryMarshal.CreateReadOnlySpan(ref z, length), MemoryMarshal.CreateSpan(ref a, length), alpha);

    /// <summary><c>y[j] = f(y[j] + b[j])</c> over <paramref name="length"/> values, in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddBiasAndApply<T, TActivation>(ref T y, ref T bias, int length, T alpha)
        where T : unmanaged where TActivation : struct, IActivation<T> =>
        AddBiasAndApply<T, TActivation>(ref y, ref bias, ref y, length, alpha);

    /// <summary><c>y[j] += b[j]</c> over <paramref name="length"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddBias<T>(ref T y, ref T bias, int length)
        where T : unmanaged
    {
        int j = 0;
        for (; j <= length - Vector<T>.Count; j += Vector<T>.Count)
        {
            Vector.StoreUnsafe(Vector.LoadUnsafe(ref y, (nuint)j) + Vector.LoadUnsafe(ref bias, (nuint)j), ref y, (nuint)j);
        }
        for (; j < length; j++)
        {
            Unsafe.Add(ref y, j) = Scalar.Add(Unsafe.Add(ref y, j), Unsafe.Add(ref bias, j));
        }
    }

    /// <summary>
    /// <c>z[j] += b[j]</c> and <c>a[j] = f(z[j])</c> over <paramref name="length"/> values (a may be z): in one pass
    /// for the piecewise-linear activations, whose span kernel is their vector form (so the result is the same);
    /// the bias pass and the activation's span kernel for the others.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddBiasAndApply<T, TActivation>(ref T z, ref T bias, ref T a, int length, T alpha)
        where T : unmanaged where TActivation : struct, IActivation<T>
    {
        if (typeof(TActivation) == typeof(Relu) || typeof(TActivation) == typeof(LeakyRelu))
        {
            int j = 0;
            for (; j <= length - Vector<T>.Count; j += Vector<T>.Count)
            {
                Vector<T> sum = Vector.LoadUnsafe(ref z, (nuint)j) + Vector.LoadUnsafe(ref bias, (nuint)j);
                Vector.StoreUnsafe(sum, ref z, (nuint)j);
                Vector.StoreUnsafe(TActivation.Apply(sum, alpha), ref a, (nuint)j);
            }
            for (; j < length; j++)
            {
                T sum = Scalar.Add(Unsafe.Add(ref z, j), Unsafe.Add(ref bias, j));
                Unsafe.Add(ref z, j) = sum;
                Unsafe.Add(ref a, j) = TActivation.Apply(sum, alpha);
            }
            return;
        }
        AddBias(ref z, ref bias, length);
        if (typeof(TActivation) != typeof(Identity))
        {
            Apply<T, TActivation>(ref z, ref a, length, alpha);
        }
    }

    /// <summary><c>delta[i] *= f'(z[i], a[i])</c> over <paramref name="length"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyByDerivative<T, TActivation>(ref T delta, ref T z, ref T a, int length, T alpha)
        where T : unmanaged where TActivation : struct, IActivation<T>
    {
        int start = 0;
        if (typeof(TActivation) == typeof(Relu) || typeof(TActivation) == typeof(LeakyRelu))
        {
            // f'(z) is 1 above 0 and alpha (0 for relu) elsewhere: a vector at a time, the same products.
            Vector<T> below = typeof(TActivation) == typeof(Relu) ? Vector<T>.Zero : new Vector<T>(alpha);
            for (; start <= length - Vector<T>.Count; start += Vector<T>.Count)
            {
                Vector<T> slope = Vector.ConditionalSelect(Vector.GreaterThan(Vector.LoadUnsafe(ref z, (nuint)start), Vector<T>.Zero), Vector<T>.One, below);
                Vector.StoreUnsafe(Vector.LoadUnsafe(ref delta, (nuint)start) * slope, ref delta, (nuint)start);
            }
        }
        for (int i = start; i < length; i++)
        {
            ref T d = ref Unsafe.Add(ref delta, i);
            d = Scalar.Multiply(d, TActivation.Derivative(Unsafe.Add(ref z, i), Unsafe.Add(ref a, i), alpha));
        }
    }

    /// <summary>The vector form a vector at a time, the rest one value at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void VectorLoop<T, TActivation>(ReadOnlySpan<T> z, Span<T> a, T alpha)
        where T : unmanaged where TActivation : struct, IActivation<T>
    {
        ref T from = ref MemoryMarshal.GetReference(z);
        ref T to = ref MemoryMarshal.GetReference(a);
        int i = 0;
        for (; i <= z.Length - Vector<T>.Count; i += Vector<T>.Count)
        {
            Vector.StoreUnsafe(TActivation.Apply(Vector.LoadUnsafe(ref from, (nuint)i), alpha), ref to, (nuint)i);
        }
        ScalarLoop<T, TActivation>(ref from, ref to, i, z.Length, alpha);
    }

    /// <summary>One value at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ScalarLoop<T, TActivation>(ReadOnlySpan<T> z, Span<T> a, T alpha)
        where T : unmanaged where TActivation : struct, IActivation<T> =>
        ScalarLoop<T, TActivation>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(a), 0, z.Length, alpha);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScalarLoop<T, TActivation>(ref T z, ref T a, int start, int end, T alpha)
        where T : unmanaged where TActivation : struct, IActivation<T>
    {
        for (int i = start; i < end; i++)
        {
            Unsafe.Add(ref a, i) = TActivation.Apply(Unsafe.Add(ref z, i), alpha);
        }
    }

    /// <summary>f of every lane, one lane at a time.</summary>
    internal static Vector<T> PerLane<T, TActivation>(Vector<T> x, T alpha)
        where T : unmanaged where TActivation : struct, IActivation<T>
    {
        Span<T> lanes = stackalloc T[Vector<T>.Count];
        x.CopyTo(lanes);
        for (int i = 0; i < lanes.Length; i++)
        {
            lanes[i] = TActivation.Apply(lanes[i], alpha);
        }
        return new Vector<T>(lanes);
    }
}

/// <summary>f(z) = z.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Identity : IActivation<float>, IActivation<double>
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float x, float alpha) => x;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Apply(Vector<float> x, float alpha) => x;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a, float alpha) => 1f;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<float> z, Span<float> a, float alpha) => z.CopyTo(a);
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Apply(double x, double alpha) => x;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Apply(Vector<double> x, double alpha) => x;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Derivative(double z, double a, double alpha) => 1d;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<double> z, Span<double> a, double alpha) => z.CopyTo(a);
}

/// <summary>f(z) = 1 / (1 + e^-z); f' = a (1 - a).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Sigmoid : IActivation<float>, IActivation<double>
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float x, float alpha) => Kernels.Sigmoid(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Apply(Vector<float> x, float alpha) => Activations.PerLane<float, Sigmoid>(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a, float alpha) => Kernels.SigmoidDerivative(a);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<float> z, Span<float> a, float alpha) => Kernels.Sigmoid(z, a);
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Apply(double x, double alpha) => Kernels.Sigmoid(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Apply(Vector<double> x, double alpha) => Activations.PerLane<double, Sigmoid>(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Derivative(double z, double a, double alpha) => Kernels.SigmoidDerivative(a);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<double> z, Span<double> a, double alpha) => Kernels.Sigmoid(z, a);
}

/// <summary>f(z) = tanh z; f' = 1 - a^2.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Tanh : IActivation<float>, IActivation<double>
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float x, float alpha) => Kernels.Tanh(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Apply(Vector<float> x, float alpha) => Activations.PerLane<float, Tanh>(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a, float alpha) => Kernels.TanhDerivative(a);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<float> z, Span<float> a, float alpha) => Kernels.Tanh(z, a);
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Apply(double x, double alpha) => Kernels.Tanh(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Apply(Vector<double> x, double alpha) => Activations.PerLane<double, Tanh>(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Derivative(double z, double a, double alpha) => Kernels.TanhDerivative(a);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<double> z, Span<double> a, double alpha) => Kernels.Tanh(z, a);
}

/// <summary>f(z) = max(0, z), NaN propagated; f' = 1 for z &gt; 0, else 0 (PyTorch's choice at 0).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Relu : IActivation<float>, IActivation<double>
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float x, float alpha) => Kernels.Relu(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Apply(Vector<float> x, float alpha) => Kernels.Relu(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a, float alpha) => Kernels.ReluDerivative(z);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<float> z, Span<float> a, float alpha) => Activations.VectorLoop<float, Relu>(z, a, alpha);
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Apply(double x, double alpha) => Kernels.Relu(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Apply(Vector<double> x, double alpha) => Kernels.Relu(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Derivative(double z, double a, double alpha) => Kernels.ReluDerivative(z);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<double> z, Span<double> a, double alpha) => Activations.VectorLoop<double, Relu>(z, a, alpha);
}

/// <summary>f(z) = z for z &gt; 0, else alpha z.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct LeakyRelu : IActivation<float>, IActivation<double>
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float x, float alpha) => Kernels.LeakyRelu(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Apply(Vector<float> x, float alpha) => Kernels.LeakyRelu(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a, float alpha) => Kernels.LeakyReluDerivative(z, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<float> z, Span<float> a, float alpha) => Activations.VectorLoop<float, LeakyRelu>(z, a, alpha);
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Apply(double x, double alpha) => Kernels.LeakyRelu(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Apply(Vector<double> x, double alpha) => Kernels.LeakyRelu(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Derivative(double z, double a, double alpha) => Kernels.LeakyReluDerivative(z, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<double> z, Span<double> a, double alpha) => Activations.VectorLoop<double, LeakyRelu>(z, a, alpha);
}

/// <summary>f(z) = z for z &gt; 0, else alpha (e^z - 1); f' = a + alpha below 0.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Elu : IActivation<float>, IActivation<double>
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float x, float alpha) => Kernels.Elu(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Apply(Vector<float> x, float alpha) => Activations.PerLane<float, Elu>(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a, float alpha) => Kernels.EluDerivative(z, a, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<float> z, Span<float> a, float alpha) => Activations.ScalarLoop<float, Elu>(z, a, alpha);
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Apply(double x, double alpha) => Kernels.Elu(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Apply(Vector<double> x, double alpha) => Activations.PerLane<double, Elu>(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Derivative(double z, double a, double alpha) => Kernels.EluDerivative(z, a, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<double> z, Span<double> a, double alpha) => Activations.ScalarLoop<double, Elu>(z, a, alpha);
}

/// <summary>f(z) = z Phi(z) with the exact error function (PyTorch's default GELU).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Gelu : IActivation<float>, IActivation<double>
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float x, float alpha) => Kernels.Gelu(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Apply(Vector<float> x, float alpha) => Activations.PerLane<float, Gelu>(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a, float alpha) => Kernels.GeluDerivative(z);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<float> z, Span<float> a, float alpha) => Activations.ScalarLoop<float, Gelu>(z, a, alpha);
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Apply(double x, double alpha) => Kernels.Gelu(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Apply(Vector<double> x, double alpha) => Activations.PerLane<double, Gelu>(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Derivative(double z, double a, double alpha) => Kernels.GeluDerivative(z);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<double> z, Span<double> a, double alpha) => Activations.ScalarLoop<double, Gelu>(z, a, alpha);
}

/// <summary>f(z) = z sigmoid(z).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Silu : IActivation<float>, IActivation<double>
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float x, float alpha) => Kernels.Silu(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Apply(Vector<float> x, float alpha) => Activations.PerLane<float, Silu>(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a, float alpha) => Kernels.SiluDerivative(z);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<float> z, Span<float> a, float alpha) => Activations.ScalarLoop<float, Silu>(z, a, alpha);
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Apply(double x, double alpha) => Kernels.Silu(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Apply(Vector<double> x, double alpha) => Activations.PerLane<double, Silu>(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Derivative(double z, double a, double alpha) => Kernels.SiluDerivative(z);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<double> z, Span<double> a, double alpha) => Activations.ScalarLoop<double, Silu>(z, a, alpha);
}

/// <summary>f(z) = log(1 + e^z), linear above 20 like PyTorch.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Softplus : IActivation<float>, IActivation<double>
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float x, float alpha) => Kernels.Softplus(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Apply(Vector<float> x, float alpha) => Activations.PerLane<float, Softplus>(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a, float alpha) => Kernels.SoftplusDerivative(z);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<float> z, Span<float> a, float alpha) => Activations.ScalarLoop<float, Softplus>(z, a, alpha);
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Apply(double x, double alpha) => Kernels.Softplus(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Apply(Vector<double> x, double alpha) => Activations.PerLane<double, Softplus>(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Derivative(double z, double a, double alpha) => Kernels.SoftplusDerivative(z);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<double> z, Span<double> a, double alpha) => Activations.ScalarLoop<double, Softplus>(z, a, alpha);
}

/// <summary>Heaviside: 1 for z &gt; 0, else 0; no useful gradient (f' = 0).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Step : IActivation<float>, IActivation<double>
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float x, float alpha) => Kernels.Step(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Apply(Vector<float> x, float alpha) => Activations.PerLane<float, Step>(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a, float alpha) => 0f;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<float> z, Span<float> a, float alpha) => Activations.ScalarLoop<float, Step>(z, a, alpha);
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Apply(double x, double alpha) => Kernels.Step(x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Apply(Vector<double> x, double alpha) => Activations.PerLane<double, Step>(x, alpha);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Derivative(double z, double a, double alpha) => 0d;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<double> z, Span<double> a, double alpha) => Activations.ScalarLoop<double, Step>(z, a, alpha);
}
