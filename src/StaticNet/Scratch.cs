using System;
using System.ComponentModel;

namespace StaticNet;

/// <summary>
/// Per-thread scratch memory for generated networks whose intermediate buffers are too large for the stack.
/// The array is allocated once per thread (warm-up) and reused, so steady-state calls do not allocate and
/// concurrent calls on different threads never share it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Scratch<T> where T : unmanaged
{
    private const int Slots = 3;

    [ThreadStatic]
    private static T[]?[]? t_buffers;

    /// <summary>
    /// A span of exactly <paramref name="length"/> elements owned by the calling thread (contents undefined).
    /// Slot 0 holds a pass's activations, slot 1 a caller's temporary (a one-hot target, an output row), slot 2
    /// the normalized input, so one generated method can use all three at once.
    /// </summary>
    public static Span<T> Get(int length, int slot = 0)
    {
        T[]?[] buffers = t_buffers ??= new T[Slots][];
        T[]? buffer = buffers[slot];
        if (buffer is null || buffer.Length < length)
        {
            buffer = new T[length];
            buffers[slot] = buffer;
        }
        return buffer.AsSpan(0, length);
    }
}
