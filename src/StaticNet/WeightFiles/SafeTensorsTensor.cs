using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Numerics;
using System.Text;

namespace StaticNet;

/// <summary>
/// One tensor of a safetensors file: a name, an element type, a shape and its raw little-endian,
/// row-major bytes. Immutable.
/// </summary>
public sealed class SafeTensorsTensor
{
    private readonly long[] _shape;
    private readonly byte[] _data;

    /// <summary>Creates a tensor from raw little-endian bytes, which are copied.</summary>
    /// <param name="name">Tensor name, for example <c>0.weight</c>.</param>
    /// <param name="dtype">Element type.</param>
    /// <param name="shape">Dimensions, outermost first; empty for a scalar.</param>
    /// <param name="data">Exactly <c>product(shape) * dtype.ElementSize()</c> bytes.</param>
    /// <exception cref="ArgumentException">A negative dimension, or <paramref name="data"/> has the wrong length.</exception>
    public SafeTensorsTensor(string name, SafeTensorsDType dtype, ReadOnlySpan<long> shape, ReadOnlySpan<byte> data)
        : this(name, dtype, shape.ToArray(), data.ToArray(), validate: true)
    {
    }

    internal SafeTensorsTensor(string name, SafeTensorsDType dtype, long[] shape, byte[] data, bool validate)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (validate)
        {
            int elementSize = dtype.ElementSize(); // throws for an undefined enum value
            foreach (long dimension in shape)
            {
                if (dimension < 0)
                {
                    throw new ArgumentException($"Tensor '{name}': shape {FormatShape(shape)} has a negative dimension.", nameof(shape));
                }
            }
            if (!TryGetElementCount(shape, elementSize, out long count) || count * elementSize != data.LongLength)
            {
                throw new ArgumentException(
                    $"Tensor '{name}': shape {FormatShape(shape)} of {dtype.ToHeaderName()} needs {FormatByteCount(shape, elementSize)}, but the data has {data.Length} bytes.",
                    nameof(data));
            }
        }
        Name = name;
        DType = dtype;
        _shape = shape;
        _data = data;
        Shape = new ReadOnlyCollection<long>(_shape);
        ElementCount = data.LongLength / dtype.ElementSize();
    }

    /// <summary>Tensor name.</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>Dimensions, outermost first (row-major); empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Number of elements (the product of <see cref="Shape"/>).</summary>
    public long ElementCount { get; }

    /// <summary>The raw little-endian bytes.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>Whether the shape equals <paramref name="shape"/>.</summary>
    public bool HasShape(ReadOnlySpan<long> shape) => shape.SequenceEqual(_shape);

    /// <summary>The shape as text, like <c>[8, 4]</c>.</summary>
    public string ShapeText => FormatShape(_shape);

    /// <summary>
    /// Encodes <paramref name="values"/> as a tensor of <paramref name="dtype"/> (F16, BF16, F32 or F64),
    /// rounding to nearest, ties to even, where the type is narrower.
    /// </summary>
    /// <exception cref="ArgumentException">The shape does not hold <c>values.Length</c> elements, or the dtype is not one of the four.</exception>
    public static SafeTensorsTensor Create<T>(string name, ReadOnlySpan<T> values, ReadOnlySpan<long> shape, SafeTensorsDType dtype)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!dtype.IsLoadableFloat())
        {
            throw new ArgumentException($"Tensor '{name}': cannot encode floating-point values as {dtype}; use F16, BF16, F32 or F64.", nameof(dtype));
        }
        long[] dims = shape.ToArray();
        int elementSize = dtype.ElementSize();
        foreach (long dimension in dims)
        {
            if (dimension < 0)
            {
                throw new ArgumentException($"Tensor '{name}': shape {FormatShape(dims)} has a negative dimension.", nameof(shape));
            }
        }
        if (!TryGetElementCount(dims, elementSize, out long count) || count != values.Length)
        {
            throw new ArgumentException(
                $"Tensor '{name}': shape {FormatShape(dims)} does not hold {values.Length} values.", nameof(shape));
        }
        if ((long)values.Length * elementSize > Array.MaxLength)
        {
            throw new ArgumentException(
                $"Tensor '{name}': {values.Length} values of {dtype.ToHeaderName()} need {(long)values.Length * elementSize} bytes, more than an array holds.", nameof(values));
        }
        byte[] data = new byte[values.Length * elementSize];
        TensorConversion.Encode(values, dtype, data);
        return new SafeTensorsTensor(name, dtype, dims, data, validate: false);
    }

    /// <summary>Decodes the tensor into <paramref name="destination"/>, converting F16, BF16, F32 or F64 to <typeparamref name="T"/>.</summary>
    /// <exception cref="NotSupportedException">The dtype is not one of those four.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> does not have <see cref="ElementCount"/> elements.</exception>
    public void CopyTo<T>(Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!DType.IsLoadableFloat())
        {
            throw new NotSupportedException($"Tensor '{Name}' has dtype {DType.ToHeaderName()}; only F16, BF16, F32 and F64 convert to floating point.");
        }
        if (destination.Length != ElementCount)
        {
            throw new ArgumentException(
                $"Tensor '{Name}' has {ElementCount} elements, but the destination has length {destination.Length}.", nameof(destination));
        }
        TensorConversion.Decode(DType, _data, destination);
    }

    /// <summary>Decodes the tensor into a new array; see <see cref="CopyTo{T}(Span{T})"/>.</summary>
    public T[] ToArray<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[ElementCount];
        CopyTo<T>(values);
        return values;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {DType.ToHeaderName()} {ShapeText}";

    /// <summary>
    /// Product of the dimensions, false if <c>product * elementSize</c> does not fit a <see cref="long"/>.
    /// A zero dimension makes the product zero whatever the others are.
    /// </summary>
    internal static bool TryGetElementCount(ReadOnlySpan<long> shape, int elementSize, out long count)
    {
        count = 1;
        foreach (long dimension in shape)
        {
            if (dimension == 0)
            {
                count = 0;
                return true;
            }
        }
        long limit = long.MaxValue / elementSize;
        foreach (long dimension in shape)
        {
            if (dimension < 0 || count > limit / dimension)
            {
                count = -1;
                return false;
            }
            count *= dimension;
        }
        return true;
    }

    internal static string FormatShape(ReadOnlySpan<long> shape)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }
            if (i == 16 && shape.Length > 17)
            {
                text.Append("... (").Append(shape.Length).Append(" dimensions)");
                break;
            }
            text.Append(shape[i]);
        }
        return text.Append(']').ToString();
    }

    internal static string FormatByteCount(ReadOnlySpan<long> shape, int elementSize) =>
        TryGetElementCount(shape, elementSize, out long count)
            ? $"{count} x {elementSize} = {count * elementSize} bytes"
            : "more bytes than a file can hold";
}
