using System;
using System.Collections.Generic;
using System.Linq;
using StaticNet.Generator.Emit.Activations;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

internal sealed partial class NetworkEmitter
{
    /// <summary>Rows of a weight matrix processed together, so each loaded input vector feeds several FMAs.</summary>
    private const int RowBlock = 8;

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

        public string At(int index) => InLocals ? $"{Name}_{index}" : $"{TypeNames.Unsafe}.Add(ref {Name}, {index})";
    }

    /// <summary>Applies a span activation (vectorized tanh, sigmoid) from <paramref name="z"/> to <paramref name="a"/> over <paramref name="length"/> values.</summary>
    private void EmitSpanActivation(ActivationEmitter activation, string z, string a, string length)
    {
        if (activation.SpanKernel is { } kernel)
        {
            _w.Line($"{TypeNames.Kernels}.{kernel}({TypeNames.MemoryMarshal}.CreateReadOnlySpan(ref {z}, {length}), {TypeNames.MemoryMarshal}.CreateSpan(ref {a}, {length}));");
        }
    }

    private static bool IsUnrolled(LayerModel layer) => (long)layer.Units * layer.FanIn <= UnrollLimit;

    /// <summary>
    /// The inference pass: small layers as straight-line scalar code whose values stay in registers, large
    /// layers as Vector&lt;T&gt; loops with compile-time bounds.
    /// </summary>
    private void EmitForward()
    {
        IReadOnlyList<LayerModel> layers = _network.Layers;
        int last = layers.Count - 1;

        // Decide where each layer's outputs live before writing any code.
        var outputs = new Values[layers.Count];
        var buffered = new List<LayerModel>();
        for (int l = 0; l < layers.Count; l++)
        {
            LayerModel layer = layers[l];
            bool locals = l == last
                ? IsUnrolled(layer) && layer.Activation == ActivationKind.Softmax
                : IsUnrolled(layer) && IsUnrolled(layers[l + 1]);
            if (locals)
            {
                outputs[l] = Values.Locals($"h{l}");
            }
            else if (l == last)
            {
                outputs[l] = Values.Memory("y");
            }
            else
            {
                outputs[l] = Values.Memory($"a{l}");
                buffered.Add(layer);
            }
        }

        _w.Line("/// <summary>The forward pass for one sample: <paramref name=\"x\"/> has InputSize values, <paramref name=\"y\"/> receives OutputSize.</summary>");
        _w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
        _w.Open($"private void Forward(ref {T} x, ref {T} y)");
        _w.Line($"ref {T} p = ref {TypeNames.MemoryMarshal}.GetArrayDataReference(_parameters);");
        if (buffered.Count > 0)
        {
            int size = buffered.Sum(b => b.Units);
            DeclareBuffer("buffer", size.ToString(System.Globalization.CultureInfo.InvariantCulture), size, slot: 0);
            int offset = 0;
            foreach (LayerModel layer in buffered)
            {
                string at = offset == 0
                    ? $"{TypeNames.MemoryMarshal}.GetReference(buffer)"
                    : $"{TypeNames.Unsafe}.Add(ref {TypeNames.MemoryMarshal}.GetReference(buffer), {offset})";
                _w.Line($"ref {T} a{layer.Index} = ref {at};");
                offset += layer.Units;
            }
        }

        Values input = Values.Memory("x");
        for (int l = 0; l < layers.Count; l++)
        {
            LayerModel layer = layers[l];
            _w.Line();
            _w.Line($"// Layer {l}: dense {layer.FanIn} -> {layer.Units}, {ActivationText(layer)}{(IsUnrolled(layer) ? ", unrolled" : ", vectorized over the inputs")}");
            ActivationEmitter activation = ActivationEmitter.For(layer.Activation);
            Values output = outputs[l];
            if (IsUnrolled(layer))
            {
                EmitUnrolledDense(layer, input, output, activation);
            }
            else
            {
                EmitPredictDense(layer, input.Name, output.Name, activation);
            }

            if (!activation.IsElementwise)
            {
                _w.Line();
                _w.Line("// Softmax over the outputs (shifted by the maximum, so exp cannot overflow).");
                if (output.InLocals)
                {
                    EmitUnrolledSoftmax(layer, output);
                }
                else
                {
                    _w.Line($"{TypeNames.Kernels}.Softmax({TypeNames.MemoryMarshal}.CreateSpan(ref {output.Name}, {layer.Units}));");
                }
            }
            input = output;
        }
        _w.Close();
        _w.Line();
    }

    /// <summary>Straight-line code: each output is a sum of products split into independent FMA chains, added as a tree.</summary>
    private void EmitUnrolledDense(LayerModel layer, Values input, Values output, ActivationEmitter activation)
    {
        if (!input.InLocals)
        {
            // Load the inputs once; every output row reads all of them.
            string prefix = $"in{layer.Index}";
            for (int i = 0; i < layer.FanIn; i++)
            {
                _w.Line($"{T} {prefix}_{i} = {input.At(i)};");
            }
            input = Values.Locals(prefix);
        }

        _w.Line($"ref {T} weights{layer.Index} = ref {TypeNames.Unsafe}.Add(ref p, {WeightOffsetName(layer)});");
        if (layer.HasBias)
        {
            _w.Line($"ref {T} bias{layer.Index} = ref {TypeNames.Unsafe}.Add(ref p, {BiasOffsetName(layer)});");
        }

        int chains = Math.Min(4, layer.FanIn);
        for (int j = 0; j < layer.Units; j++)
        {
            var chainExpressions = new string[chains];
            for (int c = 0; c < chains; c++)
            {
                string? expression = c == 0 && layer.HasBias ? $"{TypeNames.Unsafe}.Add(ref bias{layer.Index}, {j})" : null;
                for (int i = c; i < layer.FanIn; i += chains)
                {
                    string weight = $"{TypeNames.Unsafe}.Add(ref weights{layer.Index}, {j * layer.FanIn + i})";
                    expression = expression is null
                        ? $"{weight} * {input.At(i)}"
                        : $"{TypeNames.Kernels}.MultiplyAdd({weight}, {input.At(i)}, {expression})";
                }
                chainExpressions[c] = expression!;
            }

            string sum = TreeSum(chainExpressions);
            string value = activation.IsElementwise ? activation.Apply(sum, layer, _types) : sum;
            _w.Line(output.InLocals ? $"{T} {output.At(j)} = {value};" : $"{output.At(j)} = {value};");
        }
    }

    private static string TreeSum(IReadOnlyList<string> terms)
    {
        if (terms.Count == 1)
        {
            return terms[0];
        }
        int half = (terms.Count + 1) / 2;
        string left = TreeSum(terms.Take(half).ToList());
        string right = TreeSum(terms.Skip(half).ToList());
        return $"({left}) + ({right})";
    }

    /// <summary>
    /// The single-sample vector layer: <see cref="RowBlock"/> rows at a time, their dot products stored as one
    /// transposed sum, then the bias and the activation over the whole layer a vector at a time.
    /// </summary>
    private void EmitPredictDense(LayerModel layer, string input, string output, ActivationEmitter activation)
    {
        string kernel = Uses512BitLoop(layer) ? "DotWide" : "Dot";
        _w.Line($"{TypeNames.DenseSample}.{kernel}<{T}, {SizeName(layer.FanIn)}, {SizeName(layer.Units)}>(ref {Weights(layer, "p")}, ref {input}, ref {output});");
        EmitBiasAndActivation(layer, output, activation);
        EmitSpanActivation(activation, output, output, layer.Units.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Whether a layer gets the 512-bit loop: rows of at least 128 inputs (8 iterations or more). Measured on the
    /// benchmark networks, it made the long rows of mnist and wide (784 and 256 inputs, weights streaming from L2)
    /// 8-10% faster, and the short rows of digits (64 and 32 inputs, L1-resident, rarely 64-byte aligned, so
    /// every 512-bit load splits across two cache lines) 7-10% slower.
    /// </summary>
    private static bool Uses512BitLoop(LayerModel layer) => layer.FanIn >= 128;

    /// <summary>Whether a loop over <paramref name="length"/> values a Vector&lt;T&gt; at a time can leave values over (Count is 2 to 16).</summary>
    private static bool MayLeaveTail(int length) => length % 16 != 0;

    /// <summary>
    /// <c>out[j] = f(out[j] + b[j])</c> over the layer: a vector at a time when the activation has a vector form
    /// (or is applied afterwards by a span kernel or the softmax), else one value at a time.
    /// </summary>
    private void EmitBiasAndActivation(LayerModel layer, string output, ActivationEmitter activation)
    {
        bool later = activation.SpanKernel is not null || !activation.IsElementwise;
        string? vectorForm = later ? "z" : activation.ApplyVector("z", layer, _types);
        string scalarForm = later ? "z" : activation.Apply("z", layer, _types);
        if (!layer.HasBias && scalarForm == "z")
        {
            return;
        }
        int units = layer.Units;
        string what = scalarForm == "z" ? "The bias" : layer.HasBias ? $"The bias and {ActivationText(layer)}" : ActivationText(layer);
        what = char.ToUpperInvariant(what[0]) + what.Substring(1);
        string at = $"{TypeNames.Unsafe}.Add(ref {output}, j)";
        string bias = layer.HasBias ? $" + {TypeNames.Unsafe}.Add(ref p, {BiasOffsetName(layer)} + j)" : "";
        _w.Open("");
        if (vectorForm is not null)
        {
            _w.Line($"// {what}, a vector at a time.");
            _w.Line("int j = 0;");
            _w.Open($"for (; j <= {units} - {_types.Lanes}; j += {_types.Lanes})");
            string vectorBias = layer.HasBias ? $" + {TypeNames.Vector}.LoadUnsafe(ref p, (nuint)({BiasOffsetName(layer)} + j))" : "";
            _w.Line($"{_types.VectorT} z = {TypeNames.Vector}.LoadUnsafe(ref {output}, (nuint)j){vectorBias};");
            _w.Line($"{TypeNames.Vector}.StoreUnsafe({vectorForm}, ref {output}, (nuint)j);");
            _w.Close();
            if (MayLeaveTail(units))
            {
                _w.Open($"for (; j < {units}; j++)");
                _w.Line($"{T} z = {at}{bias};");
                _w.Line($"{at} = {scalarForm};");
                _w.Close();
            }
        }
        else
        {
            _w.Line($"// {what}, one value at a time.");
            _w.Open($"for (int j = 0; j < {units}; j++)");
            _w.Line($"{T} z = {at}{bias};");
            _w.Line($"{at} = {scalarForm};");
            _w.Close();
        }
        _w.Close();
    }

    private void EmitUnrolledSoftmax(LayerModel layer, Values output)
    {
        var terms = Enumerable.Range(0, layer.Units).Select(output.At).ToList();
        _w.Line($"{T} max = {TreeMax(terms)};");
        for (int j = 0; j < layer.Units; j++)
        {
            _w.Line($"{T} e{j} = {_types.Math}.Exp({output.At(j)} - max);");
        }
        _w.Line($"{T} scale = {_types.Literal(1)} / ({TreeSum(Enumerable.Range(0, layer.Units).Select(j => $"e{j}").ToList())});");
        for (int j = 0; j < layer.Units; j++)
        {
            _w.Line($"{TypeNames.Unsafe}.Add(ref y, {j}) = e{j} * scale;");
        }
    }

    private string TreeMax(IReadOnlyList<string> terms)
    {
        if (terms.Count == 1)
        {
            return terms[0];
        }
        int half = (terms.Count + 1) / 2;
        return $"{_types.Math}.Max({TreeMax(terms.Take(half).ToList())}, {TreeMax(terms.Skip(half).ToList())})";
    }
}
