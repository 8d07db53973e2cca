using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Optimizers;

/// <summary>
/// How an optimizer's update loop reads the gradient, one element or one vector at a time: as it is, divided by
/// a divisor, and optionally zeroing it behind. The loops are generic over a struct reader, so the JIT compiles
/// one specialized loop per reader and the variants cost no branch per element.
/// </summary>
internal interface IGradientReader<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    Vector<T> Read(ref Vector<T> gradient);

    T Read(ref T gradient);
}

/// <summary>The gradient as it is.</summary>
internal readonly struct AsIs<T> : IGradientReader<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Read(ref Vector<T> gradient) => gradient;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Read(ref T gradient) => gradient;
}

/// <summary><c>g / divisor</c>, a true division (correctly rounded in <c>T</c>).</summary>
internal readonly struct Divided<T> : IGradientReader<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector<T> _vector;
    private readonly T _scalar;

    public Divided(T divisor)
    {
        _vector = new Vector<T>(divisor);
        _scalar = divisor;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Read(ref Vector<T> gradient) => gradient / _vector;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Read(ref T gradient) => gradient / _scalar;
}

/// <summary>
/// <c>g * factor</c>, used in place of <see cref="Divided{T}"/> only when <c>factor</c> is the exact reciprocal
/// of a power-of-two divisor: both then round the same real number, so the results are the same bits.
/// </summary>
internal readonly struct Multiplied<T> : IGradientReader<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector<T> _vector;
    private readonly T _scalar;

    public Multiplied(T factor)
    {
        _vector = new Vector<T>(factor);
        _scalar = factor;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Read(ref Vector<T> gradient) => gradient * _vector;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Read(ref T gradient) => gradient * _scalar;
}

/// <summary>Reads through <typeparamref name="TReader"/>, then sets the gradient element (or vector) to zero.</summary>
internal readonly struct Cleared<T, TReader> : IGradientReader<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TReader : struct, IGradientReader<T>
{
    private readonly TReader _reader;

    public Cleared(TReader reader) => _reader = reader;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Read(ref Vector<T> gradient)
    {
        Vector<T> value = _reader.Read(ref gradient);
        gradient = Vector<T>.Zero;
        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Read(ref T gradient)
    {
        T value = _reader.Read(ref gradient);
        gradient = T.Zero;
        return value;
    }
}

/// <summary>Which reader a divisor needs.</summary>
internal enum GradientScaling
{
    /// <summary>The divisor is 1: <c>g / 1</c> is <c>g</c>.</summary>
    None,

    /// <summary>The divisor is a power of two whose reciprocal is representable: multiply by it.</summary>
    Multiply,

    /// <summary>Any other divisor: divide.</summary>
    Divide,
}

internal static class GradientReaders
{
    /// <summary>
    /// Classifies <paramref name="divisor"/>; for <see cref="GradientScaling.Multiply"/>, <paramref name="factor"/>
    /// is its exact reciprocal. <c>g / 2^k</c> and <c>g * 2^-k</c> are the correctly rounded values of the same real
    /// number (subnormal results included, as long as <c>2^-k</c> itself is representable), hence equal.
    /// </summary>
    public static GradientScaling Classify<T>(T divisor, out T factor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        factor = T.One;
        if (divisor == T.One)
        {
            return GradientScaling.None;
        }
        if (T.IsFinite(divisor) && divisor > T.Zero)
        {
            int exponent = T.ILogB(divisor);
            if (T.ScaleB(T.One, exponent) == divisor)
            {
                T reciprocal = T.ScaleB(T.One, -exponent);
                if (reciprocal != T.Zero && T.ILogB(reciprocal) == -exponent)
                {
                    factor = reciprocal;
                    return GradientScaling.Multiply;
                }
            }
        }
        return GradientScaling.Divide;
    }

    /// <summary>Throws unless the spans of a step have the same length, with the message of the plain step.</summary>
    public static void CheckLengths(int parametersLength, int gradientLength)
    {
        if (gradientLength != parametersLength)
        {
            throw new ArgumentException(
                $"Expected a gradient as long as the parameters ({parametersLength}), but gradient has length {gradientLength}.", "gradient");
        }
    }
}
