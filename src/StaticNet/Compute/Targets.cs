using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Compute;

/// <summary>Targets of class labels for generated networks: one-hot rows, or 0/1 for a single output.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Targets
{
    /// <summary>
    /// Writes the target of class <paramref name="label"/> to <paramref name="target"/> (one row of the network's
    /// outputs): one-hot, or the label itself (0 or 1) for a single output; a label out of range throws.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OneHot<T>(int label, Span<T> target, string parameterName)
        where T : unmanaged, INumber<T>
    {
        int classes = target.Length == 1 ? 2 : target.Length;
        if ((uint)label >= (uint)classes)
        {
            ThrowHelper.LabelOutOfRange(parameterName, label, classes);
        }
        if (target.Length == 1)
        {
            target[0] = T.CreateTruncating(label);
        }
        else
        {
            target.Clear();
            target[label] = T.One;
        }
    }

    /// <summary>
    /// The targets of <paramref name="labels"/> as rows of <paramref name="outputs"/> values in <paramref name="targets"/>
    /// (see <see cref="OneHot{T}(int, Span{T}, string)"/>); a label out of range throws naming "labels".
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OneHot<T>(ReadOnlySpan<int> labels, Span<T> targets, int outputs)
        where T : unmanaged, INumber<T>
    {
        for (int s = 0; s < labels.Length; s++)
        {
            OneHot(labels[s], targets.Slice(s * outputs, outputs), "labels");
        }
    }
}
