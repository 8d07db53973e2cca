using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Benchmarks;

/// <summary>
/// The best hand-written C# MLP we could do in limited time, for comparison with the generated code.
/// <list type="bullet">
/// <item>Weights are pre-packed transposed, in panels: a layer's units (padded to a multiple of
/// <c>Vector&lt;float&gt;.Count</c>) are cut into panels of 4 vectors (then single-vector panels for the rest);
/// a panel stores <c>W^T[i, panel units]</c> contiguously for i = 0..fanIn-1. The forward pass broadcasts one
/// input and does 4 (or 8 with 2 inputs interleaved) independent FMAs on contiguous weight vectors: no
/// horizontal sums, a linear walk through memory.</item>
/// <item>Batches are register-blocked: 4 samples x 4 vectors of units (16 accumulators) where AVX-512 gives the
/// JIT 32 vector registers, else 4 samples x 2 vectors (8 accumulators).</item>
/// <item>Training is one batched backward pass over the whole mini-batch: the weight gradient of a panel
/// row is summed over the samples in registers and applied immediately (SGD fused with the gradient), so
/// the gradient never goes to memory; the delta of the layer below is computed before the update.</item>
/// </list>
/// Supports relu, tanh, identity (and softmax last) with cross-entropy or mse, like the benchmark networks.
/// Not thread-safe (batch buffers are per instance).
/// </summary>
public sealed class ExpertMlp
{
    private const int PanelVectors = 4;

    private sealed class Layer
    {
        public int FanIn, Units, Padded, FullPanels, SinglePanels;
        public Activation Activation;
        public float[] Packed = Array.Empty<float>();   // panel layout, see the class summary
        public float[] Bias = Array.Empty<float>();     // padded with zeros
        public float[] Activations = Array.Empty<float>();   // [maxBatch x Padded], training and PredictBatch
        public float[] Delta = Array.Empty<float>();         // [maxBatch x Padded], training
    }

    private readonly Layer[] _layers;
    private readonly int _inputSize;
    private readonly int _maxPadded;
    private readonly bool _crossEntropy;
    private int _capacity;

    public ExpertMlp(NetworkDescription description, ReadOnlySpan<float> parameters)
    {
        int vc = Vector<float>.Count;
        _inputSize = description.InputSize;
        _crossEntropy = description.Loss == Loss.CrossEntropy;
        _layers = new Layer[description.Layers.Count];
        int maxPadded = 0;
        for (int l = 0; l < _layers.Length; l++)
        {
            LayerDescription d = description.Layers[l];
            int padded = (d.Units + vc - 1) / vc * vc;
            var layer = new Layer
            {
                FanIn = d.FanIn,
                Units = d.Units,
                Padded = padded,
                FullPanels = padded / (PanelVectors * vc),
                SinglePanels = padded % (PanelVectors * vc) / vc,
                Activation = d.Activation,
                Packed = new float[padded * d.FanIn],
                Bias = new float[padded],
            };
            if (d.HasBias)
            {
                parameters.Slice(d.BiasOffset, d.Units).CopyTo(layer.Bias);
            }
            for (int u = 0; u < d.Units; u++)
            {
                for (int i = 0; i < d.FanIn; i++)
                {
                    layer.Packed[PackedIndex(layer, u, i)] = parameters[d.WeightOffset + u * d.FanIn + i];
                }
            }
            _layers[l] = layer;
            maxPadded = Math.Max(maxPadded, padded);
        }
        _maxPadded = Math.Max(maxPadded, _inputSize);
        EnsureCapacity(64);
    }

    private static int PackedIndex(Layer layer, int unit, int input)
    {
        int vc = Vector<float>.Count;
        int width = PanelVectors * vc;
        int panel = unit / width;
        if (panel < layer.FullPanels)
        {
            return panel * layer.FanIn * width + input * width + unit % width;
        }
        int rest = unit - layer.FullPanels * width;
        return layer.FullPanels * layer.FanIn * width + rest / vc * layer.FanIn * vc + input * vc + rest % vc;
    }

    /// <summary>The parameters in canonical layout (for checks).</summary>
    public float[] GetParameters(NetworkDescription description)
    {
        var result = new float[description.ParameterCount];
        for (int l = 0; l < _layers.Length; l++)
        {
            Layer layer = _layers[l];
            LayerDescription d = description.Layers[l];
            for (int u = 0; u < layer.Units; u++)
            {
                for (int i = 0; i < layer.FanIn; i++)
                {
                    result[d.WeightOffset + u * d.FanIn + i] = layer.Packed[PackedIndex(layer, u, i)];
                }
                if (d.HasBias)
                {
                    result[d.BiasOffset + u] = layer.Bias[u];
                }
            }
        }
        return result;
    }

    private void EnsureCapacity(int batch)
    {
        if (batch <= _capacity)
        {
            return;
        }
        foreach (Layer layer in _layers)
        {
            layer.Activations = new float[batch * layer.Padded];
            layer.Delta = new float[batch * layer.Padded];
        }
        _capacity = batch;
    }

    // ---- single sample ---------------------------------------------------------------------------------

    [SkipLocalsInit]
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != _inputSize || output.Length != _layers[^1].Units)
        {
            throw new ArgumentException("Wrong input or output length.");
        }
        Span<float> buffer = stackalloc float[2 * _maxPadded];
        scoped ref float x = ref MemoryMarshal.GetReference(input);
        ref float a = ref MemoryMarshal.GetReference(buffer);
        ref float b = ref Unsafe.Add(ref a, _maxPadded);
        Layer[] layers = _layers;
        for (int l = 0; l < layers.Length; l++)
        {
            Layer layer = layers[l];
            ref float y = ref (l & 1) == 0 ? ref a : ref b;
            ForwardOne(layer, ref x, ref y);
            Activate(layer, ref y);
            x = ref y;
        }
        MemoryMarshal.CreateReadOnlySpan(ref x, output.Length).CopyTo(output);
    }

    /// <summary>y[0..Padded) = W x + b for one sample.</summary>
    private static void ForwardOne(Layer layer, ref float x, ref float y)
    {
        int vc = Vector<float>.Count;
        int width = PanelVectors * vc;
        int fanIn = layer.FanIn;
        ref float w = ref MemoryMarshal.GetArrayDataReference(layer.Packed);
        ref float bias = ref MemoryMarshal.GetArrayDataReference(layer.Bias);
        int unit = 0;
        for (int k = 0; k < layer.FullPanels; k++)
        {
            Vector<float> a0 = Vector.LoadUnsafe(ref bias, (nuint)unit);
            Vector<float> a1 = Vector.LoadUnsafe(ref bias, (nuint)(unit + vc));
            Vector<float> a2 = Vector.LoadUnsafe(ref bias, (nuint)(unit + 2 * vc));
            Vector<float> a3 = Vector.LoadUnsafe(ref bias, (nuint)(unit + 3 * vc));
            Vector<float> b0 = Vector<float>.Zero, b1 = Vector<float>.Zero, b2 = Vector<float>.Zero, b3 = Vector<float>.Zero;
            int i = 0;
            for (; i + 1 < fanIn; i += 2)
            {
                var x0 = new Vector<float>(Unsafe.Add(ref x, i));
                var x1 = new Vector<float>(Unsafe.Add(ref x, i + 1));
                ref float r = ref Unsafe.Add(ref w, i * width);
                a0 = Fma(Vector.LoadUnsafe(ref r), x0, a0);
                a1 = Fma(Vector.LoadUnsafe(ref r, (nuint)vc), x0, a1);
                a2 = Fma(Vector.LoadUnsafe(ref r, (nuint)(2 * vc)), x0, a2);
                a3 = Fma(Vector.LoadUnsafe(ref r, (nuint)(3 * vc)), x0, a3);
                b0 = Fma(Vector.LoadUnsafe(ref r, (nuint)width), x1, b0);
                b1 = Fma(Vector.LoadUnsafe(ref r, (nuint)(width + vc)), x1, b1);
                b2 = Fma(Vector.LoadUnsafe(ref r, (nuint)(width + 2 * vc)), x1, b2);
                b3 = Fma(Vector.LoadUnsafe(ref r, (nuint)(width + 3 * vc)), x1, b3);
            }
            if (i < fanIn)
            {
                var x0 = new Vector<float>(Unsafe.Add(ref x, i));
                ref float r = ref Unsafe.Add(ref w, i * width);
                a0 = Fma(Vector.LoadUnsafe(ref r), x0, a0);
                a1 = Fma(Vector.LoadUnsafe(ref r, (nuint)vc), x0, a1);
                a2 = Fma(Vector.LoadUnsafe(ref r, (nuint)(2 * vc)), x0, a2);
                a3 = Fma(Vector.LoadUnsafe(ref r, (nuint)(3 * vc)), x0, a3);
            }
            Vector.StoreUnsafe(a0 + b0, ref y, (nuint)unit);
            Vector.StoreUnsafe(a1 + b1, ref y, (nuint)(unit + vc));
            Vector.StoreUnsafe(a2 + b2, ref y, (nuint)(unit + 2 * vc));
            Vector.StoreUnsafe(a3 + b3, ref y, (nuint)(unit + 3 * vc));
            w = ref Unsafe.Add(ref w, fanIn * width);
            unit += width;
        }
        for (int k = 0; k < layer.SinglePanels; k++)
        {
            Vector<float> a0 = Vector.LoadUnsafe(ref bias, (nuint)unit);
            Vector<float> a1 = Vector<float>.Zero, a2 = Vector<float>.Zero, a3 = Vector<float>.Zero;
            int i = 0;
            for (; i + 3 < fanIn; i += 4)
            {
                ref float r = ref Unsafe.Add(ref w, i * vc);
                a0 = Fma(Vector.LoadUnsafe(ref r), new Vector<float>(Unsafe.Add(ref x, i)), a0);
                a1 = Fma(Vector.LoadUnsafe(ref r, (nuint)vc), new Vector<float>(Unsafe.Add(ref x, i + 1)), a1);
                a2 = Fma(Vector.LoadUnsafe(ref r, (nuint)(2 * vc)), new Vector<float>(Unsafe.Add(ref x, i + 2)), a2);
                a3 = Fma(Vector.LoadUnsafe(ref r, (nuint)(3 * vc)), new Vector<float>(Unsafe.Add(ref x, i + 3)), a3);
            }
            for (; i < fanIn; i++)
            {
                a0 = Fma(Vector.LoadUnsafe(ref w, (nuint)(i * vc)), new Vector<float>(Unsafe.Add(ref x, i)), a0);
            }
            Vector.StoreUnsafe((a0 + a1) + (a2 + a3), ref y, (nuint)unit);
            w = ref Unsafe.Add(ref w, fanIn * vc);
            unit += vc;
        }
    }

    /// <summary>Applies the layer's activation in place over one row of Padded values.</summary>
    private static void Activate(Layer layer, ref float y)
    {
        int vc = Vector<float>.Count;
        switch (layer.Activation)
        {
            case Activation.Relu:
                for (int u = 0; u < layer.Padded; u += vc)
                {
                    Vector.StoreUnsafe(Vector.Max(Vector.LoadUnsafe(ref y, (nuint)u), Vector<float>.Zero), ref y, (nuint)u);
                }
                break;
            case Activation.Tanh:
                for (int u = 0; u < layer.Padded; u += vc)
                {
                    Vector.StoreUnsafe(Tanh(Vector.LoadUnsafe(ref y, (nuint)u)), ref y, (nuint)u);
                }
                break;
            case Activation.Softmax:
            {
                int n = layer.Units;
                float max = y;
                for (int j = 1; j < n; j++)
                {
                    max = MathF.Max(max, Unsafe.Add(ref y, j));
                }
                float total = 0;
                for (int j = 0; j < n; j++)
                {
                    float e = MathF.Exp(Unsafe.Add(ref y, j) - max);
                    Unsafe.Add(ref y, j) = e;
                    total += e;
                }
                float scale = 1f / total;
                for (int j = 0; j < n; j++)
                {
                    Unsafe.Add(ref y, j) *= scale;
                }
                break;
            }
            case Activation.Identity:
                break;
            default:
                throw new NotSupportedException(layer.Activation.ToString());
        }
    }

    /// <summary>tanh(x) = sign(x) (1 - e^-2|x|) / (1 + e^-2|x|), vectorized.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Tanh(Vector<float> x)
    {
        Vector<float> t = Vector.Exp(Vector.Abs(x) * new Vector<float>(-2f));
        Vector<float> r = (Vector<float>.One - t) / (Vector<float>.One + t);
        return Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), -r, r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Fma(Vector<float> a, Vector<float> b, Vector<float> c)
    {
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported && Vector<float>.Count == 8)
        {
            return System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a.AsVector256(), b.AsVector256(), c.AsVector256()).AsVector();
        }
        return a * b + c;
    }

    // ---- batches ---------------------------------------------------------------------------------------

    public void PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int count = inputs.Length / _inputSize;
        int outputSize = _layers[^1].Units;
        if (count * _inputSize != inputs.Length || outputs.Length != count * outputSize)
        {
            throw new ArgumentException("Wrong batch lengths.");
        }
        EnsureCapacity(count);
        ForwardBatch(inputs, count);
        Layer last = _layers[^1];
        for (int s = 0; s < count; s++)
        {
            last.Activations.AsSpan(s * last.Padded, outputSize).CopyTo(outputs.Slice(s * outputSize, outputSize));
        }
    }

    /// <summary>Every layer's activations for <paramref name="count"/> samples, into Layer.Activations.</summary>
    private void ForwardBatch(ReadOnlySpan<float> inputs, int count)
    {
        ref float x = ref MemoryMarshal.GetReference(inputs);
        int xStride = _inputSize;
        foreach (Layer layer in _layers)
        {
            ref float y = ref MemoryMarshal.GetArrayDataReference(layer.Activations);
            ForwardMany(layer, ref x, xStride, count, ref y);
            for (int s = 0; s < count; s++)
            {
                Activate(layer, ref Unsafe.Add(ref y, s * layer.Padded));
            }
            x = ref y;
            xStride = layer.Padded;
        }
    }

    /// <summary>Y[s, 0..Padded) = W X[s] + b for <paramref name="count"/> samples, 4 at a time.</summary>
    private static void ForwardMany(Layer layer, ref float x, int xStride, int count, ref float y)
    {
        int vc = Vector<float>.Count;
        int width = PanelVectors * vc;
        int fanIn = layer.FanIn;
        int yStride = layer.Padded;
        int s = 0;
        for (; s + 3 < count; s += 4)
        {
            ref float x0 = ref Unsafe.Add(ref x, s * xStride);
            ref float x1 = ref Unsafe.Add(ref x0, xStride);
            ref float x2 = ref Unsafe.Add(ref x1, xStride);
            ref float x3 = ref Unsafe.Add(ref x2, xStride);
            ref float y0 = ref Unsafe.Add(ref y, s * yStride);
            ref float bias = ref MemoryMarshal.GetArrayDataReference(layer.Bias);
            ref float w = ref MemoryMarshal.GetArrayDataReference(layer.Packed);
            int unit = 0;
            for (int k = 0; k < layer.FullPanels; k++)
            {
                if (Avx512F.VL.IsSupported)
                {
                    // 32 vector registers (EVEX): the whole panel for 4 samples, 16 accumulators, each weight
                    // vector loaded once per 4 samples and each broadcast used 4 times.
                    FullPanel4x4(ref w, ref bias, unit, fanIn, ref x0, ref x1, ref x2, ref x3, ref y0, yStride);
                    unit += width;
                    w = ref Unsafe.Add(ref w, fanIn * width);
                    continue;
                }
                for (int half = 0; half < 2; half++)
                {
                    ref float wh = ref Unsafe.Add(ref w, half * 2 * vc);
                    Vector<float> bA = Vector.LoadUnsafe(ref bias, (nuint)unit), bB = Vector.LoadUnsafe(ref bias, (nuint)(unit + vc));
                    Vector<float> c0A = bA, c0B = bB, c1A = bA, c1B = bB, c2A = bA, c2B = bB, c3A = bA, c3B = bB;
                    for (int i = 0; i < fanIn; i++)
                    {
                        ref float r = ref Unsafe.Add(ref wh, i * width);
                        Vector<float> wA = Vector.LoadUnsafe(ref r), wB = Vector.LoadUnsafe(ref r, (nuint)vc);
                        var v0 = new Vector<float>(Unsafe.Add(ref x0, i));
                        c0A = Fma(wA, v0, c0A); c0B = Fma(wB, v0, c0B);
                        var v1 = new Vector<float>(Unsafe.Add(ref x1, i));
                        c1A = Fma(wA, v1, c1A); c1B = Fma(wB, v1, c1B);
                        var v2 = new Vector<float>(Unsafe.Add(ref x2, i));
                        c2A = Fma(wA, v2, c2A); c2B = Fma(wB, v2, c2B);
                        var v3 = new Vector<float>(Unsafe.Add(ref x3, i));
                        c3A = Fma(wA, v3, c3A); c3B = Fma(wB, v3, c3B);
                    }
                    Vector.StoreUnsafe(c0A, ref y0, (nuint)unit); Vector.StoreUnsafe(c0B, ref y0, (nuint)(unit + vc));
                    Vector.StoreUnsafe(c1A, ref y0, (nuint)(yStride + unit)); Vector.StoreUnsafe(c1B, ref y0, (nuint)(yStride + unit + vc));
                    Vector.StoreUnsafe(c2A, ref y0, (nuint)(2 * yStride + unit)); Vector.StoreUnsafe(c2B, ref y0, (nuint)(2 * yStride + unit + vc));
                    Vector.StoreUnsafe(c3A, ref y0, (nuint)(3 * yStride + unit)); Vector.StoreUnsafe(c3B, ref y0, (nuint)(3 * yStride + unit + vc));
                    unit += 2 * vc;
                }
                w = ref Unsafe.Add(ref w, fanIn * width);
            }
            for (int k = 0; k < layer.SinglePanels; k++)
            {
                Vector<float> b = Vector.LoadUnsafe(ref bias, (nuint)unit);
                Vector<float> c0 = b, c1 = b, c2 = b, c3 = b;
                Vector<float> d0 = Vector<float>.Zero, d1 = Vector<float>.Zero, d2 = Vector<float>.Zero, d3 = Vector<float>.Zero;
                int i = 0;
                for (; i + 1 < fanIn; i += 2)
                {
                    Vector<float> wA = Vector.LoadUnsafe(ref w, (nuint)(i * vc)), wB = Vector.LoadUnsafe(ref w, (nuint)(i * vc + vc));
                    c0 = Fma(wA, new Vector<float>(Unsafe.Add(ref x0, i)), c0); d0 = Fma(wB, new Vector<float>(Unsafe.Add(ref x0, i + 1)), d0);
                    c1 = Fma(wA, new Vector<float>(Unsafe.Add(ref x1, i)), c1); d1 = Fma(wB, new Vector<float>(Unsafe.Add(ref x1, i + 1)), d1);
                    c2 = Fma(wA, new Vector<float>(Unsafe.Add(ref x2, i)), c2); d2 = Fma(wB, new Vector<float>(Unsafe.Add(ref x2, i + 1)), d2);
                    c3 = Fma(wA, new Vector<float>(Unsafe.Add(ref x3, i)), c3); d3 = Fma(wB, new Vector<float>(Unsafe.Add(ref x3, i + 1)), d3);
                }
                if (i < fanIn)
                {
                    Vector<float> wA = Vector.LoadUnsafe(ref w, (nuint)(i * vc));
                    c0 = Fma(wA, new Vector<float>(Unsafe.Add(ref x0, i)), c0);
                    c1 = Fma(wA, new Vector<float>(Unsafe.Add(ref x1, i)), c1);
                    c2 = Fma(wA, new Vector<float>(Unsafe.Add(ref x2, i)), c2);
                    c3 = Fma(wA, new Vector<float>(Unsafe.Add(ref x3, i)), c3);
                }
                Vector.StoreUnsafe(c0 + d0, ref y0, (nuint)unit);
                Vector.StoreUnsafe(c1 + d1, ref y0, (nuint)(yStride + unit));
                Vector.StoreUnsafe(c2 + d2, ref y0, (nuint)(2 * yStride + unit));
                Vector.StoreUnsafe(c3 + d3, ref y0, (nuint)(3 * yStride + unit));
                w = ref Unsafe.Add(ref w, fanIn * vc);
                unit += vc;
            }
        }
        for (; s < count; s++)
        {
            ForwardOne(layer, ref Unsafe.Add(ref x, s * xStride), ref Unsafe.Add(ref y, s * yStride));
        }
    }

    /// <summary>One full panel (4 vectors of units) for 4 samples: 16 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FullPanel4x4(ref float w, ref float bias, int unit, int fanIn,
        ref float x0, ref float x1, ref float x2, ref float x3, ref float y0, int yStride)
    {
        int vc = Vector<float>.Count;
        int width = PanelVectors * vc;
        Vector<float> b0 = Vector.LoadUnsafe(ref bias, (nuint)unit), b1 = Vector.LoadUnsafe(ref bias, (nuint)(unit + vc));
        Vector<float> b2 = Vector.LoadUnsafe(ref bias, (nuint)(unit + 2 * vc)), b3 = Vector.LoadUnsafe(ref bias, (nuint)(unit + 3 * vc));
        Vector<float> c00 = b0, c01 = b1, c02 = b2, c03 = b3;
        Vector<float> c10 = b0, c11 = b1, c12 = b2, c13 = b3;
        Vector<float> c20 = b0, c21 = b1, c22 = b2, c23 = b3;
        Vector<float> c30 = b0, c31 = b1, c32 = b2, c33 = b3;
        for (int i = 0; i < fanIn; i++)
        {
            ref float r = ref Unsafe.Add(ref w, i * width);
            Vector<float> w0 = Vector.LoadUnsafe(ref r), w1 = Vector.LoadUnsafe(ref r, (nuint)vc);
            Vector<float> w2 = Vector.LoadUnsafe(ref r, (nuint)(2 * vc)), w3 = Vector.LoadUnsafe(ref r, (nuint)(3 * vc));
            var v = new Vector<float>(Unsafe.Add(ref x0, i));
            c00 = Fma(w0, v, c00); c01 = Fma(w1, v, c01); c02 = Fma(w2, v, c02); c03 = Fma(w3, v, c03);
            v = new Vector<float>(Unsafe.Add(ref x1, i));
            c10 = Fma(w0, v, c10); c11 = Fma(w1, v, c11); c12 = Fma(w2, v, c12); c13 = Fma(w3, v, c13);
            v = new Vector<float>(Unsafe.Add(ref x2, i));
            c20 = Fma(w0, v, c20); c21 = Fma(w1, v, c21); c22 = Fma(w2, v, c22); c23 = Fma(w3, v, c23);
            v = new Vector<float>(Unsafe.Add(ref x3, i));
            c30 = Fma(w0, v, c30); c31 = Fma(w1, v, c31); c32 = Fma(w2, v, c32); c33 = Fma(w3, v, c33);
        }
        ref float y = ref Unsafe.Add(ref y0, unit);
        Vector.StoreUnsafe(c00, ref y); Vector.StoreUnsafe(c01, ref y, (nuint)vc); Vector.StoreUnsafe(c02, ref y, (nuint)(2 * vc)); Vector.StoreUnsafe(c03, ref y, (nuint)(3 * vc));
        y = ref Unsafe.Add(ref y, yStride);
        Vector.StoreUnsafe(c10, ref y); Vector.StoreUnsafe(c11, ref y, (nuint)vc); Vector.StoreUnsafe(c12, ref y, (nuint)(2 * vc)); Vector.StoreUnsafe(c13, ref y, (nuint)(3 * vc));
        y = ref Unsafe.Add(ref y, yStride);
        Vector.StoreUnsafe(c20, ref y); Vector.StoreUnsafe(c21, ref y, (nuint)vc); Vector.StoreUnsafe(c22, ref y, (nuint)(2 * vc)); Vector.StoreUnsafe(c23, ref y, (nuint)(3 * vc));
        y = ref Unsafe.Add(ref y, yStride);
        Vector.StoreUnsafe(c30, ref y); Vector.StoreUnsafe(c31, ref y, (nuint)vc); Vector.StoreUnsafe(c32, ref y, (nuint)(2 * vc)); Vector.StoreUnsafe(c33, ref y, (nuint)(3 * vc));
    }

    // ---- training --------------------------------------------------------------------------------------

    /// <summary>
    /// One SGD step (learning rate <paramref name="learningRate"/>, no momentum) on the mean loss over
    /// <paramref name="count"/> samples: class labels for cross-entropy, targets ([count x outputs]) for mse.
    /// Returns the mean loss.
    /// </summary>
    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets, int count, float learningRate)
    {
        EnsureCapacity(count);
        ForwardBatch(inputs, count);

        // dLoss/dz of the last layer, already divided by the batch size (the mean over the batch).
        Layer last = _layers[^1];
        int n = last.Units;
        float inverseCount = 1f / count;
        float loss = 0;
        for (int s = 0; s < count; s++)
        {
            Span<float> a = last.Activations.AsSpan(s * last.Padded, last.Padded);
            Span<float> d = last.Delta.AsSpan(s * last.Padded, last.Padded);
            if (_crossEntropy)
            {
                int label = labels[s];
                loss -= MathF.Log(a[label]);
                for (int j = 0; j < n; j++)
                {
                    d[j] = a[j] * inverseCount;
                }
                d[label] -= inverseCount;
            }
            else
            {
                float scale = 2f / n * inverseCount;
                for (int j = 0; j < n; j++)
                {
                    float difference = a[j] - targets[s * n + j];
                    loss += difference * difference / n;
                    d[j] = scale * difference;
                }
            }
            d.Slice(n).Clear();
        }

        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            Layer layer = _layers[l];
            ref float x = ref l == 0 ? ref MemoryMarshal.GetReference(inputs) : ref MemoryMarshal.GetArrayDataReference(_layers[l - 1].Activations);
            int xStride = l == 0 ? _inputSize : _layers[l - 1].Padded;
            if (l > 0)
            {
                DeltaBelow(layer, _layers[l - 1], count);
            }
            UpdateWeights(layer, ref x, xStride, count, learningRate);
        }
        return loss * inverseCount;
    }

    /// <summary>below.Delta[s, i] = (sum_u Delta[s, u] W[u, i]) f'(below at s, i), with the weights before the update.</summary>
    private static void DeltaBelow(Layer layer, Layer below, int count)
    {
        int vc = Vector<float>.Count;
        int width = PanelVectors * vc;
        int fanIn = layer.FanIn;
        ref float packed = ref MemoryMarshal.GetArrayDataReference(layer.Packed);
        for (int s = 0; s < count; s++)
        {
            ref float d = ref MemoryMarshal.GetArrayDataReference(layer.Delta);
            d = ref Unsafe.Add(ref d, s * layer.Padded);
            ref float db = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(below.Delta), s * below.Padded);
            ref float ab = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(below.Activations), s * below.Padded);
            for (int i = 0; i < fanIn; i++)
            {
                Vector<float> a0 = Vector<float>.Zero, a1 = Vector<float>.Zero, a2 = Vector<float>.Zero, a3 = Vector<float>.Zero;
                ref float w = ref packed;
                int unit = 0;
                for (int k = 0; k < layer.FullPanels; k++)
                {
                    ref float r = ref Unsafe.Add(ref w, i * width);
                    a0 = Fma(Vector.LoadUnsafe(ref r), Vector.LoadUnsafe(ref d, (nuint)unit), a0);
                    a1 = Fma(Vector.LoadUnsafe(ref r, (nuint)vc), Vector.LoadUnsafe(ref d, (nuint)(unit + vc)), a1);
                    a2 = Fma(Vector.LoadUnsafe(ref r, (nuint)(2 * vc)), Vector.LoadUnsafe(ref d, (nuint)(unit + 2 * vc)), a2);
                    a3 = Fma(Vector.LoadUnsafe(ref r, (nuint)(3 * vc)), Vector.LoadUnsafe(ref d, (nuint)(unit + 3 * vc)), a3);
                    w = ref Unsafe.Add(ref w, fanIn * width);
                    unit += width;
                }
                for (int k = 0; k < layer.SinglePanels; k++)
                {
                    a0 = Fma(Vector.LoadUnsafe(ref w, (nuint)(i * vc)), Vector.LoadUnsafe(ref d, (nuint)unit), a0);
                    w = ref Unsafe.Add(ref w, fanIn * vc);
                    unit += vc;
                }
                float sum = Vector.Sum((a0 + a1) + (a2 + a3));
                float a = Unsafe.Add(ref ab, i);
                Unsafe.Add(ref db, i) = below.Activation switch
                {
                    Activation.Relu => a > 0 ? sum : 0f,
                    Activation.Tanh => sum * (1f - a * a),
                    _ => sum,
                };
            }
            for (int i = fanIn; i < below.Padded; i++)
            {
                Unsafe.Add(ref db, i) = 0;
            }
        }
    }

    /// <summary>W -= lr * sum_s Delta[s]^T X[s] and b -= lr * sum_s Delta[s], panel row by panel row.</summary>
    private static void UpdateWeights(Layer layer, ref float x, int xStride, int count, float learningRate)
    {
        int vc = Vector<float>.Count;
        int width = PanelVectors * vc;
        int fanIn = layer.FanIn;
        int dStride = layer.Padded;
        var step = new Vector<float>(-learningRate);
        ref float delta = ref MemoryMarshal.GetArrayDataReference(layer.Delta);
        ref float w = ref MemoryMarshal.GetArrayDataReference(layer.Packed);
        int unit = 0;
        for (int k = 0; k < layer.FullPanels; k++)
        {
            ref float dk = ref Unsafe.Add(ref delta, unit);
            int i = 0;
            for (; i + 1 < fanIn; i += 2)
            {
                Vector<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
                for (int s = 0; s < count; s++)
                {
                    ref float ds = ref Unsafe.Add(ref dk, s * dStride);
                    Vector<float> d0 = Vector.LoadUnsafe(ref ds), d1 = Vector.LoadUnsafe(ref ds, (nuint)vc);
                    Vector<float> d2 = Vector.LoadUnsafe(ref ds, (nuint)(2 * vc)), d3 = Vector.LoadUnsafe(ref ds, (nuint)(3 * vc));
                    var x0 = new Vector<float>(Unsafe.Add(ref x, s * xStride + i));
                    var x1 = new Vector<float>(Unsafe.Add(ref x, s * xStride + i + 1));
                    a0 = Fma(d0, x0, a0); a1 = Fma(d1, x0, a1); a2 = Fma(d2, x0, a2); a3 = Fma(d3, x0, a3);
                    b0 = Fma(d0, x1, b0); b1 = Fma(d1, x1, b1); b2 = Fma(d2, x1, b2); b3 = Fma(d3, x1, b3);
                }
                ref float r = ref Unsafe.Add(ref w, i * width);
                Vector.StoreUnsafe(Fma(step, a0, Vector.LoadUnsafe(ref r)), ref r);
                Vector.StoreUnsafe(Fma(step, a1, Vector.LoadUnsafe(ref r, (nuint)vc)), ref r, (nuint)vc);
                Vector.StoreUnsafe(Fma(step, a2, Vector.LoadUnsafe(ref r, (nuint)(2 * vc))), ref r, (nuint)(2 * vc));
                Vector.StoreUnsafe(Fma(step, a3, Vector.LoadUnsafe(ref r, (nuint)(3 * vc))), ref r, (nuint)(3 * vc));
                ref float r1 = ref Unsafe.Add(ref r, width);
                Vector.StoreUnsafe(Fma(step, b0, Vector.LoadUnsafe(ref r1)), ref r1);
                Vector.StoreUnsafe(Fma(step, b1, Vector.LoadUnsafe(ref r1, (nuint)vc)), ref r1, (nuint)vc);
                Vector.StoreUnsafe(Fma(step, b2, Vector.LoadUnsafe(ref r1, (nuint)(2 * vc))), ref r1, (nuint)(2 * vc));
                Vector.StoreUnsafe(Fma(step, b3, Vector.LoadUnsafe(ref r1, (nuint)(3 * vc))), ref r1, (nuint)(3 * vc));
            }
            for (; i < fanIn; i++)
            {
                for (int v = 0; v < PanelVectors; v++)
                {
                    Vector<float> acc = default;
                    for (int s = 0; s < count; s++)
                    {
                        acc = Fma(Vector.LoadUnsafe(ref dk, (nuint)(s * dStride + v * vc)), new Vector<float>(Unsafe.Add(ref x, s * xStride + i)), acc);
                    }
                    ref float r = ref Unsafe.Add(ref w, i * width + v * vc);
                    Vector.StoreUnsafe(Fma(step, acc, Vector.LoadUnsafe(ref r)), ref r);
                }
            }
            w = ref Unsafe.Add(ref w, fanIn * width);
            unit += width;
        }
        for (int k = 0; k < layer.SinglePanels; k++)
        {
            ref float dk = ref Unsafe.Add(ref delta, unit);
            int i = 0;
            for (; i + 3 < fanIn; i += 4)
            {
                Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int s = 0; s < count; s++)
                {
                    Vector<float> d0 = Vector.LoadUnsafe(ref dk, (nuint)(s * dStride));
                    ref float xs = ref Unsafe.Add(ref x, s * xStride + i);
                    a0 = Fma(d0, new Vector<float>(xs), a0);
                    a1 = Fma(d0, new Vector<float>(Unsafe.Add(ref xs, 1)), a1);
                    a2 = Fma(d0, new Vector<float>(Unsafe.Add(ref xs, 2)), a2);
                    a3 = Fma(d0, new Vector<float>(Unsafe.Add(ref xs, 3)), a3);
                }
                ref float r = ref Unsafe.Add(ref w, i * vc);
                Vector.StoreUnsafe(Fma(step, a0, Vector.LoadUnsafe(ref r)), ref r);
                Vector.StoreUnsafe(Fma(step, a1, Vector.LoadUnsafe(ref r, (nuint)vc)), ref r, (nuint)vc);
                Vector.StoreUnsafe(Fma(step, a2, Vector.LoadUnsafe(ref r, (nuint)(2 * vc))), ref r, (nuint)(2 * vc));
                Vector.StoreUnsafe(Fma(step, a3, Vector.LoadUnsafe(ref r, (nuint)(3 * vc))), ref r, (nuint)(3 * vc));
            }
            for (; i < fanIn; i++)
            {
                Vector<float> acc = default;
                for (int s = 0; s < count; s++)
                {
                    acc = Fma(Vector.LoadUnsafe(ref dk, (nuint)(s * dStride)), new Vector<float>(Unsafe.Add(ref x, s * xStride + i)), acc);
                }
                ref float r = ref Unsafe.Add(ref w, i * vc);
                Vector.StoreUnsafe(Fma(step, acc, Vector.LoadUnsafe(ref r)), ref r);
            }
            w = ref Unsafe.Add(ref w, fanIn * vc);
            unit += vc;
        }

        // Bias.
        ref float bias = ref MemoryMarshal.GetArrayDataReference(layer.Bias);
        for (int u = 0; u < layer.Padded; u += vc)
        {
            Vector<float> acc = default;
            for (int s = 0; s < count; s++)
            {
                acc += Vector.LoadUnsafe(ref delta, (nuint)(s * dStride + u));
            }
            Vector.StoreUnsafe(Fma(step, acc, Vector.LoadUnsafe(ref bias, (nuint)u)), ref bias, (nuint)u);
        }
    }
}
