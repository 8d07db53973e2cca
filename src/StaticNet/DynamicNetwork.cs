using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNet;

/// <summary>
/// A dense network interpreted at run time from a <see cref="NetworkDescription"/>: the forward and backward
/// passes loop over the layer list, take each layer's sizes from the description and switch on its
/// activation per layer. It computes what the generated class for the same description computes (same
/// canonical parameter layout, same losses), and exists to measure what code generation buys; it is also
/// handy for a topology that is only known at run time.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <see cref="Predict"/>, <see cref="PredictBatch"/>, <see cref="Classify"/> and the
/// <c>AccumulateGradient</c> overloads do not allocate after a thread's first call and may be called from
/// many threads at once (intermediate values live on the stack or in per-thread scratch memory).
/// </remarks>
public sealed class DynamicNetwork<T> : INetwork<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Intermediate buffers up to this many elements live on the stack; larger ones in per-thread scratch.</summary>
    private const int StackLimit = 1024;

    private readonly T[] _parameters;
    private readonly LayerDescription[] _layers;
    private readonly T[] _alphas;
    private readonly int _maxWidth;
    private readonly int _unitTotal;
    private readonly bool _inferenceOnly;
    private readonly T[] _normalization;
    private readonly int _normalizedLength;

    /// <summary>Creates the network with PyTorch's default initialization from a random seed.</summary>
    /// <param name="description">The topology, e.g. a generated class's <c>Description</c>.</param>
    public DynamicNetwork(NetworkDescription description)
        : this(description, SeededRandom.NewSeed())
    {
    }

    /// <summary>
    /// Creates the network with PyTorch's default initialization, deterministic for <paramref name="seed"/>
    /// (the same parameters as the generated class constructed with the same seed).
    /// </summary>
    /// <param name="description">The topology, e.g. a generated class's <c>Description</c>.</param>
    /// <param name="seed">Seed of the initialization.</param>
    /// <exception cref="ArgumentNullException"><paramref name="description"/> is null.</exception>
    /// <exception cref="ArgumentException">The description has no layer, or its layers do not chain.</exception>
    public DynamicNetwork(NetworkDescription description, int seed)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (description.Layers.Count == 0)
        {
            throw new ArgumentException("The network description has no layer.", nameof(description));
        }

        Description = description;
        _layers = new LayerDescription[description.Layers.Count];
        _alphas = new T[_layers.Length];
        int fanIn = description.InputSize;
        int offset = 0;
        int maxWidth = description.InputSize;
        int unitTotal = 0;
        for (int k = 0; k < _layers.Length; k++)
        {
            LayerDescription layer = description.Layers[k];
            if (layer.FanIn != fanIn || layer.Units < 1 || layer.WeightOffset != offset
                || layer.BiasOffset != (layer.HasBias ? offset + layer.WeightCount : -1))
            {
                throw new ArgumentException(
                    $"Layer {k} of the network description does not chain: expected fan-in {fanIn} and weights at {offset}, " +
                    $"got fan-in {layer.FanIn}, {layer.Units} units, weights at {layer.WeightOffset}, bias at {layer.BiasOffset}.",
                    nameof(description));
            }
            if (layer.Activation == Activation.Softmax && k != _layers.Length - 1)
            {
                throw new ArgumentException($"Layer {k}: softmax is only allowed on the last layer.", nameof(description));
            }
            _layers[k] = layer;
            _alphas[k] = T.CreateTruncating(layer.Alpha);
            offset += layer.ParameterCount;
            fanIn = layer.Units;
            maxWidth = Math.Max(maxWidth, layer.Units);
            unitTotal += layer.Units;
        }

        _maxWidth = maxWidth;
        _unitTotal = unitTotal;
        _inferenceOnly = description.IsInferenceOnly;
        bool normalized = description.Normalization is { Count: > 0 };
        if (normalized && description.Normalization!.Count != description.InputSize)
        {
            throw new ArgumentException(
                $"The network description normalizes {description.Normalization.Count} inputs but has {description.InputSize}.", nameof(description));
        }
        _normalization = normalized ? InputNormalization.CreateIdentity<T>(description.InputSize) : Array.Empty<T>();
        _normalizedLength = normalized ? description.InputSize : 0;
        _parameters = new T[offset];
        Initializers.PyTorchDefault<T>(_parameters, description, seed);
    }

    /// <inheritdoc />
    public NetworkDescription Description { get; }

    /// <inheritdoc />
    public int InputSize => Description.InputSize;

    /// <inheritdoc />
    public int OutputSize => _layers[_layers.Length - 1].Units;

    /// <inheritdoc />
    public int ParameterCount => _parameters.Length;

    /// <inheritdoc />
    public Span<T> Parameters => _parameters;

    /// <inheritdoc />
    public Span<T> NormalizationParameters => _normalization;

    /// <inheritdoc />
    public bool IsTrainable => !_inferenceOnly;

    /// <inheritdoc />
    public void Predict(ReadOnlySpan<T> input, Span<T> output)
    {
        if (input.Length != InputSize)
        {
            ThrowHelper.WrongLength(nameof(input), input.Length, InputSize);
        }
        if (output.Length != OutputSize)
        {
            ThrowHelper.WrongLength(nameof(output), output.Length, OutputSize);
        }
        int length = 2 * _maxWidth + _normalizedLength;
        Span<T> buffer = length <= StackLimit ? stackalloc T[length] : Scratch<T>.Get(length);
        Forward(Normalize(input, buffer), output, buffer);
    }

    /// <inheritdoc />
    public void PredictBatch(ReadOnlySpan<T> inputs, Span<T> outputs)
    {
        int inputSize = InputSize, outputSize = OutputSize;
        int count = inputs.Length / inputSize;
        if (count * inputSize != inputs.Length)
        {
            ThrowHelper.NotMultipleOfRow(nameof(inputs), inputs.Length, inputSize);
        }
        if (outputs.Length != (long)count * outputSize)
        {
            ThrowHelper.WrongBatchLength(nameof(outputs), outputs.Length, (int)Math.Min(int.MaxValue, (long)count * outputSize));
        }
        int length = 2 * _maxWidth + _normalizedLength;
        Span<T> buffer = length <= StackLimit ? stackalloc T[length] : Scratch<T>.Get(length);
        for (int row = 0; row < count; row++)
        {
            Forward(Normalize(inputs.Slice(row * inputSize, inputSize), buffer), outputs.Slice(row * outputSize, outputSize), buffer);
        }
    }

    /// <inheritdoc />
    public int Classify(ReadOnlySpan<T> input)
    {
        int outputSize = OutputSize;
        Span<T> output = outputSize <= StackLimit ? stackalloc T[outputSize] : new T[outputSize];
        Predict(input, output);
        if (outputSize == 1)
        {
            Activation last = _layers[_layers.Length - 1].Activation;
            T threshold = last is Activation.Sigmoid or Activation.Step ? T.CreateTruncating(0.5) : T.Zero;
            return output[0] > threshold ? 1 : 0;
        }
        int best = 0;
        for (int j = 1; j < outputSize; j++)
        {
            if (output[j] > output[best])
            {
                best = j;
            }
        }
        return best;
    }

    /// <inheritdoc />
    public T AccumulateGradient(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradient)
    {
        CheckTrainable();
        if (input.Length != InputSize)
        {
            ThrowHelper.WrongLength(nameof(input), input.Length, InputSize);
        }
        if (target.Length != OutputSize)
        {
            ThrowHelper.WrongLength(nameof(target), target.Length, OutputSize);
        }
        if (gradient.Length != ParameterCount)
        {
            ThrowHelper.WrongLength(nameof(gradient), gradient.Length, ParameterCount);
        }
        return Backpropagate(input, target, gradient);
    }

    /// <inheritdoc />
    public T AccumulateGradient(ReadOnlySpan<T> input, int label, Span<T> gradient)
    {
        CheckTrainable();
        if (input.Length != InputSize)
        {
            ThrowHelper.WrongLength(nameof(input), input.Length, InputSize);
        }
        if (gradient.Length != ParameterCount)
        {
            ThrowHelper.WrongLength(nameof(gradient), gradient.Length, ParameterCount);
        }
        int outputSize = OutputSize;
        int classes = outputSize == 1 ? 2 : outputSize;
        if ((uint)label >= (uint)classes)
        {
            ThrowHelper.LabelOutOfRange(nameof(label), label, classes);
        }
        Span<T> target = outputSize <= StackLimit ? stackalloc T[outputSize] : Scratch<T>.Get(outputSize, 1);
        target.Clear();
        if (outputSize == 1)
        {
            target[0] = label == 1 ? T.One : T.Zero;
        }
        else
        {
            target[label] = T.One;
        }
        return Backpropagate(input, target, gradient);
    }

    private void CheckTrainable()
    {
        if (_inferenceOnly)
        {
            throw new InvalidOperationException($"{Description.Name} uses the step activation and cannot be trained.");
        }
    }

    // ---- forward -------------------------------------------------------------------------------------

    /// <summary>
    /// The first layer's input: <paramref name="input"/> itself, or with input normalization
    /// <c>(x - shift) * scale</c> written to the end of <paramref name="buffer"/> (past two rows of the widest layer).
    /// </summary>
    private ReadOnlySpan<T> Normalize(ReadOnlySpan<T> input, Span<T> buffer)
    {
        if (_normalizedLength == 0)
        {
            return input;
        }
        Span<T> normalized = buffer.Slice(buffer.Length - _normalizedLength, _normalizedLength);
        InputNormalization.Apply<T>(input, _normalization, normalized);
        return normalized;
    }

    /// <summary>One sample through every layer; <paramref name="buffer"/> holds two rows of the widest layer.</summary>
    private void Forward(ReadOnlySpan<T> input, Span<T> output, Span<T> buffer)
    {
        ReadOnlySpan<T> x = input;
        int last = _layers.Length - 1;
        for (int k = 0; k <= last; k++)
        {
            LayerDescription layer = _layers[k];
            Span<T> y = k == last ? output : buffer.Slice((k & 1) * _maxWidth, layer.Units);
            Dense(layer, x, y);
            Activate(layer.Activation, _alphas[k], y, y);
            x = y;
        }
    }

    /// <summary>y = W x + b for one layer, a vectorized dot product per row.</summary>
    private void Dense(LayerDescription layer, ReadOnlySpan<T> x, Span<T> y)
    {
        int fanIn = layer.FanIn;
        ReadOnlySpan<T> weights = new ReadOnlySpan<T>(_parameters, layer.WeightOffset, layer.WeightCount);
        for (int j = 0; j < y.Length; j++)
        {
            y[j] = Dot(weights.Slice(j * fanIn, fanIn), x);
        }
        if (layer.HasBias)
        {
            ReadOnlySpan<T> bias = new ReadOnlySpan<T>(_parameters, layer.BiasOffset, layer.Units);
            for (int j = 0; j < y.Length; j++)
            {
                y[j] += bias[j];
            }
        }
    }

    private static T Dot(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
    {
        int n = a.Length;
        ref T pa = ref MemoryMarshal.GetReference(a);
        ref T pb = ref MemoryMarshal.GetReference(b);
        int i = 0;
        T sum = T.Zero;
        if (Vector.IsHardwareAccelerated && n >= Vector<T>.Count)
        {
            Vector<T> s0 = Vector<T>.Zero, s1 = Vector<T>.Zero;
            for (; i <= n - 2 * Vector<T>.Count; i += 2 * Vector<T>.Count)
            {
                s0 = MultiplyAdd(Vector.LoadUnsafe(ref pa, (nuint)i), Vector.LoadUnsafe(ref pb, (nuint)i), s0);
                s1 = MultiplyAdd(Vector.LoadUnsafe(ref pa, (nuint)(i + Vector<T>.Count)), Vector.LoadUnsafe(ref pb, (nuint)(i + Vector<T>.Count)), s1);
            }
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                s0 = MultiplyAdd(Vector.LoadUnsafe(ref pa, (nuint)i), Vector.LoadUnsafe(ref pb, (nuint)i), s0);
            }
            sum = Vector.Sum(s0 + s1);
        }
        for (; i < n; i++)
        {
            sum = MultiplyAdd(Unsafe.Add(ref pa, i), Unsafe.Add(ref pb, i), sum);
        }
        return sum;
    }

    /// <summary>y = f(z) elementwise, or the softmax of z (z and y may be the same span).</summary>
    private static void Activate(Activation activation, T alpha, ReadOnlySpan<T> z, Span<T> y)
    {
        switch (activation)
        {
            case Activation.Identity:
                z.CopyTo(y);
                break;
            case Activation.Softmax:
                Softmax(z, y);
                break;
            default:
                for (int j = 0; j < z.Length; j++)
                {
                    y[j] = Apply(activation, alpha, z[j]);
                }
                break;
        }
    }

    // The activation math is the runtime's one definition (StaticNet.Compute), which generated networks call too.
    private static T Apply(Activation activation, T alpha, T x) => activation switch
    {
        Activation.Identity => x,
        Activation.Sigmoid => Apply<Compute.Sigmoid>(x, alpha),
        Activation.Tanh => Apply<Compute.Tanh>(x, alpha),
        Activation.Relu => Apply<Compute.Relu>(x, alpha),
        Activation.LeakyRelu => Apply<Compute.LeakyRelu>(x, alpha),
        Activation.Elu => Apply<Compute.Elu>(x, alpha),
        Activation.Gelu => Apply<Compute.Gelu>(x, alpha),
        Activation.Silu => Apply<Compute.Silu>(x, alpha),
        Activation.Softplus => Apply<Compute.Softplus>(x, alpha),
        Activation.Step => Apply<Compute.Step>(x, alpha),
        _ => throw new InvalidOperationException($"Activation {activation} is not elementwise."),
    };

    /// <summary>df/dz from the pre-activation z and the activation a = f(z).</summary>
    private static T Derivative(Activation activation, T alpha, T z, T a) => activation switch
    {
        Activation.Identity => T.One,
        Activation.Sigmoid => Derivative<Compute.Sigmoid>(z, a, alpha),
        Activation.Tanh => Derivative<Compute.Tanh>(z, a, alpha),
        Activation.Relu => Derivative<Compute.Relu>(z, a, alpha),
        Activation.LeakyRelu => Derivative<Compute.LeakyRelu>(z, a, alpha),
        Activation.Elu => Derivative<Compute.Elu>(z, a, alpha),
        Activation.Gelu => Derivative<Compute.Gelu>(z, a, alpha),
        Activation.Silu => Derivative<Compute.Silu>(z, a, alpha),
        Activation.Softplus => Derivative<Compute.Softplus>(z, a, alpha),
        _ => throw new InvalidOperationException($"Activation {activation} has no elementwise derivative."),
    };

    private static T Apply<TActivation>(T x, T alpha)
        where TActivation : struct, Compute.IActivation<float>, Compute.IActivation<double> =>
        typeof(T) == typeof(float)
            ? T.CreateTruncating(TActivation.Apply(float.CreateTruncating(x), float.CreateTruncating(alpha)))
            : T.CreateTruncating(TActivation.Apply(double.CreateTruncating(x), double.CreateTruncating(alpha)));

    private static T Derivative<TActivation>(T z, T a, T alpha)
        where TActivation : struct, Compute.IActivation<float>, Compute.IActivation<double> =>
        typeof(T) == typeof(float)
            ? T.CreateTruncating(TActivation.Derivative(float.CreateTruncating(z), float.CreateTruncating(a), float.CreateTruncating(alpha)))
            : T.CreateTruncating(TActivation.Derivative(double.CreateTruncating(z), double.CreateTruncating(a), double.CreateTruncating(alpha)));

    private static void Softmax(ReadOnlySpan<T> z, Span<T> y)
    {
        z.CopyTo(y);
        Kernels.SoftmaxScalar(y);
    }

    // ---- backward ------------------------------------------------------------------------------------

    /// <summary>Forward keeping every layer's z and a, the loss and its gradient at the last layer, then the layers backwards.</summary>
    private T Backpropagate(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradient)
    {
        int length = 2 * _unitTotal + 2 * _maxWidth + _normalizedLength;
        Span<T> buffer = length <= StackLimit ? stackalloc T[length] : Scratch<T>.Get(length);
        scoped ReadOnlySpan<T> networkInput = Normalize(input, buffer);
        Span<T> zs = buffer.Slice(0, _unitTotal);
        Span<T> activations = buffer.Slice(_unitTotal, _unitTotal);
        Span<T> delta = buffer.Slice(2 * _unitTotal, _maxWidth);
        Span<T> deltaBelow = buffer.Slice(2 * _unitTotal + _maxWidth, _maxWidth);

        // Forward, keeping z and a of every layer (layer k's start in zs and activations is its unit offset).
        int last = _layers.Length - 1;
        scoped ReadOnlySpan<T> x = networkInput;
        int unitOffset = 0;
        for (int k = 0; k <= last; k++)
        {
            LayerDescription layer = _layers[k];
            Span<T> z = zs.Slice(unitOffset, layer.Units);
            Span<T> a = activations.Slice(unitOffset, layer.Units);
            Dense(layer, x, z);
            Activate(layer.Activation, _alphas[k], z, a);
            x = a;
            unitOffset += layer.Units;
        }

        // Loss and dloss/dz of the last layer.
        LayerDescription output = _layers[last];
        int outputOffset = unitOffset - output.Units;
        T loss = Loss(output, _alphas[last], zs.Slice(outputOffset, output.Units), activations.Slice(outputOffset, output.Units),
            target, delta.Slice(0, output.Units));

        // Backward: per layer, g_W += delta x^T, g_b += delta, and delta of the layer below = (W^T delta) * f'(z).
        for (int k = last; k >= 0; k--)
        {
            LayerDescription layer = _layers[k];
            int fanIn = layer.FanIn;
            int inputOffset = k == 0 ? 0 : unitOffset - layer.Units - fanIn;
            ReadOnlySpan<T> layerInput = k == 0 ? networkInput : activations.Slice(inputOffset, fanIn);
            ReadOnlySpan<T> weights = new ReadOnlySpan<T>(_parameters, layer.WeightOffset, layer.WeightCount);
            Span<T> weightGradient = gradient.Slice(layer.WeightOffset, layer.WeightCount);
            Span<T> below = deltaBelow.Slice(0, fanIn);
            if (k > 0)
            {
                below.Clear();
            }
            for (int j = 0; j < layer.Units; j++)
            {
                T dj = delta[j];
                Axpy(dj, layerInput, weightGradient.Slice(j * fanIn, fanIn));
                if (k > 0)
                {
                    Axpy(dj, weights.Slice(j * fanIn, fanIn), below);
                }
            }
            if (layer.HasBias)
            {
                Span<T> biasGradient = gradient.Slice(layer.BiasOffset, layer.Units);
                for (int j = 0; j < layer.Units; j++)
                {
                    biasGradient[j] += delta[j];
                }
            }
            if (k > 0)
            {
                LayerDescription previous = _layers[k - 1];
                T alpha = _alphas[k - 1];
                ReadOnlySpan<T> zBelow = zs.Slice(inputOffset, fanIn);
                ReadOnlySpan<T> aBelow = activations.Slice(inputOffset, fanIn);
                if (previous.Activation != Activation.Identity)
                {
                    for (int i = 0; i < fanIn; i++)
                    {
                        below[i] *= Derivative(previous.Activation, alpha, zBelow[i], aBelow[i]);
                    }
                }
                Span<T> swap = delta;
                delta = deltaBelow;
                deltaBelow = swap;
            }
            unitOffset -= layer.Units;
        }
        return loss;
    }

    /// <summary>The per-sample loss, with dloss/dz of the output layer written to <paramref name="delta"/>.</summary>
    private T Loss(LayerDescription output, T alpha, ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> t, Span<T> delta)
    {
        int n = output.Units;
        T loss = T.Zero;
        T count = T.CreateTruncating(n);
        switch (Description.Loss)
        {
            case StaticNet.Loss.CrossEntropy:
            {
                // loss = sum_j t_j (logsumexp(z) - z_j), dloss/dz_j = softmax(z)_j * sum(t) - t_j.
                T max = z[0];
                for (int j = 1; j < n; j++)
                {
                    max = T.Max(max, z[j]);
                }
                T total = T.Zero;
                for (int j = 0; j < n; j++)
                {
                    T e = T.Exp(z[j] - max);
                    delta[j] = e;
                    total += e;
                }
                T logSumExp = max + T.Log(total);
                T targetSum = T.Zero;
                for (int j = 0; j < n; j++)
                {
                    loss += t[j] * (logSumExp - z[j]);
                    targetSum += t[j];
                }
                T scale = targetSum / total;
                for (int j = 0; j < n; j++)
                {
                    delta[j] = delta[j] * scale - t[j];
                }
                return loss;
            }
            case StaticNet.Loss.BinaryCrossEntropy:
            {
                // Fused with the sigmoid: dloss/dz = (a - t) / n; logs clamped at -100 like PyTorch.
                T floor = T.CreateTruncating(-100);
                for (int j = 0; j < n; j++)
                {
                    T aj = a[j], tj = t[j];
                    loss -= tj * T.Max(T.Log(aj), floor) + (T.One - tj) * T.Max(T.Log(T.One - aj), floor);
                    delta[j] = (aj - tj) / count;
                }
                return loss / count;
            }
            default:
            {
                // Mean squared error: dloss/da = 2 (a - t) / n, times da/dz (the softmax Jacobian for softmax).
                T two = T.CreateTruncating(2.0 / n);
                bool elementwise = output.Activation != Activation.Softmax;
                for (int j = 0; j < n; j++)
                {
                    T difference = a[j] - t[j];
                    loss += difference * difference;
                    delta[j] = elementwise && output.Activation != Activation.Identity
                        ? two * difference * Derivative(output.Activation, alpha, z[j], a[j])
                        : two * difference;
                }
                if (!elementwise)
                {
                    T dot = T.Zero;
                    for (int j = 0; j < n; j++)
                    {
                        dot += delta[j] * a[j];
                    }
                    for (int j = 0; j < n; j++)
                    {
                        delta[j] = a[j] * (delta[j] - dot);
                    }
                }
                return loss / count;
            }
        }
    }

    /// <summary>y += alpha * x, vectorized.</summary>
    private static void Axpy(T alpha, ReadOnlySpan<T> x, Span<T> y)
    {
        int n = x.Length;
        ref T px = ref MemoryMarshal.GetReference(x);
        ref T py = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> va = new Vector<T>(alpha);
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector.StoreUnsafe(MultiplyAdd(va, Vector.LoadUnsafe(ref px, (nuint)i), Vector.LoadUnsafe(ref py, (nuint)i)), ref py, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref py, i) = MultiplyAdd(alpha, Unsafe.Add(ref px, i), Unsafe.Add(ref py, i));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> MultiplyAdd(Vector<T> a, Vector<T> b, Vector<T> c)
    {
        if (typeof(T) == typeof(float))
        {
            return Kernels.MultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        }
        if (typeof(T) == typeof(double))
        {
            return Kernels.MultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        }
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T MultiplyAdd(T a, T b, T c)
    {
        if (typeof(T) == typeof(float))
        {
            float r = Kernels.MultiplyAdd(Unsafe.As<T, float>(ref a), Unsafe.As<T, float>(ref b), Unsafe.As<T, float>(ref c));
            return Unsafe.As<float, T>(ref r);
        }
        if (typeof(T) == typeof(double))
        {
            double r = Kernels.MultiplyAdd(Unsafe.As<T, double>(ref a), Unsafe.As<T, double>(ref b), Unsafe.As<T, double>(ref c));
            return Unsafe.As<double, T>(ref r);
        }
        return a * b + c;
    }
}
