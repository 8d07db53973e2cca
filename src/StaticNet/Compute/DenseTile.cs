using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNet.Compute;

/// <summary>
/// The batch kernels of a dense layer, written once and specialised by the JIT for each layer's sizes (the
/// <see cref="ISize"/> type arguments). A tile holds <c>4 * Vector&lt;T&gt;.Count</c> samples feature-major: one
/// row per unit, one lane per sample. The products are register-blocked: four weight rows (or columns) times
/// four vectors of samples accumulate in registers while the loop walks the shared dimension, broadcasting
/// one weight per row, so every loaded weight is used for a vector of samples.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DenseTile
{
    /// <summary>Vectors of samples per tile.</summary>
    public const int TileVectors = 4;

    /// <summary>
    /// <c>z^T[j, :] = W[j, :] in^T + b[j]</c> for a feature-major tile (<paramref name="input"/> [Inputs x width],
    /// <paramref name="z"/> [Units x width], the layer's weight and bias in <paramref name="parameters"/>), then
    /// <c>a = f(z)</c> over the tile (a may be z; nothing for <see cref="Identity"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Forward<T, TLayer, TActivation>(ref T parameters, ref T input, ref T z, ref T a)
        where T : unmanaged where TLayer : struct, IDenseLayer where TActivation : struct, IActivation<T>
    {
        ref T weights = ref Unsafe.Add(ref parameters, TLayer.Weights);
        ref T bias = ref Unsafe.Add(ref parameters, TLayer.Bias < 0 ? 0 : TLayer.Bias);
        bool hasBias = TLayer.Bias >= 0;
        int j = 0;
        for (; j <= TLayer.Units - 4; j += 4)
        {
            ForwardBlock<T, TLayer, Size4>(ref weights, ref bias, hasBias, ref input, ref z, j);
        }
        if (TLayer.Units % 4 != 0)
        {
            ForwardRemainder<T, TLayer>(ref weights, ref bias, hasBias, ref input, ref z, j);
        }
        if (typeof(TActivation) != typeof(Identity))
        {
            Activations.Apply<T, TActivation>(ref z, ref a, TLayer.Units * TileVectors * Vector<T>.Count, Layers.Alpha<T, TLayer>());
        }
    }

    /// <summary>Rows <c>j .. j + TRows</c> of <see cref="Forward"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardBlock<T, TLayer, TRows>(ref T weights, ref T bias, bool hasBias, ref T input, ref T output, int j)
        where T : unmanaged where TLayer : struct, IDenseLayer where TRows : struct, ISize
    {
        int fanIn = TLayer.Inputs;
        int lanes = Vector<T>.Count;
        int width = TileVectors * lanes;
        ref T w = ref Unsafe.Add(ref weights, j * fanIn);
        Vector<T> acc00 = Vector<T>.Zero, acc10 = Vector<T>.Zero, acc20 = Vector<T>.Zero, acc30 = Vector<T>.Zero;
        if (hasBias)
        {
            acc00 = new Vector<T>(Unsafe.Add(ref bias, j));
            if (TRows.Value > 1)
            {
                acc10 = new Vector<T>(Unsafe.Add(ref bias, j + 1));
            }
            if (TRows.Value > 2)
            {
                acc20 = new Vector<T>(Unsafe.Add(ref bias, j + 2));
            }
            if (TRows.Value > 3)
            {
                acc30 = new Vector<T>(Unsafe.Add(ref bias, j + 3));
            }
        }
        Vector<T> acc01 = acc00, acc02 = acc00, acc03 = acc00;
        Vector<T> acc11 = acc10, acc12 = acc10, acc13 = acc10;
        Vector<T> acc21 = acc20, acc22 = acc20, acc23 = acc20;
        Vector<T> acc31 = acc30, acc32 = acc30, acc33 = acc30;
        for (int i = 0; i < fanIn; i++)
        {
            ref T column = ref Unsafe.Add(ref input, i * width);
            Vector<T> x0 = Vector.LoadUnsafe(ref column), x1 = Vector.LoadUnsafe(ref column, (nuint)lanes);
            Vector<T> x2 = Vector.LoadUnsafe(ref column, (nuint)(2 * lanes)), x3 = Vector.LoadUnsafe(ref column, (nuint)(3 * lanes));
            Vector<T> weight = new(Unsafe.Add(ref w, i));
            acc00 = Simd.MultiplyAdd(weight, x0, acc00);
            acc01 = Simd.MultiplyAdd(weight, x1, acc01);
            acc02 = Simd.MultiplyAdd(weight, x2, acc02);
            acc03 = Simd.MultiplyAdd(weight, x3, acc03);
            if (TRows.Value > 1)
            {
                weight = new(Unsafe.Add(ref w, fanIn + i));
                acc10 = Simd.MultiplyAdd(weight, x0, acc10);
                acc11 = Simd.MultiplyAdd(weight, x1, acc11);
                acc12 = Simd.MultiplyAdd(weight, x2, acc12);
                acc13 = Simd.MultiplyAdd(weight, x3, acc13);
            }
            if (TRows.Value > 2)
            {
                weight = new(Unsafe.Add(ref w, 2 * fanIn + i));
                acc20 = Simd.MultiplyAdd(weight, x0, acc20);
                acc21 = Simd.MultiplyAdd(weight, x1, acc21);
                acc22 = Simd.MultiplyAdd(weight, x2, acc22);
                acc23 = Simd.MultiplyAdd(weight, x3, acc23);
            }
            if (TRows.Value > 3)
            {
                weight = new(Unsafe.Add(ref w, 3 * fanIn + i));
                acc30 = Simd.MultiplyAdd(weight, x0, acc30);
                acc31 = Simd.MultiplyAdd(weight, x1, acc31);
                acc32 = Simd.MultiplyAdd(weight, x2, acc32);
                acc33 = Simd.MultiplyAdd(weight, x3, acc33);
            }
        }
        StoreBlock<T, TRows>(ref Unsafe.Add(ref output, j * width), width, lanes,
            acc00, acc01, acc02, acc03, acc10, acc11, acc12, acc13, acc20, acc21, acc22, acc23, acc30, acc31, acc32, acc33);
    }

    /// <summary>
    /// The delta of the layer below, before its activation's derivative: <c>deltaBelow^T[i, :] = sum_j W[j, i] delta^T[j, :]</c>,
    /// with <paramref name="delta"/> [Units x width] and <paramref name="deltaBelow"/> [Inputs x width].
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void DeltaBelow<T, TLayer>(ref T parameters, ref T delta, ref T deltaBelow)
        where T : unmanaged where TLayer : struct, IDenseLayer
    {
        ref T weights = ref Unsafe.Add(ref parameters, TLayer.Weights);
        int i = 0;
        for (; i <= TLayer.Inputs - 4; i += 4)
        {
            DeltaBelowBlock<T, TLayer, Size4>(ref weights, ref delta, ref deltaBelow, i);
        }
        if (TLayer.Inputs % 4 != 0)
        {
            DeltaBelowRemainder<T, TLayer>(ref weights, ref delta, ref deltaBelow, i);
        }
    }

    /// <summary>Columns <c>i .. i + TColumns</c> of <see cref="DeltaBelow"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DeltaBelowBlock<T, TLayer, TColumns>(ref T weights, ref T delta, ref T deltaBelow, int i)
        where T : unmanaged where TLayer : struct, IDenseLayer where TColumns : struct, ISize
    {
        int fanIn = TLayer.Inputs;
        int lanes = Vector<T>.Count;
        int width = TileVectors * lanes;
        ref T w = ref Unsafe.Add(ref weights, i);
        Vector<T> acc00 = Vector<T>.Zero, acc01 = Vector<T>.Zero, acc02 = Vector<T>.Zero, acc03 = Vector<T>.Zero;
        Vector<T> acc10 = Vector<T>.Zero, acc11 = Vector<T>.Zero, acc12 = Vector<T>.Zero, acc13 = Vector<T>.Zero;
        Vector<T> acc20 = Vector<T>.Zero, acc21 = Vector<T>.Zero, acc22 = Vector<T>.Zero, acc23 = Vector<T>.Zero;
        Vector<T> acc30 = Vector<T>.Zero, acc31 = Vector<T>.Zero, acc32 = Vector<T>.Zero, acc33 = Vector<T>.Zero;
        for (int j = 0; j < TLayer.Units; j++)
        {
            ref T row = ref Unsafe.Add(ref delta, j * width);
            Vector<T> d0 = Vector.LoadUnsafe(ref row), d1 = Vector.LoadUnsafe(ref row, (nuint)lanes);
            Vector<T> d2 = Vector.LoadUnsafe(ref row, (nuint)(2 * lanes)), d3 = Vector.LoadUnsafe(ref row, (nuint)(3 * lanes));
            ref T weightsOfRow = ref Unsafe.Add(ref w, j * fanIn);
            Vector<T> weight = new(weightsOfRow);
            acc00 = Simd.MultiplyAdd(weight, d0, acc00);
            acc01 = Simd.MultiplyAdd(weight, d1, acc01);
            acc02 = Simd.MultiplyAdd(weight, d2, acc02);
            acc03 = Simd.MultiplyAdd(weight, d3, acc03);
            if (TColumns.Value > 1)
            {
                weight = new(Unsafe.Add(ref weightsOfRow, 1));
                acc10 = Simd.MultiplyAdd(weight, d0, acc10);
                acc11 = Simd.MultiplyAdd(weight, d1, acc11);
                acc12 = Simd.MultiplyAdd(weight, d2, acc12);
                acc13 = Simd.MultiplyAdd(weight, d3, acc13);
            }
            if (TColumns.Value > 2)
            {
                weight = new(Unsafe.Add(ref weightsOfRow, 2));
                acc20 = Simd.MultiplyAdd(weight, d0, acc20);
                acc21 = Simd.MultiplyAdd(weight, d1, acc21);
                acc22 = Simd.MultiplyAdd(weight, d2, acc22);
                acc23 = Simd.MultiplyAdd(weight, d3, acc23);
            }
            if (TColumns.Value > 3)
            {
                weight = new(Unsafe.Add(ref weightsOfRow, 3));
                acc30 = Simd.MultiplyAdd(weight, d0, acc30);
                acc31 = Simd.MultiplyAdd(weight, d1, acc31);
                acc32 = Simd.MultiplyAdd(weight, d2, acc32);
                acc33 = Simd.MultiplyAdd(weight, d3, acc33);
            }
        }
        StoreBlock<T, TColumns>(ref Unsafe.Add(ref deltaBelow, i * width), width, lanes,
            acc00, acc01, acc02, acc03, acc10, acc11, acc12, acc13, acc20, acc21, acc22, acc23, acc30, acc31, acc32, acc33);
    }

    // The rows (or columns) left after the blocks of four, each count in its own fully optimized method: a switch
    // over inlined blocks would spend the JIT's inlining budget on the arms that never run.

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardRemainder<T, TLayer>(ref T weights, ref T bias, bool hasBias, ref T input, ref T z, int j)
        where T : unmanaged where TLayer : struct, IDenseLayer
    {
        switch (TLayer.Units % 4)
        {
            case 3:
                ForwardBlock<T, TLayer, Size3>(ref weights, ref bias, hasBias, ref input, ref z, j);
                break;
            case 2:
                ForwardBlock<T, TLayer, Size2>(ref weights, ref bias, hasBias, ref input, ref z, j);
                break;
            default:
                ForwardBlock<T, TLayer, Size1>(ref weights, ref bias, hasBias, ref input, ref z, j);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void DeltaBelowRemainder<T, TLayer>(ref T weights, ref T delta, ref T deltaBelow, int i)
        where T : unmanaged where TLayer : struct, IDenseLayer
    {
        switch (TLayer.Inputs % 4)
        {
            case 3:
                DeltaBelowBlock<T, TLayer, Size3>(ref weights, ref delta, ref deltaBelow, i);
                break;
            case 2:
                DeltaBelowBlock<T, TLayer, Size2>(ref weights, ref delta, ref deltaBelow, i);
                break;
            default:
                DeltaBelowBlock<T, TLayer, Size1>(ref weights, ref delta, ref deltaBelow, i);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void GradientRemainder<T, TLayer>(ref T input, ref T delta, int count, ref T gradientWeights, ref T gradientBias, bool hasBias, T scale, int j)
        where T : unmanaged where TLayer : struct, IDenseLayer
    {
        switch (TLayer.Units % 4)
        {
            case 3:
                GradientBlock<T, TLayer, Size3>(ref input, ref delta, count, ref gradientWeights, ref gradientBias, hasBias, scale, j);
                break;
            case 2:
                GradientBlock<T, TLayer, Size2>(ref input, ref delta, count, ref gradientWeights, ref gradientBias, hasBias, scale, j);
                break;
            default:
                GradientBlock<T, TLayer, Size1>(ref input, ref delta, count, ref gradientWeights, ref gradientBias, hasBias, scale, j);
                break;
        }
    }

    /// <summary>Stores the first TRows rows of a block of accumulators as tile rows starting at <paramref name="block"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreBlock<T, TRows>(ref T block, int width, int lanes,
        Vector<T> acc00, Vector<T> acc01, Vector<T> acc02, Vector<T> acc03, Vector<T> acc10, Vector<T> acc11, Vector<T> acc12, Vector<T> acc13,
        Vector<T> acc20, Vector<T> acc21, Vector<T> acc22, Vector<T> acc23, Vector<T> acc30, Vector<T> acc31, Vector<T> acc32, Vector<T> acc33)
        where T : unmanaged where TRows : struct, ISize
    {
        Vector.StoreUnsafe(acc00, ref block);
        Vector.StoreUnsafe(acc01, ref block, (nuint)lanes);
        Vector.StoreUnsafe(acc02, ref block, (nuint)(2 * lanes));
        Vector.StoreUnsafe(acc03, ref block, (nuint)(3 * lanes));
        if (TRows.Value > 1)
        {
            Vector.StoreUnsafe(acc10, ref block, (nuint)width);
            Vector.StoreUnsafe(acc11, ref block, (nuint)(width + lanes));
            Vector.StoreUnsafe(acc12, ref block, (nuint)(width + 2 * lanes));
            Vector.StoreUnsafe(acc13, ref block, (nuint)(width + 3 * lanes));
        }
        if (TRows.Value > 2)
        {
            Vector.StoreUnsafe(acc20, ref block, (nuint)(2 * width));
            Vector.StoreUnsafe(acc21, ref block, (nuint)(2 * width + lanes));
            Vector.StoreUnsafe(acc22, ref block, (nuint)(2 * width + 2 * lanes));
            Vector.StoreUnsafe(acc23, ref block, (nuint)(2 * width + 3 * lanes));
        }
        if (TRows.Value > 3)
        {
            Vector.StoreUnsafe(acc30, ref block, (nuint)(3 * width));
            Vector.StoreUnsafe(acc31, ref block, (nuint)(3 * width + lanes));
            Vector.StoreUnsafe(acc32, ref block, (nuint)(3 * width + 2 * lanes));
            Vector.StoreUnsafe(acc33, ref block, (nuint)(3 * width + 3 * lanes));
        }
    }

    /// <summary>
    /// Adds <c>scale * sum_s delta^T[j, s] in[s, :]</c> to the weight gradient row j and <c>scale * sum_s delta^T[j, s]</c>
    /// to the bias gradient (in <paramref name="gradient"/>, laid out as the parameters), over the tile's <paramref name="count"/> samples: <paramref name="input"/> holds the
    /// layer inputs one row per sample, <paramref name="delta"/> is feature-major with 0 in idle lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Gradient<T, TLayer>(ref T input, ref T delta, int count, ref T gradient, T scale)
        where T : unmanaged where TLayer : struct, IDenseLayer
    {
        ref T gradientWeights = ref Unsafe.Add(ref gradient, TLayer.Weights);
        ref T gradientBias = ref Unsafe.Add(ref gradient, TLayer.Bias < 0 ? 0 : TLayer.Bias);
        bool hasBias = TLayer.Bias >= 0;
        int j = 0;
        for (; j <= TLayer.Units - 4; j += 4)
        {
            GradientBlock<T, TLayer, Size4>(ref input, ref delta, count, ref gradientWeights, ref gradientBias, hasBias, scale, j);
        }
        if (TLayer.Units % 4 != 0)
        {
            GradientRemainder<T, TLayer>(ref input, ref delta, count, ref gradientWeights, ref gradientBias, hasBias, scale, j);
        }
    }

    /// <summary>
    /// <see cref="Gradient"/> of a layer whose inputs are the feature-major activations <paramref name="inputTile"/>
    /// [Inputs x width] of the layer below: they are first copied one row per sample into <paramref name="inputRows"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void GradientOfTile<T, TLayer>(ref T inputTile, ref T inputRows, ref T delta, int count, ref T gradient, T scale)
        where T : unmanaged where TLayer : struct, IDenseLayer
    {
        int width = TileVectors * Vector<T>.Count;
        Kernels.ToSampleMajor(
            MemoryMarshal.CreateReadOnlySpan(ref inputTile, TLayer.Inputs * width),
            TLayer.Inputs,
            MemoryMarshal.CreateSpan(ref inputRows, count * TLayer.Inputs));
        Gradient<T, TLayer>(ref inputRows, ref delta, count, ref gradient, scale);
    }

    /// <summary>Rows <c>j .. j + TRows</c> of <see cref="Gradient"/>: four vectors of a row at a time, then one, then single values.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void GradientBlock<T, TLayer, TRows>(ref T input, ref T delta, int count, ref T gradientWeights, ref T gradientBias, bool hasBias, T scale, int j)
        where T : unmanaged where TLayer : struct, IDenseLayer where TRows : struct, ISize
    {
        int fanIn = TLayer.Inputs;
        int lanes = Vector<T>.Count;
        int width = TileVectors * lanes;
        var scaleVector = new Vector<T>(scale);
        ref T gw = ref Unsafe.Add(ref gradientWeights, j * fanIn);
        ref T d = ref Unsafe.Add(ref delta, j * width);
        int i = 0;
        for (; i <= fanIn - 4 * lanes; i += 4 * lanes)
        {
            Vector<T> acc00 = Vector<T>.Zero, acc01 = Vector<T>.Zero, acc02 = Vector<T>.Zero, acc03 = Vector<T>.Zero;
            Vector<T> acc10 = Vector<T>.Zero, acc11 = Vector<T>.Zero, acc12 = Vector<T>.Zero, acc13 = Vector<T>.Zero;
            Vector<T> acc20 = Vector<T>.Zero, acc21 = Vector<T>.Zero, acc22 = Vector<T>.Zero, acc23 = Vector<T>.Zero;
            Vector<T> acc30 = Vector<T>.Zero, acc31 = Vector<T>.Zero, acc32 = Vector<T>.Zero, acc33 = Vector<T>.Zero;
            for (int s = 0; s < count; s++)
            {
                ref T row = ref Unsafe.Add(ref input, s * fanIn + i);
                Vector<T> x0 = Vector.LoadUnsafe(ref row), x1 = Vector.LoadUnsafe(ref row, (nuint)lanes);
                Vector<T> x2 = Vector.LoadUnsafe(ref row, (nuint)(2 * lanes)), x3 = Vector.LoadUnsafe(ref row, (nuint)(3 * lanes));
                Vector<T> dr = new(Unsafe.Add(ref d, s));
                acc00 = Simd.MultiplyAdd(dr, x0, acc00);
                acc01 = Simd.MultiplyAdd(dr, x1, acc01);
                acc02 = Simd.MultiplyAdd(dr, x2, acc02);
                acc03 = Simd.MultiplyAdd(dr, x3, acc03);
                if (TRows.Value > 1)
                {
                    dr = new(Unsafe.Add(ref d, width + s));
                    acc10 = Simd.MultiplyAdd(dr, x0, acc10);
                    acc11 = Simd.MultiplyAdd(dr, x1, acc11);
                    acc12 = Simd.MultiplyAdd(dr, x2, acc12);
                    acc13 = Simd.MultiplyAdd(dr, x3, acc13);
                }
                if (TRows.Value > 2)
                {
                    dr = new(Unsafe.Add(ref d, 2 * width + s));
                    acc20 = Simd.MultiplyAdd(dr, x0, acc20);
                    acc21 = Simd.MultiplyAdd(dr, x1, acc21);
                    acc22 = Simd.MultiplyAdd(dr, x2, acc22);
                    acc23 = Simd.MultiplyAdd(dr, x3, acc23);
                }
                if (TRows.Value > 3)
                {
                    dr = new(Unsafe.Add(ref d, 3 * width + s));
                    acc30 = Simd.MultiplyAdd(dr, x0, acc30);
                    acc31 = Simd.MultiplyAdd(dr, x1, acc31);
                    acc32 = Simd.MultiplyAdd(dr, x2, acc32);
                    acc33 = Simd.MultiplyAdd(dr, x3, acc33);
                }
            }
            AddScaled(ref gw, i, lanes, scaleVector, acc00, acc01, acc02, acc03);
            if (TRows.Value > 1)
            {
                AddScaled(ref gw, fanIn + i, lanes, scaleVector, acc10, acc11, acc12, acc13);
            }
            if (TRows.Value > 2)
            {
                AddScaled(ref gw, 2 * fanIn + i, lanes, scaleVector, acc20, acc21, acc22, acc23);
            }
            if (TRows.Value > 3)
            {
                AddScaled(ref gw, 3 * fanIn + i, lanes, scaleVector, acc30, acc31, acc32, acc33);
            }
        }
        for (; i <= fanIn - lanes; i += lanes)
        {
            Vector<T> acc0 = Vector<T>.Zero, acc1 = Vector<T>.Zero, acc2 = Vector<T>.Zero, acc3 = Vector<T>.Zero;
            for (int s = 0; s < count; s++)
            {
                Vector<T> x = Vector.LoadUnsafe(ref Unsafe.Add(ref input, s * fanIn + i));
                acc0 = Simd.MultiplyAdd(new Vector<T>(Unsafe.Add(ref d, s)), x, acc0);
                if (TRows.Value > 1)
                {
                    acc1 = Simd.MultiplyAdd(new Vector<T>(Unsafe.Add(ref d, width + s)), x, acc1);
                }
                if (TRows.Value > 2)
                {
                    acc2 = Simd.MultiplyAdd(new Vector<T>(Unsafe.Add(ref d, 2 * width + s)), x, acc2);
                }
                if (TRows.Value > 3)
                {
                    acc3 = Simd.MultiplyAdd(new Vector<T>(Unsafe.Add(ref d, 3 * width + s)), x, acc3);
                }
            }
            AddScaled(ref gw, i, scaleVector, acc0);
            if (TRows.Value > 1)
            {
                AddScaled(ref gw, fanIn + i, scaleVector, acc1);
            }
            if (TRows.Value > 2)
            {
                AddScaled(ref gw, 2 * fanIn + i, scaleVector, acc2);
            }
            if (TRows.Value > 3)
            {
                AddScaled(ref gw, 3 * fanIn + i, scaleVector, acc3);
            }
        }
        for (; i < fanIn; i++)
        {
            T sum0 = default, sum1 = default, sum2 = default, sum3 = default;
            for (int s = 0; s < count; s++)
            {
                T xs = Unsafe.Add(ref input, s * fanIn + i);
                sum0 = Simd.MultiplyAdd(Unsafe.Add(ref d, s), xs, sum0);
                if (TRows.Value > 1)
                {
                    sum1 = Simd.MultiplyAdd(Unsafe.Add(ref d, width + s), xs, sum1);
                }
                if (TRows.Value > 2)
                {
                    sum2 = Simd.MultiplyAdd(Unsafe.Add(ref d, 2 * width + s), xs, sum2);
                }
                if (TRows.Value > 3)
                {
                    sum3 = Simd.MultiplyAdd(Unsafe.Add(ref d, 3 * width + s), xs, sum3);
                }
            }
            AddScaled(ref Unsafe.Add(ref gw, i), sum0, scale);
            if (TRows.Value > 1)
            {
                AddScaled(ref Unsafe.Add(ref gw, fanIn + i), sum1, scale);
            }
            if (TRows.Value > 2)
            {
                AddScaled(ref Unsafe.Add(ref gw, 2 * fanIn + i), sum2, scale);
            }
            if (TRows.Value > 3)
            {
                AddScaled(ref Unsafe.Add(ref gw, 3 * fanIn + i), sum3, scale);
            }
        }
        if (hasBias)
        {
            for (int r = 0; r < TRows.Value; r++)
            {
                ref T row = ref Unsafe.Add(ref d, r * width);
                Vector<T> sum = Vector.LoadUnsafe(ref row) + Vector.LoadUnsafe(ref row, (nuint)lanes)
                    + Vector.LoadUnsafe(ref row, (nuint)(2 * lanes)) + Vector.LoadUnsafe(ref row, (nuint)(3 * lanes));
                AddScaled(ref Unsafe.Add(ref gradientBias, j + r), Vector.Sum(sum), scale);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled<T>(ref T gw, int at, int lanes, Vector<T> scale, Vector<T> acc0, Vector<T> acc1, Vector<T> acc2, Vector<T> acc3)
        where T : unmanaged
    {
        AddScaled(ref gw, at, scale, acc0);
        AddScaled(ref gw, at + lanes, scale, acc1);
        AddScaled(ref gw, at + 2 * lanes, scale, acc2);
        AddScaled(ref gw, at + 3 * lanes, scale, acc3);
    }

    /// <summary><c>g[at..] = acc * scale + g[at..]</c>, one vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled<T>(ref T g, int at, Vector<T> scale, Vector<T> acc)
        where T : unmanaged =>
        Vector.StoreUnsafe(Simd.MultiplyAdd(acc, scale, Vector.LoadUnsafe(ref g, (nuint)at)), ref g, (nuint)at);

    /// <summary><c>g = sum * scale + g</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled<T>(ref T g, T sum, T scale)
        where T : unmanaged => g = Simd.MultiplyAdd(sum, scale, g);
}
