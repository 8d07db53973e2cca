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
    [ThreadStatic]
    private static T[]? t_primary;

    [ThreadStatic]
    private static T[]? t_secondary;

    /// <summary>
    /// A span of exactly <paramref name="length"/> elements owned by the calling thread (contents undefined).
    /// Slot 0 holds a pass's activations; slot 1 a caller's temporary (a one-hot target, an output row), so
    /// one generated method can use both at once.
    /// </summary>
    public static Span<T> Get(int length, int slot = 0)
    {
        ref T[]? buffer = ref slot == 0 ? ref t_primary : ref t_secondary;
        if (buffer is null || buffer.Length < length)
        {
            buffer = new T[length];
        }
        return buffer.AsSpan(0, length);
    }
}
