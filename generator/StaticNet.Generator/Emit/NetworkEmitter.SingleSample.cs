using System.Collections.Generic;
using System.Linq;
using StaticNet.Generator.Model;
using StaticNet.Generator.Plan;

namespace StaticNet.Generator.Emit;

/// <summary>One sample: the forward pass of Predict and Classify, and backpropagation.</summary>
internal sealed partial class NetworkEmitter
{
    /// <summary>The inference pass: unrolled layers as straight-line scalar code in registers, the others as kernel calls.</summary>
    private void EmitForward()
    {
        _w.Line("/// <summary>The forward pass for one sample: <paramref name=\"x\"/> has InputSize values, <paramref name=\"y\"/> receives OutputSize.</summary>");
        _w.Line(_n.AggressiveOptimization);
        using (_w.Block($"private void Forward(ref {T} x, ref {T} y)"))
        {
            _w.Line(ParameterReference);
            if (_plan.Predict.Length > 0)
            {
                DeclarePlannedBuffer(_plan.Predict, tile: false);
            }
            Values input = Values.Memory("x");
            foreach (LayerPlan plan in _plan.Layers)
            {
                LayerModel layer = plan.Layer;
                Values output = plan.PredictOutput switch
                {
                    ValueHome.Registers => Values.Locals($"h{layer.Index}"),
                    ValueHome.Output => Values.Memory("y"),
                    _ => Values.Memory($"a{layer.Index}"),
                };
                _w.Line($"// {LayerText(layer)}{(plan.Form == DenseForm.Unrolled ? ", unrolled" : "")}");
                if (plan.Form == DenseForm.Unrolled)
                {
                    EmitUnrolledDense(plan, input, output, applyActivation: true);
                }
                else
                {
                    EmitDenseCall(plan, input.Name, output.Name, output.Name);
                }
                if (layer.Activation == ActivationKind.Softmax)
                {
                    _w.Line("// Softmax over the outputs (shifted by the maximum, so exp cannot overflow).");
                    if (output.InLocals)
                    {
                        EmitUnrolledSoftmax(layer, output);
                    }
                    else
                    {
                        _w.Line($"{_n.Kernels}.Softmax({SpanOf(output.Name, Number(layer.Units))});");
                    }
                }
                input = output;
            }
        }
        _w.Line();
    }

    /// <summary><c>z = W x + b</c>, then <c>a = f(z)</c> (not softmax), by the runtime kernel the plan chose.</summary>
    private void EmitDenseCall(LayerPlan plan, string input, string z, string a)
    {
        string kernel = plan.Form == DenseForm.Vector512Loop ? "ForwardWide" : "Forward";
        _w.Line($"{_n["DenseSample"]}.{kernel}{Sizes(plan)}(ref p, ref {input}, ref {z}, ref {a});");
    }

    /// <summary>
    /// Where a layer's input or output values live: scalar locals (<c>h1_0</c>, <c>h1_1</c>, ...) for unrolled
    /// layers, or memory behind a <c>ref T</c>.
    /// </summary>
    private sealed class Values
    {
        private Values(string name, bool inLocals)
        {
            Name = name;
            InLocals = inLocals;
        }

        public string Name { get; }

        public bool InLocals { get; }

        public static Values Locals(string prefix) => new(prefix, true);

        public static Values Memory(string reference) => new(reference, false);
    }

    private string ValueAt(Values values, int index) =>
        values.InLocals ? $"{values.Name}_{index}" : At(values.Name, index);

    /// <summary>
    /// Straight-line code: each output is a sum of products split into independent FMA chains (one per line when
    /// the sum does not fit on one), added as a tree.
    /// </summary>
    private void EmitUnrolledDense(LayerPlan plan, Values input, Values output, bool applyActivation)
    {
        LayerModel layer = plan.Layer;
        int l = layer.Index;
        if (!input.InLocals)
        {
            // Load the inputs once; every output row reads all of them.
            for (int i = 0; i < layer.FanIn; i++)
            {
                _w.Line($"{T} x{l}_{i} = {ValueAt(input, i)};");
            }
            input = Values.Locals($"x{l}");
        }
        _w.Line($"ref {T} w{l} = ref {Weights(layer)};");
        if (layer.HasBias)
        {
            _w.Line($"ref {T} b{l} = ref {At("p", $"{LayerType(layer)}.Bias")};");
        }

        int chains = System.Math.Min(4, layer.FanIn);
        bool activation = applyActivation && layer.Activation is not (ActivationKind.Identity or ActivationKind.Softmax);
        for (int j = 0; j < layer.Units; j++)
        {
            var expressions = new string[chains];
            for (int c = 0; c < chains; c++)
            {
                string? expression = c == 0 && layer.HasBias ? At($"b{l}", j) : null;
                for (int i = c; i < layer.FanIn; i += chains)
                {
                    int weight = j * layer.FanIn + i;
                    string x = ValueAt(input, i);
                    expression = expression is null
                        ? $"Mul(ref w{l}, {weight}, {x})"
                        : $"Fma(ref w{l}, {weight}, {x}, {expression})";
                }
                expressions[c] = expression!;
            }

            string target = output.InLocals ? $"{T} {ValueAt(output, j)}" : ValueAt(output, j);
            string sum = TreeSum(expressions);
            string value = activation ? $"{_n[plan.ActivationType]}.Apply({sum}, {Alpha(layer)})" : sum;
            if (target.Length + value.Length + 4 + 12 <= IndentedWriter.MaxLength)
            {
                _w.Line($"{target} = {value};");
                continue;
            }
            // One chain per line, then their tree sum.
            var names = new List<string>();
            for (int c = 0; c < chains; c++)
            {
                string name = $"s{l}_{j}_{c}";
                _w.Line($"{T} {name} = {expressions[c]};");
                names.Add(name);
            }
            string total = TreeSum(names);
            _w.Line($"{target} = {(activation ? $"{_n[plan.ActivationType]}.Apply({total}, {Alpha(layer)})" : total)};");
        }
    }

    private static string TreeSum(IReadOnlyList<string> terms)
    {
        if (terms.Count == 1)
        {
            return terms[0];
        }
        // Left to right, each half a sum of its own: (a + b) + (c + d) is written a + b + (c + d).
        int half = (terms.Count + 1) / 2;
        string left = TreeSum(terms.Take(half).ToList());
        string right = TreeSum(terms.Skip(half).ToList());
        return terms.Count - half > 1 ? $"{left} + ({right})" : $"{left} + {right}";
    }

    private void EmitUnrolledSoftmax(LayerModel layer, Values output)
    {
        var terms = Range(layer.Units).Select(j => ValueAt(output, j)).ToList();
        _w.Line($"{T} max = {TreeMax(terms)};");
        for (int j = 0; j < layer.Units; j++)
        {
            _w.Line($"{T} e{j} = {_n.Math}.Exp({ValueAt(output, j)} - max);");
        }
        _w.Line($"{T} scale = {_n.Literal(1)} / ({TreeSum(Range(layer.Units).Select(j => $"e{j}").ToList())});");
        for (int j = 0; j < layer.Units; j++)
        {
            _w.Line($"{At("y", j)} = e{j} * scale;");
        }
    }

    private string TreeMax(IReadOnlyList<string> terms)
    {
        if (terms.Count == 1)
        {
            return terms[0];
        }
        int half = (terms.Count + 1) / 2;
        return $"{_n.Math}.Max({TreeMax(terms.Take(half).ToList())}, {TreeMax(terms.Skip(half).ToList())})";
    }

    /// <summary>
    /// Forward pass keeping every layer's pre-activation z and activation a, the loss and its gradient with
    /// respect to the last z, then per layer (last to first) the weight gradient and the delta of the layer below.
    /// </summary>
    private void EmitBackpropagate()
    {
        LayerPlan last = _plan.Last;
        _w.Line("/// <summary>Backpropagation for one sample: adds the gradient times <paramref name=\"gradientScale\"/> to <paramref name=\"g\"/> and returns");
        _w.Line("/// the loss (a fused SGD step when g is the parameters; skipped when the loss is not finite).</summary>");
        _w.Line(_n.AggressiveOptimization);
        using (_w.Block($"private {T} Backpropagate(ref {T} x, ref {T} t, ref {T} g, {T} gradientScale)"))
        {
            _w.Line(ParameterReference);
            DeclarePlannedBuffer(_plan.Train, tile: false);
            foreach (LayerPlan plan in _plan.Layers.Where(p => !p.HasOwnActivations))
            {
                _w.Line($"ref {T} a{plan.Layer.Index} = ref z{plan.Layer.Index}; // identity: a = z");
            }

            string input = "x";
            foreach (LayerPlan plan in _plan.Layers)
            {
                LayerModel layer = plan.Layer;
                string z = $"z{layer.Index}", a = $"a{layer.Index}";
                _w.Line($"// Forward, {LayerText(layer)}: keeps z and a.");
                if (plan.Form == DenseForm.Unrolled)
                {
                    EmitUnrolledDense(plan, Values.Memory(input), Values.Memory(z), applyActivation: false);
                    if (plan.HasOwnActivations && layer.Activation != ActivationKind.Softmax)
                    {
                        _w.Line($"{_n["Activations"]}.Apply<{T}, {_n[plan.ActivationType]}>(ref {z}, ref {a}, {Number(layer.Units)}, {Alpha(layer)});");
                    }
                }
                else
                {
                    EmitDenseCall(plan, input, z, a);
                }
                if (layer.Activation == ActivationKind.Softmax)
                {
                    _w.Line($"{SpanOf(z, Number(layer.Units), readOnly: true)}.CopyTo({SpanOf(a, Number(layer.Units))});");
                    _w.Line($"{_n.Kernels}.Softmax({SpanOf(a, Number(layer.Units))});");
                }
                input = a;
            }

            _w.Line($"// The loss, and its gradient with respect to z of the output layer ({LossText(_plan.SampleLoss)}).");
            _w.Line($"{T} loss = {LossCall(_plan.SampleLoss, last, "z", "a", "t", "deltaA")};");
            EmitSkipUpdateOfNonFiniteLoss();

            for (int l = last.Layer.Index; l >= 0; l--)
            {
                LayerModel layer = _plan.Layers[l].Layer;
                string delta = DeltaName(l), what = layer.HasBias ? "weight and bias" : "weight";
                if (l == 0)
                {
                    _w.Line($"// Backward, layer {l}: {what} gradients.");
                    _w.Line($"{_n["DenseSample"]}.Gradient{Sizes(layer)}(ref {delta}, ref x, ref g, gradientScale);");
                    continue;
                }
                LayerPlan below = _plan.Layers[l - 1];
                string deltaBelow = DeltaName(l - 1);
                _w.Line($"// Backward, layer {l}: {what} gradients, and the delta of layer {l - 1}.");
                _w.Line($"{_n["DenseSample"]}.Backward{Sizes(layer)}(ref p, ref {delta}, ref a{l - 1}, ref g, gradientScale, ref {deltaBelow});");
                EmitActivationDerivative(below, deltaBelow, Number(layer.FanIn));
            }
            _w.Line("return loss;");
        }
        _w.Line();
    }

    /// <summary>The delta of layer <paramref name="layer"/>: the two delta buffers alternate from the output layer down.</summary>
    private string DeltaName(int layer) => (_plan.Last.Layer.Index - layer) % 2 == 0 ? "deltaA" : "deltaB";

    /// <summary><c>deltaBelow[i] *= f'(z[i], a[i])</c> of the layer below over <paramref name="length"/> values; nothing for identity.</summary>
    private void EmitActivationDerivative(LayerPlan below, string deltaBelow, string length)
    {
        if (!below.HasOwnActivations)
        {
            return;
        }
        int b = below.Layer.Index;
        _w.Line($"{_n["Activations"]}.MultiplyByDerivative<{T}, {_n[below.ActivationType]}>(ref {deltaBelow}, ref z{b}, ref a{b}, {length}, {Alpha(below.Layer)});");
    }

    private static string LossText(LossForm loss) => loss switch
    {
        LossForm.CrossEntropy => "cross-entropy of softmax(z)",
        LossForm.CrossEntropyOfSoftmax => "cross-entropy, from the softmax a",
        LossForm.TileCrossEntropy => "cross-entropy of softmax(z), all lanes at once",
        LossForm.BinaryCrossEntropy => "binary cross-entropy, fused with the sigmoid",
        LossForm.MeanSquaredError => "mean squared error",
        LossForm.MeanSquaredErrorOfSoftmax => "mean squared error, through the softmax",
        _ => throw new System.ArgumentOutOfRangeException(nameof(loss), loss, "A loss the emitter does not know."),
    };

    /// <summary>The runtime call that returns one sample's loss and writes its delta; the names are the <c>ref T</c> rows.</summary>
    private string LossCall(LossForm loss, LayerPlan output, string z, string a, string t, string delta)
    {
        string suffix = z.Length == 1 ? Number(output.Layer.Index) : "";
        z += suffix;
        a += suffix;
        string n = Number(output.Layer.Units);
        string losses = _n["Losses"];
        return loss switch
        {
            LossForm.CrossEntropy => $"{losses}.CrossEntropy(ref {z}, ref {t}, {n}, ref {delta})",
            LossForm.CrossEntropyOfSoftmax => $"{losses}.CrossEntropyOfSoftmax(ref {z}, ref {a}, ref {t}, {n}, ref {delta})",
            LossForm.BinaryCrossEntropy => $"{losses}.BinaryCrossEntropy(ref {a}, ref {t}, {n}, ref {delta})",
            LossForm.MeanSquaredError =>
                $"{losses}.MeanSquaredError<{T}, {_n[output.ActivationType]}>(ref {z}, ref {a}, ref {t}, {n}, ref {delta}, {Alpha(output.Layer)})",
            LossForm.MeanSquaredErrorOfSoftmax => $"{losses}.MeanSquaredErrorOfSoftmax(ref {a}, ref {t}, {n}, ref {delta})",
            _ => throw new System.ArgumentOutOfRangeException(nameof(loss), loss, "A loss the emitter does not know."),
        };
    }

    /// <summary>A fused SGD step (g aliases the parameters) leaves them untouched when the loss is not finite.</summary>
    private void EmitSkipUpdateOfNonFiniteLoss()
    {
        using (_w.Block($"if (!{T}.IsFinite(loss) && {_n.Unsafe}.AreSame(ref g, ref p))"))
        {
            _w.Line("return loss;");
        }
    }
}
