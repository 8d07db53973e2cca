using System;
using System.ComponentModel;
using System.IO;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Compute;

/// <summary>Small pieces of the generated classes' public surface, written once.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Networks
{
    /// <summary>Loads a weight file into <paramref name="network"/> (see <see cref="WeightFile.Load{T}(INetwork{T}, string, WeightLoadOptions?)"/>) and returns it.</summary>
    public static TNetwork Load<T, TNetwork>(TNetwork network, string path, WeightLoadOptions? options)
        where T : unmanaged, IFloatingPointIeee754<T> where TNetwork : INetwork<T>
    {
        WeightFile.Load(network, path, options);
        return network;
    }

    /// <summary>Loads safetensors data into <paramref name="network"/> and returns it.</summary>
    public static TNetwork Load<T, TNetwork>(TNetwork network, Stream stream, WeightLoadOptions? options)
        where T : unmanaged, IFloatingPointIeee754<T> where TNetwork : INetwork<T>
    {
        WeightFile.Load(network, stream, options);
        return network;
    }

    /// <summary>The index of the largest value (the first of equal ones; NaN never wins).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ArgMax<T>(ReadOnlySpan<T> values)
        where T : unmanaged, INumber<T>
    {
        int best = 0;
        for (int j = 1; j < values.Length; j++)
        {
            if (values[j] > values[best])
            {
                best = j;
            }
        }
        return best;
    }
}
