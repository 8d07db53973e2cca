using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Compute;

/// <summary>
/// The single-sample kernels of a dense layer, written once and specialised by the JIT for each layer's sizes
/// (the <see cref="ISize"/> type arguments): the dot products of the weight rows with the input, eight rows at a
/// time, and the backward pass over the weight rows.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DenseSample
{
    /// <summary>Rows of a weight matrix processed together, so each loaded input vector feeds several FMAs.</summary>
    private const int RowBlock = 8;

    /// <summary>
    /// <c>z = W input + b</c> (the layer's weight and bias in <paramref name="parameters"/>), a Vector&lt;T&gt; at a time
    /// with eight rows' independent accumulators, then <c>a = f(z)</c> (a may be z; nothing for <see cref="Identity"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Forward<T, TLayer, TActivation>(ref T parameters, ref T input, ref T z, ref T a)
        where T : unmanaged where TLayer : struct, IDenseLayer where TActivation : struct, IActivation<T>
    {
        DotRows<T, TLayer>(ref Unsafe.Add(ref parameters, TLayer.Weights), ref input, ref z, wide: false);
        BiasAndActivation<T, TLayer, TActivation>(ref parameters, ref z, ref a);
    }

    /// <summary>
    /// <see cref="Forward"/> with a 512-bit loop where the hardware has AVX-512 but Vector&lt;T&gt; is 256-bit (the
    /// default): half the instructions for long rows streaming from L2 (measured 8-10% faster for rows of 256 and
    /// 784 inputs; slower for short L1-resident rows, so the plan picks it for rows of at least 128 inputs).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void ForwardWide<T, TLayer, TActivation>(ref T parameters, ref T input, ref T z, ref T a)
        where T : unmanaged where TLayer : struct, IDenseLayer where TActivation : struct, IActivation<T>
    {
        DotRows<T, TLayer>(ref Unsafe.Add(ref parameters, TLayer.Weights), ref input, ref z, wide: true);
        BiasAndActivation<T, TLayer, TActivation>(ref parameters, ref z, ref a);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BiasAndActivation<T, TLayer, TActivation>(ref T parameters, ref T z, ref T a)
        where T : unmanaged where TLayer : struct, IDenseLayer where TActivation : struct, IActivation<T>
    {
        if (TLayer.Bias >= 0)
        {
            Activations.AddBiasAndApply<T, TActivation>(ref z, ref Unsafe.Add(ref parameters, TLayer.Bias), ref a, TLayer.Units, Layers.Alpha<T, TLayer>());
            return;
        }
        if (typeof(TActivation) != typeof(Identity))
        {
            Activations.Apply<T, TActivation>(ref z, ref a, TLayer.Units, Layers.Alpha<T, TLayer>());
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotRows<T, TLayer>(ref T weights, ref T input, ref T output, bool wide)
        where T : unmanaged where TLayer : struct, IDenseLayer
    {
        int j = 0;
        for (; j <= TLayer.Units - RowBlock; j += RowBlock)
        {
            DotBlock<T, TLayer, Size8>(ref weights, ref input, ref output, j, wide);
        }
        if (TLayer.Units % RowBlock != 0)
        {
            DotRemainder<T, TLayer>(ref weights, ref input, ref output, j, wide);
        }
    }

    /// <summary>
    /// The rows left after the blocks of eight, each count in its own fully optimized method: a switch over inlined
    /// blocks would spend the JIT's inlining budget on the arms that never run.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void DotRemainder<T, TLayer>(ref T weights, ref T input, ref T output, int j, bool wide)
        where T : unmanaged where TLayer : struct, IDenseLayer
    {
        switch (TLayer.Units % RowBlock)
        {
            case 7:
                DotBlock<T, TLayer, Size7>(ref weights, ref input, ref output, j, wide);
                break;
            case 6:
                DotBlock<T, TLayer, Size6>(ref weights, ref input, ref output, j, wide);
                break;
            case 5:
                DotBlock<T, TLayer, Size5>(ref weights, ref input, ref output, j, wide);
                break;
            case 4:
                DotBlock<T, TLayer, Size4>(ref weights, ref input, ref output, j, wide);
                break;
            case 3:
                DotBlock<T, TLayer, Size3>(ref weights, ref input, ref output, j, wide);
                break;
            case 2:
                DotBlock<T, TLayer, Size2>(ref weights, ref input, ref output, j, wide);
                break;
            case 1:
                DotBlock<T, TLayer, Size1>(ref weights, ref input, ref output, j, wide);
                break;
        }
    }

    /// <summary>
    /// Rows <c>j .. j + TRows</c> (at most eight) of the dot products: a method of its own, fully optimized at once
    /// (it has more locals than the JIT inlines, and a call per eight rows costs little).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotBlock<T, TLayer, TRows>(ref T weights, ref T input, ref T output, int j, bool wide)
        where T : unmanaged where TLayer : struct, IDenseLayer where TRows : struct, ISize
    {
        int fanIn = TLayer.Inputs;
        int rows = TRows.Value;
        int lanes = Vector<T>.Count;
        ref T w0 = ref Unsafe.Add(ref weights, j * fanIn);
        ref T w1 = ref Unsafe.Add(ref w0, fanIn);
        Vector<T> s0 = Vector<T>.Zero, s1 = Vector<T>.Zero, s2 = Vector<T>.Zero, s3 = Vector<T>.Zero;
        Vector<T> s4 = Vector<T>.Zero, s5 = Vector<T>.Zero, s6 = Vector<T>.Zero, s7 = Vector<T>.Zero;
        int i = 0;
        if (wide && Vector512.IsHardwareAccelerated && Vector<T>.Count == Vector256<T>.Count)
        {
            Vector512<T> t0 = Vector512<T>.Zero, t1 = Vector512<T>.Zero, t2 = Vector512<T>.Zero, t3 = Vector512<T>.Zero;
            Vector512<T> t4 = Vector512<T>.Zero, t5 = Vector512<T>.Zero, t6 = Vector512<T>.Zero, t7 = Vector512<T>.Zero;
            for (; i <= fanIn - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                Vector512<T> v = Vector512.LoadUnsafe(ref input, (nuint)i);
                t0 = Simd.MultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)i), v, t0);
                if (rows > 1)
                {
                    t1 = Simd.MultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)(1 * fanIn + i)), v, t1);
                }
                if (rows > 2)
                {
                    t2 = Simd.MultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)(2 * fanIn + i)), v, t2);
                }
                if (rows > 3)
                {
                    t3 = Simd.MultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)(3 * fanIn + i)), v, t3);
                }
                if (rows > 4)
                {
                    t4 = Simd.MultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)(4 * fanIn + i)), v, t4);
                }
                if (rows > 5)
                {
                    t5 = Simd.MultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)(5 * fanIn + i)), v, t5);
                }
                if (rows > 6)
                {
                    t6 = Simd.MultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)(6 * fanIn + i)), v, t6);
                }
                if (rows > 7)
                {
                    t7 = Simd.MultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)(7 * fanIn + i)), v, t7);
                }
            }
            // Halves added: the Vector<T> loop below finishes the inputs left over.
            s0 = Simd.Fold(t0);
            s1 = Simd.Fold(t1);
            s2 = Simd.Fold(t2);
            s3 = Simd.Fold(t3);
            s4 = Simd.Fold(t4);
            s5 = Simd.Fold(t5);
            s6 = Simd.Fold(t6);
            s7 = Simd.Fold(t7);
        }
        for (; i <= fanIn - lanes; i += lanes)
        {
            Vector<T> v = Vector.LoadUnsafe(ref input, (nuint)i);
            s0 = Simd.MultiplyAdd(Vector.LoadUnsafe(ref w0, (nuint)i), v, s0);
            if (rows > 1)
            {
                s1 = Simd.MultiplyAdd(Vector.LoadUnsafe(ref w0, (nuint)(1 * fanIn + i)), v, s1);
            }
            if (rows > 2)
            {
                s2 = Simd.MultiplyAdd(Vector.LoadUnsafe(ref w0, (nuint)(2 * fanIn + i)), v, s2);
            }
            if (rows > 3)
            {
                s3 = Simd.MultiplyAdd(Vector.LoadUnsafe(ref w0, (nuint)(3 * fanIn + i)), v, s3);
            }
            if (rows > 4)
            {
                s4 = Simd.MultiplyAdd(Vector.LoadUnsafe(ref w0, (nuint)(4 * fanIn + i)), v, s4);
            }
            if (rows > 5)
            {
                s5 = Simd.MultiplyAdd(Vector.LoadUnsafe(ref w0, (nuint)(5 * fanIn + i)), v, s5);
            }
            if (rows > 6)
            {
                s6 = Simd.MultiplyAdd(Vector.LoadUnsafe(ref w0, (nuint)(6 * fanIn + i)), v, s6);
            }
            if (rows > 7)
            {
                s7 = Simd.MultiplyAdd(Vector.LoadUnsafe(ref w0, (nuint)(7 * fanIn + i)), v, s7);
            }
        }
        ref T y = ref Unsafe.Add(ref output, j);
        if (rows == RowBlock)
        {
            // The eight lane sums, transposed and added into one vector store; then the inputs left over one at a time.
            Simd.StoreSums(ref y, s0, s1, s2, s3, s4, s5, s6, s7);
            for (; i < fanIn; i++)
            {
                T v = Unsafe.Add(ref input, i);
                y = Simd.MultiplyAdd(Unsafe.Add(ref w0, i), v, y);
                Unsafe.Add(ref y, 1) = Simd.MultiplyAdd(Unsafe.Add(ref w0, 1 * fanIn + i), v, Unsafe.Add(ref y, 1));
                Unsafe.Add(ref y, 2) = Simd.MultiplyAdd(Unsafe.Add(ref w0, 2 * fanIn + i), v, Unsafe.Add(ref y, 2));
                Unsafe.Add(ref y, 3) = Simd.MultiplyAdd(Unsafe.Add(ref w0, 3 * fanIn + i), v, Unsafe.Add(ref y, 3));
                Unsafe.Add(ref y, 4) = Simd.MultiplyAdd(Unsafe.Add(ref w0, 4 * fanIn + i), v, Unsafe.Add(ref y, 4));
                Unsafe.Add(ref y, 5) = Simd.MultiplyAdd(Unsafe.Add(ref w0, 5 * fanIn + i), v, Unsafe.Add(ref y, 5));
                Unsafe.Add(ref y, 6) = Simd.MultiplyAdd(Unsafe.Add(ref w0, 6 * fanIn + i), v, Unsafe.Add(ref y, 6));
                Unsafe.Add(ref y, 7) = Simd.MultiplyAdd(Unsafe.Add(ref w0, 7 * fanIn + i), v, Unsafe.Add(ref y, 7));
            }
            return;
        }
        // Fewer rows: each lane sum on its own, then the inputs left over one at a time (as for eight rows, in memory,
        // which keeps the method under the JIT's limit of locals for inlining).
        y = Vector.Sum(s0);
        if (rows > 1)
        {
            Unsafe.Add(ref y, 1) = Vector.Sum(s1);
        }
        if (rows > 2)
        {
            Unsafe.Add(ref y, 2) = Vector.Sum(s2);
        }
        if (rows > 3)
        {
            Unsafe.Add(ref y, 3) = Vector.Sum(s3);
        }
        if (rows > 4)
        {
            Unsafe.Add(ref y, 4) = Vector.Sum(s4);
        }
        if (rows > 5)
        {
            Unsafe.Add(ref y, 5) = Vector.Sum(s5);
        }
        if (rows > 6)
        {
            Unsafe.Add(ref y, 6) = Vector.Sum(s6);
        }
        for (; i < fanIn; i++)
        {
            T v = Unsafe.Add(ref input, i);
            for (int r = 0; r < rows; r++)
            {
                ref T sum = ref Unsafe.Add(ref y, r);
                sum = Simd.MultiplyAdd(Unsafe.Add(ref w0, r * fanIn + i), v, sum);
            }
        }
    }

    /// <summary>
    /// One sample's backward pass over the rows of a layer: <c>g_W[j, :] += scale * delta[j] * input</c>,
    /// <c>g_b[j] += scale * delta[j]</c>, and <c>deltaBelow = sum_j delta[j] W[j, :]</c> (before the activation
    /// derivative of the layer below), read from W before its gradient is added (the gradient may be the parameters).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Backward<T, TLayer>(ref T parameters, ref T delta, ref T input, ref T gradient, T scale, ref T deltaBelow)
        where T : unmanaged where TLayer : struct, IDenseLayer =>
        BackwardRows<T, TLayer>(ref Unsafe.Add(ref parameters, TLayer.Weights), ref delta, ref input, ref gradient, scale, ref deltaBelow, below: true);

    /// <summary>The backward pass of the first layer: <see cref="Backward"/> without a delta below.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Gradient<T, TLayer>(ref T delta, ref T input, ref T gradient, T scale)
        where T : unmanaged where TLayer : struct, IDenseLayer =>
        BackwardRows<T, TLayer>(ref input, ref delta, ref input, ref gradient, scale, ref input, below: false);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardRows<T, TLayer>(ref T weights, ref T delta, ref T input, ref T gradient, T scale, ref T deltaBelow, bool below)
        where T : unmanaged where TLayer : struct, IDenseLayer
    {
        ref T gradientWeights = ref Unsafe.Add(ref gradient, TLayer.Weights);
        ref T gradientBias = ref Unsafe.Add(ref gradient, TLayer.Bias < 0 ? 0 : TLayer.Bias);
        bool hasBias = TLayer.Bias >= 0;
        int fanIn = TLayer.Inputs;
        int lanes = Vector<T>.Count;
        if (below)
        {
            System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref deltaBelow, fanIn).Clear();
        }
        for (int j = 0; j < TLayer.Units; j++)
        {
            T dj = Unsafe.Add(ref delta, j);
            T gj = Scalar.Multiply(dj, scale);
            if (hasBias)
            {
                ref T bias = ref Unsafe.Add(ref gradientBias, j);
                bias = Scalar.Add(bias, gj);
            }
            ref T gw = ref Unsafe.Add(ref gradientWeights, j * fanIn);
            ref T w = ref Unsafe.Add(ref weights, j * fanIn);
            var dv = new Vector<T>(dj);
            var gv = new Vector<T>(gj);
            int i = 0;
            for (; i <= fanIn - lanes; i += lanes)
            {
                if (below)
                {
                    Vector.StoreUnsafe(Simd.MultiplyAdd(dv, Vector.LoadUnsafe(ref w, (nuint)i), Vector.LoadUnsafe(ref deltaBelow, (nuint)i)), ref deltaBelow, (nuint)i);
                }
                Vector.StoreUnsafe(Simd.MultiplyAdd(gv, Vector.LoadUnsafe(ref input, (nuint)i), Vector.LoadUnsafe(ref gw, (nuint)i)), ref gw, (nuint)i);
            }
            for (; i < fanIn; i++)
            {
                if (below)
                {
                    Unsafe.Add(ref deltaBelow, i) = Simd.MultiplyAdd(dj, Unsafe.Add(ref w, i), Unsafe.Add(ref deltaBelow, i));
                }
                Unsafe.Add(ref gw, i) = Simd.MultiplyAdd(gj, Unsafe.Add(ref input, i), Unsafe.Add(ref gw, i));
            }
        }
    }
}
