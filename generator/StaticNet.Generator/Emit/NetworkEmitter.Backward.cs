using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using StaticNet.Generator.Emit.Activations;
using StaticNet.Generator.Model;
using StaticNet.Generator.Parsing;

namespace StaticNet.Generator.Emit;

internal sealed partial class NetworkEmitter
{
    private void EmitAccumulateGradient()
    {
        string loss = SpecVocabulary.LossName(_network.Loss);
        string span = $"global::System.Span<{T}>";
        string readOnlySpan = $"global::System.ReadOnlySpan<{T}>";

        _w.Line($"/// <summary>Adds (+=) the gradient of this sample's {loss} loss against <paramref name=\"target\"/> to <paramref name=\"gradient\"/> and returns the loss.</summary>");
        _w.Line("/// <remarks>Allocation-free and safe to call from many threads at once (each with its own gradient span).</remarks>");
        _w.Open($"public {T} AccumulateGradient({readOnlySpan} input, {readOnlySpan} target, {span} gradient)");
        CheckLength("input", "InputSize");
        CheckLength("target", "OutputSize");
        CheckLength("gradient", "ParameterCount");
        _w.Line($"return Backpropagate({InputReference("input")}, ref {TypeNames.MemoryMarshal}.GetReference(target), ref {TypeNames.MemoryMarshal}.GetReference(gradient), {_types.Literal(1)});");
        _w.Close();
        _w.Line();

        bool single = _network.OutputSize == 1;
        string classes = single ? "2" : "OutputSize";
        _w.Line(single
            ? "/// <summary>Adds the gradient of this sample's loss against class <paramref name=\"label\"/> (0 or 1, the target of the single output) and returns the loss.</summary>"
            : "/// <summary>Adds the gradient of this sample's loss against class <paramref name=\"label\"/> (a one-hot target) and returns the loss.</summary>");
        _w.Open($"public {T} AccumulateGradient({readOnlySpan} input, int label, {span} gradient)");
        CheckLength("input", "InputSize");
        CheckLength("gradient", "ParameterCount");
        _w.Open($"if ((uint)label >= {classes})");
        _w.Line($"global::StaticNet.ThrowHelper.LabelOutOfRange(nameof(label), label, {classes});");
        _w.Close();
        DeclareBuffer("target", "OutputSize", _network.OutputSize, slot: 1);
        if (single)
        {
            _w.Line("target[0] = label;");
        }
        else
        {
            _w.Line("target.Clear();");
            _w.Line($"target[label] = {_types.Literal(1)};");
        }
        _w.Line($"return Backpropagate({InputReference("input")}, ref {TypeNames.MemoryMarshal}.GetReference(target), ref {TypeNames.MemoryMarshal}.GetReference(gradient), {_types.Literal(1)});");
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// Forward pass keeping every layer's pre-activation z and activation a, the loss and its gradient with
    /// respect to the last z, then one pass per layer (last to first) over its weight rows that accumulates
    /// the weight gradient and propagates the delta to the layer below.
    /// </summary>
    private void EmitBackpropagate()
    {
        IReadOnlyList<LayerModel> layers = _network.Layers;
        int last = layers.Count - 1;
        int maxUnits = layers.Max(l => l.Units);
        int size = layers.Sum(l => (HasOwnActivations(l) ? 2 : 1) * l.Units) + 2 * maxUnits;

        _w.Line("/// <summary>");
        _w.Line("/// Backpropagation for one sample; adds the gradient times <paramref name=\"gradientScale\"/> to <paramref name=\"g\"/> and returns the loss.");
        _w.Line("/// With g the parameters themselves and gradientScale = -learningRate, this is a fused SGD step (skipped when the loss is not finite).");
        _w.Line("/// </summary>");
        _w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
        _w.Open($"private {T} Backpropagate(ref {T} x, ref {T} t, ref {T} g, {T} gradientScale)");
        _w.Line($"ref {T} p = ref {TypeNames.MemoryMarshal}.GetArrayDataReference(_parameters);");
        DeclareBuffer("buffer", size.ToString(CultureInfo.InvariantCulture), size, slot: 0);
        DeclareTrainingBuffers(maxUnits);

        // Forward, storing z and a.
        string input = "x";
        foreach (LayerModel layer in layers)
        {
            _w.Line();
            _w.Line($"// Forward, layer {layer.Index}: dense {layer.FanIn} -> {layer.Units}, {ActivationText(layer)}");
            ActivationEmitter activation = ActivationEmitter.For(layer.Activation);
            if (IsUnrolled(layer))
            {
                EmitUnrolledDense(layer, Values.Memory(input), Values.Memory($"z{layer.Index}"), IdentityEmitter.Instance);
            }
            else
            {
                EmitPredictDense(layer, input, $"z{layer.Index}", IdentityEmitter.Instance);
            }
            EmitActivationOfRow(layer, activation, $"z{layer.Index}", $"a{layer.Index}");
            input = $"a{layer.Index}";
        }

        _w.Line();
        _w.Line($"{T} loss = {_types.Literal(0)};");
        if (_network.Loss == LossKind.CrossEntropy && layers[last].Activation == ActivationKind.Softmax)
        {
            EmitCrossEntropyFromSoftmax(layers[last], DeltaName(last, last));
        }
        else
        {
            EmitLoss(layers[last], $"z{last}", $"a{last}", "t", DeltaName(last, last), "loss");
        }
        EmitSkipUpdateOfNonFiniteLoss();

        for (int l = last; l >= 0; l--)
        {
            EmitLayerBackward(layers[l], l == 0 ? "x" : $"a{l - 1}", DeltaName(l, last), l == 0 ? null : DeltaName(l - 1, last), l == 0 ? null : layers[l - 1]);
        }

        _w.Line("return loss;");
        _w.Close();
        _w.Line();
    }

    /// <summary>a = f(z) over one sample's layer: nothing for identity (a aliases z), the softmax or span kernel, else a vector at a time where the activation has a vector form.</summary>
    private void EmitActivationOfRow(LayerModel layer, ActivationEmitter activation, string z, string a)
    {
        int units = layer.Units;
        string length = units.ToString(CultureInfo.InvariantCulture);
        if (!HasOwnActivations(layer))
        {
            return;
        }
        if (!activation.IsElementwise)
        {
            _w.Line($"{TypeNames.MemoryMarshal}.CreateReadOnlySpan(ref {z}, {length}).CopyTo({TypeNames.MemoryMarshal}.CreateSpan(ref {a}, {length}));");
            _w.Line($"{TypeNames.Kernels}.Softmax({TypeNames.MemoryMarshal}.CreateSpan(ref {a}, {length}));");
            return;
        }
        if (activation.SpanKernel is not null)
        {
            EmitSpanActivation(activation, z, a, length);
            return;
        }
        string at = $"{TypeNames.Unsafe}.Add(ref {{0}}, j)";
        _w.Open("");
        _w.Line("int j = 0;");
        if (activation.ApplyVector("value", layer, _types) is { } vectorForm)
        {
            _w.Open($"for (; j <= {units} - {_types.Lanes}; j += {_types.Lanes})");
            _w.Line($"{_types.VectorT} value = {TypeNames.Vector}.LoadUnsafe(ref {z}, (nuint)j);");
            _w.Line($"{TypeNames.Vector}.StoreUnsafe({vectorForm}, ref {a}, (nuint)j);");
            _w.Close();
        }
        _w.Open($"for (; j < {units}; j++)");
        _w.Line($"{string.Format(CultureInfo.InvariantCulture, at, a)} = {activation.Apply(string.Format(CultureInfo.InvariantCulture, at, z), layer, _types)};");
        _w.Close();
        _w.Close();
    }

    /// <summary>
    /// Cross-entropy of the softmax already in a: logsumexp(z) = max z - log(a at the max), and a there is at least
    /// 1/n, so nothing underflows; loss = sum_j t_j (logsumexp - z_j), dloss/dz_j = a_j * sum(t) - t_j.
    /// </summary>
    private void EmitCrossEntropyFromSoftmax(LayerModel output, string delta)
    {
        int n = output.Units;
        string unsafeAdd = TypeNames.Unsafe + ".Add";
        string z = $"{unsafeAdd}(ref z{output.Index}, j)", a = $"{unsafeAdd}(ref a{output.Index}, j)", t = $"{unsafeAdd}(ref t, j)";
        _w.Line("// Cross-entropy of softmax(z) against the target distribution t, from the softmax a already computed:");
        _w.Line("// logsumexp(z) = max z - log(a at the max), loss = sum_j t_j (logsumexp(z) - z_j), dloss/dz_j = a_j * sum(t) - t_j.");
        _w.Open("");
        _w.Line($"{T} max = z{output.Index};");
        _w.Line("int argmax = 0;");
        _w.Open($"for (int j = 1; j < {n}; j++)");
        _w.Open($"if ({z} > max)");
        _w.Line($"max = {z};");
        _w.Line("argmax = j;");
        _w.Close();
        _w.Close();
        _w.Line($"{T} logSumExp = max - {_types.Math}.Log({unsafeAdd}(ref a{output.Index}, argmax));");
        _w.Line($"{T} targetSum = {_types.Literal(0)};");
        _w.Open($"for (int j = 0; j < {n}; j++)");
        _w.Line($"loss += {t} * (logSumExp - {z});");
        _w.Line($"targetSum += {t};");
        _w.Close();
        _w.Open($"for (int j = 0; j < {n}; j++)");
        _w.Line($"{unsafeAdd}(ref {delta}, j) = {a} * targetSum - {t};");
        _w.Close();
        _w.Close();
    }

    /// <summary>A fused SGD step (g aliases the parameters) leaves them untouched when the loss is not finite.</summary>
    private void EmitSkipUpdateOfNonFiniteLoss()
    {
        _w.Open($"if (!{T}.IsFinite(loss) && {TypeNames.Unsafe}.AreSame(ref g, ref p))");
        _w.Line("return loss;");
        _w.Close();
    }

    /// <summary>
    /// Carves one sample's <c>buffer</c> span into <c>z{k}</c> and <c>a{k}</c> of every layer (a aliases z for
    /// identity layers) and the two delta buffers.
    /// </summary>
    private void DeclareTrainingBuffers(int maxUnits)
    {
        _w.Line($"ref {T} start = ref {TypeNames.MemoryMarshal}.GetReference(buffer);");
        int offset = 0;
        foreach (LayerModel layer in _network.Layers)
        {
            _w.Line($"ref {T} z{layer.Index} = ref {At("start", offset)};");
            offset += layer.Units;
            if (HasOwnActivations(layer))
            {
                _w.Line($"ref {T} a{layer.Index} = ref {At("start", offset)};");
                offset += layer.Units;
            }
            else
            {
                _w.Line($"ref {T} a{layer.Index} = ref z{layer.Index}; // identity: a = z");
            }
        }
        _w.Line($"ref {T} deltaA = ref {At("start", offset)};");
        _w.Line($"ref {T} deltaB = ref {At("start", offset + maxUnits)};");
    }

    private static bool HasOwnActivations(LayerModel layer) => layer.Activation != ActivationKind.Identity;

    private static string DeltaName(int layer, int last) => (last - layer) % 2 == 0 ? "deltaA" : "deltaB";

    private static string At(string reference, int offset) =>
        offset == 0 ? reference : $"{TypeNames.Unsafe}.Add(ref {reference}, {offset})";

    /// <summary>
    /// Adds one sample's loss to the variable <paramref name="loss"/> (zero before) and writes dloss/dz of the
    /// last layer to <paramref name="delta"/>; the other arguments name the <c>ref T</c> rows of z, a and target.
    /// </summary>
    private void EmitLoss(LayerModel output, string zRow, string aRow, string targetRow, string delta, string loss)
    {
        int n = output.Units;
        string z = $"{TypeNames.Unsafe}.Add(ref {zRow}, j)";
        string a = $"{TypeNames.Unsafe}.Add(ref {aRow}, j)";
        string tj = $"{TypeNames.Unsafe}.Add(ref {targetRow}, j)";
        string d = $"{TypeNames.Unsafe}.Add(ref {delta}, j)";
        string math = _types.Math;

        switch (_network.Loss)
        {
            case LossKind.CrossEntropy:
                _w.Line("// Cross-entropy of softmax(z) against the target distribution t:");
                _w.Line("// loss = sum_j t_j (logsumexp(z) - z_j), dloss/dz_j = softmax(z)_j * sum(t) - t_j.");
                _w.Open("");
                _w.Line($"{T} max = {zRow};");
                _w.Open($"for (int j = 1; j < {n}; j++)");
                _w.Line($"max = {math}.Max(max, {z});");
                _w.Close();
                _w.Line($"{T} total = {_types.Literal(0)};");
                _w.Open($"for (int j = 0; j < {n}; j++)");
                _w.Line($"{T} e = {math}.Exp({z} - max);");
                _w.Line($"{d} = e;");
                _w.Line("total += e;");
                _w.Close();
                _w.Line($"{T} logSumExp = max + {math}.Log(total);");
                _w.Line($"{T} targetSum = {_types.Literal(0)};");
                _w.Open($"for (int j = 0; j < {n}; j++)");
                _w.Line($"{loss} += {tj} * (logSumExp - {z});");
                _w.Line($"targetSum += {tj};");
                _w.Close();
                _w.Line($"{T} scale = targetSum / total;");
                _w.Open($"for (int j = 0; j < {n}; j++)");
                _w.Line($"{d} = {d} * scale - {tj};");
                _w.Close();
                _w.Close();
                break;

            case LossKind.BinaryCrossEntropy:
                _w.Line("// Binary cross-entropy of the sigmoid outputs, averaged over the outputs (logs clamped at -100 like PyTorch);");
                _w.Line("// fused with the sigmoid, dloss/dz = (a - t) / n.");
                _w.Open($"for (int j = 0; j < {n}; j++)");
                _w.Line($"{T} aj = {a};");
                _w.Line($"{T} tj = {tj};");
                _w.Line($"{loss} -= tj * {math}.Max({math}.Log(aj), {_types.Literal(-100)}) + ({_types.Literal(1)} - tj) * {math}.Max({math}.Log({_types.Literal(1)} - aj), {_types.Literal(-100)});");
                _w.Line($"{d} = (aj - tj) / {_types.Literal(n)};");
                _w.Close();
                _w.Line($"{loss} /= {_types.Literal(n)};");
                break;

            default:
                ActivationEmitter activation = ActivationEmitter.For(output.Activation);
                _w.Line("// Mean squared error over the outputs: dloss/da = 2 (a - t) / n, times da/dz.");
                _w.Open($"for (int j = 0; j < {n}; j++)");
                _w.Line($"{T} difference = {a} - {tj};");
                _w.Line($"{loss} += difference * difference;");
                string derivative = activation.IsElementwise && output.Activation != ActivationKind.Identity
                    ? " * " + activation.Derivative(z, a, output, _types)
                    : "";
                _w.Line($"{d} = {_types.Literal(2.0 / n)} * difference{derivative};");
                _w.Close();
                _w.Line($"{loss} /= {_types.Literal(n)};");
                if (!activation.IsElementwise)
                {
                    _w.Line("// Through the softmax Jacobian: dz_j = a_j (da_j - sum_k da_k a_k).");
                    _w.Open("");
                    _w.Line($"{T} dot = {_types.Literal(0)};");
                    _w.Open($"for (int j = 0; j < {n}; j++)");
                    _w.Line($"dot += {d} * {a};");
                    _w.Close();
                    _w.Open($"for (int j = 0; j < {n}; j++)");
                    _w.Line($"{d} = {a} * ({d} - dot);");
                    _w.Close();
                    _w.Close();
                }
                break;
        }
    }

    /// <summary>
    /// One pass over the rows of layer <paramref name="layer"/>'s weights: g_W[j,:] += delta_j * in and, when
    /// there is a layer below, deltaBelow += delta_j * W[j,:]; then deltaBelow *= f'(z) of the layer below.
    /// </summary>
    private void EmitLayerBackward(LayerModel layer, string input, string delta, string? deltaBelow, LayerModel? below)
    {
        string sizes = $"<{T}, {SizeName(layer.FanIn)}, {SizeName(layer.Units)}>";
        _w.Line();
        if (deltaBelow is null)
        {
            _w.Line($"// Backward, layer {layer.Index}: weight{(layer.HasBias ? " and bias" : "")} gradients.");
            _w.Line($"{TypeNames.DenseSample}.Gradient{sizes}(ref {delta}, ref {input}, {GradientWeightsAndBias(layer)}, gradientScale);");
        }
        else
        {
            _w.Line($"// Backward, layer {layer.Index}: weight{(layer.HasBias ? " and bias" : "")} gradients, and the delta of layer {layer.Index - 1}.");
            _w.Line($"{TypeNames.DenseSample}.Backward{sizes}(ref {Weights(layer, "p")}, ref {delta}, ref {input}, {GradientWeightsAndBias(layer)}, gradientScale, ref {deltaBelow});");
        }
        EmitActivationDerivative(below, deltaBelow, layer.FanIn.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// deltaBelow[i] *= f'(z[i], a[i]) of the layer below over <paramref name="length"/> values (one sample's
    /// row, or a whole tile); nothing for an identity layer or when there is no layer below.
    /// </summary>
    private void EmitActivationDerivative(LayerModel? below, string? deltaBelow, string length)
    {
        if (deltaBelow is null || below is null || below.Activation == ActivationKind.Identity)
        {
            return;
        }
        string unsafeAdd = TypeNames.Unsafe + ".Add";
        ActivationEmitter activation = ActivationEmitter.For(below.Activation);
        string z = $"{unsafeAdd}(ref z{below.Index}, i)";
        string a = $"{unsafeAdd}(ref a{below.Index}, i)";
        _w.Open($"for (int i = 0; i < {length}; i++)");
        _w.Line($"{unsafeAdd}(ref {deltaBelow}, i) *= {activation.Derivative(z, a, below, _types)};");
        _w.Close();
    }
}
