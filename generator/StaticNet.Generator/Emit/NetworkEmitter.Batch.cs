using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using StaticNet.Generator.Emit.Activations;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Batch kernels: PredictBatch and AccumulateGradientBatch run tiles of up to <see cref="Tile"/> samples through
/// each layer together. A layer's product for a tile is a matrix product, computed by register-blocked kernels
/// that reuse every loaded weight vector for <see cref="SampleBlock"/> samples and every loaded input vector for
/// <see cref="TileRowBlock"/> weight rows, so large layers stop being bound by reading the weights.
/// </summary>
internal sealed partial class NetworkEmitter
{
    /// <summary>Samples per tile: the intermediate buffers hold this many rows per layer.</summary>
    internal const int Tile = 32;

    /// <summary>Samples sharing each loaded weight vector.</summary>
    private const int SampleBlock = 4;

    /// <summary>Weight rows sharing each loaded input vector in the tile kernel.</summary>
    private const int TileRowBlock = 2;

    private string Tiles(int units) => (Tile * units).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether batches go through the tile kernels. A network whose layers are all unrolled is latency-bound:
    /// its straight-line single-sample code beats any tiling (measured: iris 4-16-3 trains 2.5x faster per
    /// sample), so its batch methods loop over samples instead.
    /// </summary>
    private bool UsesTiles => _network.Layers.Any(layer => !IsUnrolled(layer));

    // ---- public entry points ----------------------------------------------------------------------------

    private void EmitPredictBatch()
    {
        _w.Line("/// <summary>Computes the outputs of many samples stored row-major: <paramref name=\"inputs\"/> is [count x InputSize], <paramref name=\"outputs\"/> [count x OutputSize].</summary>");
        _w.Line(UsesTiles
            ? "/// <remarks>Runs tiles of samples through each layer together, reusing every loaded weight for several samples.</remarks>"
            : "/// <remarks>Runs the samples one by one through the unrolled forward pass, which beats tiling for a network this small.</remarks>");
        _w.Open($"public void PredictBatch(global::System.ReadOnlySpan<{T}> inputs, global::System.Span<{T}> outputs)");
        _w.Line("int count = inputs.Length / InputSize;");
        _w.Open("if (count * InputSize != inputs.Length)");
        _w.Line("global::StaticNet.ThrowHelper.NotMultipleOfRow(nameof(inputs), inputs.Length, InputSize);");
        _w.Close();
        _w.Open("if (outputs.Length != count * OutputSize)");
        _w.Line("global::StaticNet.ThrowHelper.WrongBatchLength(nameof(outputs), outputs.Length, count * OutputSize);");
        _w.Close();
        if (!UsesTiles)
        {
            DeclareNormalizedInput();
            _w.Open("for (int row = 0; row < count; row++)");
            _w.Line($"Forward({InputReference("inputs.Slice(row * InputSize, InputSize)", declared: true)}, ref {TypeNames.Unsafe}.Add(ref {TypeNames.MemoryMarshal}.GetReference(outputs), row * OutputSize));");
            _w.Close();
            _w.Close();
            _w.Line();
            return;
        }
        EmitSmallBatchFallback("Predict(inputs.Slice(row * InputSize, InputSize), outputs.Slice(row * OutputSize, OutputSize));", returnsLoss: false);
        if (HasNormalization)
        {
            DeclareBuffer("normalized", Tiles(_network.InputSize), Tile * _network.InputSize, slot: 2);
        }
        _w.Open($"for (int start = 0; start < count; start += {Tile})");
        _w.Line($"int tile = global::System.Math.Min({Tile}, count - start);");
        _w.Line($"ForwardTile({TileInputReference("inputs")}, ref {TypeNames.Unsafe}.Add(ref {TypeNames.MemoryMarshal}.GetReference(outputs), start * OutputSize), tile);");
        _w.Close();
        _w.Close();
        _w.Line();
    }

    private void EmitAccumulateGradientBatch()
    {
        string span = $"global::System.Span<{T}>";
        string readOnlySpan = $"global::System.ReadOnlySpan<{T}>";
        bool single = _network.OutputSize == 1;
        string classes = single ? "2" : "OutputSize";

        _w.Line("/// <summary>");
        _w.Line("/// Adds (+=) the gradients of many samples' losses to <paramref name=\"gradient\"/> and returns the sum of the losses:");
        _w.Line("/// <paramref name=\"inputs\"/> is [count x InputSize], <paramref name=\"targets\"/> [count x OutputSize], row-major.");
        _w.Line(UsesTiles
            ? "/// Divide by the count for PyTorch's mean reduction. Tiles of samples share every loaded weight."
            : "/// Divide by the count for PyTorch's mean reduction.");
        _w.Line("/// </summary>");
        _w.Open($"public {T} AccumulateGradientBatch({readOnlySpan} inputs, {readOnlySpan} targets, {span} gradient)");
        EmitBatchChecks("targets.Length", "count * OutputSize", "targets");
        _w.Line($"{T} loss = {_types.Literal(0)};");
        if (!UsesTiles)
        {
            DeclareNormalizedInput();
            _w.Open("for (int row = 0; row < count; row++)");
            _w.Line($"loss += Backpropagate({InputReference("inputs.Slice(row * InputSize, InputSize)", declared: true)}, ref {TypeNames.Unsafe}.Add(ref {TypeNames.MemoryMarshal}.GetReference(targets), row * OutputSize), ref {TypeNames.MemoryMarshal}.GetReference(gradient));");
            _w.Close();
            _w.Line("return loss;");
            _w.Close();
            _w.Line();
        }
        else
        {
        EmitSmallBatchFallback("total += AccumulateGradient(inputs.Slice(row * InputSize, InputSize), targets.Slice(row * OutputSize, OutputSize), gradient);", returnsLoss: true);
        _w.Open($"for (int start = 0; start < count; start += {Tile})");
        _w.Line($"int tile = global::System.Math.Min({Tile}, count - start);");
        _w.Line($"loss += BackpropagateTile({TileInputReference("inputs")}, ref {TypeNames.Unsafe}.Add(ref {TypeNames.MemoryMarshal}.GetReference(targets), start * OutputSize), tile, ref {TypeNames.MemoryMarshal}.GetReference(gradient));");
        _w.Close();
        _w.Line("return loss;");
        _w.Close();
        _w.Line();
        }

        _w.Line(single
            ? "/// <summary>Adds the gradients of many samples' losses against class labels (0 or 1, the single output's target) and returns the sum of the losses.</summary>"
            : "/// <summary>Adds the gradients of many samples' losses against class labels (one-hot targets) and returns the sum of the losses.</summary>");
        _w.Open($"public {T} AccumulateGradientBatch({readOnlySpan} inputs, global::System.ReadOnlySpan<int> labels, {span} gradient)");
        EmitBatchChecks("labels.Length", "count", "labels");
        if (!UsesTiles)
        {
            _w.Line($"{T} loss = {_types.Literal(0)};");
            _w.Open("for (int row = 0; row < count; row++)");
            _w.Line("loss += AccumulateGradient(inputs.Slice(row * InputSize, InputSize), labels[row], gradient);");
            _w.Close();
            _w.Line("return loss;");
            _w.Close();
            _w.Line();
            return;
        }
        EmitSmallBatchFallback("total += AccumulateGradient(inputs.Slice(row * InputSize, InputSize), labels[row], gradient);", returnsLoss: true);
        DeclareBuffer("targets", Tiles(_network.OutputSize), Tile * _network.OutputSize, slot: 1);
        _w.Line($"{T} loss = {_types.Literal(0)};");
        _w.Open($"for (int start = 0; start < count; start += {Tile})");
        _w.Line($"int tile = global::System.Math.Min({Tile}, count - start);");
        _w.Line("targets.Clear();");
        _w.Open("for (int s = 0; s < tile; s++)");
        _w.Line("int label = labels[start + s];");
        _w.Open($"if ((uint)label >= {classes})");
        _w.Line($"global::StaticNet.ThrowHelper.LabelOutOfRange(nameof(labels), label, {classes});");
        _w.Close();
        _w.Line(single ? "targets[s] = label;" : $"targets[s * OutputSize + label] = {_types.Literal(1)};");
        _w.Close();
        _w.Line($"loss += BackpropagateTile({TileInputReference("inputs")}, ref {TypeNames.MemoryMarshal}.GetReference(targets), tile, ref {TypeNames.MemoryMarshal}.GetReference(gradient));");
        _w.Close();
        _w.Line("return loss;");
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// Fewer samples than a sample block gain nothing from tiling and pay for its set-up (measured: a batch of
    /// one trained 17-33% slower), so they take the single-sample path.
    /// </summary>
    private void EmitSmallBatchFallback(string perRow, bool returnsLoss)
    {
        _w.Open($"if (count < {SampleBlock})");
        if (returnsLoss)
        {
            _w.Line($"{T} total = {_types.Literal(0)};");
        }
        _w.Open("for (int row = 0; row < count; row++)");
        _w.Line(perRow);
        _w.Close();
        _w.Line(returnsLoss ? "return total;" : "return;");
        _w.Close();
    }

    private void EmitBatchChecks(string otherLength, string expectedOther, string otherName)
    {
        _w.Line("int count = inputs.Length / InputSize;");
        _w.Open("if (count * InputSize != inputs.Length)");
        _w.Line("global::StaticNet.ThrowHelper.NotMultipleOfRow(nameof(inputs), inputs.Length, InputSize);");
        _w.Close();
        _w.Open($"if ({otherLength} != {expectedOther})");
        _w.Line($"global::StaticNet.ThrowHelper.WrongBatchLength(nameof({otherName}), {otherLength}, {expectedOther});");
        _w.Close();
        CheckLength("gradient", "ParameterCount");
        if (HasNormalization && UsesTiles)
        {
            DeclareBuffer("normalized", Tiles(_network.InputSize), Tile * _network.InputSize, slot: 2);
        }
    }

    /// <summary>
    /// The <c>ref T</c> of the tile starting at row <c>start</c> of <paramref name="inputs"/>; with input
    /// normalization, the rows are first normalized into the <c>normalized</c> buffer.
    /// </summary>
    private string TileInputReference(string inputs)
    {
        if (!HasNormalization)
        {
            return $"ref {TypeNames.Unsafe}.Add(ref {TypeNames.MemoryMarshal}.GetReference({inputs}), start * InputSize)";
        }
        _w.Open("for (int s = 0; s < tile; s++)");
        _w.Line($"global::StaticNet.InputNormalization.Apply<{T}>({inputs}.Slice((start + s) * InputSize, InputSize), _normalization, normalized.Slice(s * InputSize, InputSize));");
        _w.Close();
        return $"ref {TypeNames.MemoryMarshal}.GetReference(normalized)";
    }

    // ---- tile passes --------------------------------------------------------------------------------

    private void EmitForwardTile()
    {
        IReadOnlyList<LayerModel> layers = _network.Layers;
        int last = layers.Count - 1;
        _w.Line($"/// <summary>The forward pass for <paramref name=\"count\"/> (at most {Tile}) samples stored row-major.</summary>");
        _w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
        _w.Open($"private void ForwardTile(ref {T} x, ref {T} y, int count)");
        _w.Line($"ref {T} p = ref {TypeNames.MemoryMarshal}.GetArrayDataReference(_parameters);");
        int hidden = layers.Take(last).Sum(l => l.Units);
        if (hidden > 0)
        {
            DeclareBuffer("buffer", Tiles(hidden), Tile * hidden, slot: 0);
            int offset = 0;
            foreach (LayerModel layer in layers.Take(last))
            {
                _w.Line($"ref {T} a{layer.Index} = ref {At($"{TypeNames.MemoryMarshal}.GetReference(buffer)", offset)};");
                offset += Tile * layer.Units;
            }
        }

        string input = "x";
        foreach (LayerModel layer in layers)
        {
            string output = layer.Index == last ? "y" : $"a{layer.Index}";
            ActivationEmitter activation = ActivationEmitter.For(layer.Activation);
            _w.Line();
            _w.Line($"// Layer {layer.Index}: dense {layer.FanIn} -> {layer.Units}, {ActivationText(layer)}, for the whole tile");
            bool storeActivated = activation.IsElementwise && activation.SpanKernel is null;
            EmitDenseTile(layer, input, output, null, (k, row, sum) => _w.Line(storeActivated
                ? $"{TypeNames.Unsafe}.Add(ref {output}Row{k}, {row}) = {activation.Apply(sum, layer, _types)};"
                : $"{TypeNames.Unsafe}.Add(ref {output}Row{k}, {row}) = {sum};"));
            EmitSpanActivation(activation, output, output, $"count * {layer.Units}");
            if (!activation.IsElementwise)
            {
                EmitTileSoftmax(output, layer.Units);
            }
            input = output;
        }
        _w.Close();
        _w.Line();
    }

    private void EmitTileSoftmax(string values, int units)
    {
        _w.Open("for (int s = 0; s < count; s++)");
        _w.Line($"ref {T} row = ref {TypeNames.Unsafe}.Add(ref {values}, s * {units});");
        EmitSoftmaxInPlace("row", units);
        _w.Close();
    }

    private void EmitBackpropagateTile()
    {
        IReadOnlyList<LayerModel> layers = _network.Layers;
        int last = layers.Count - 1;
        int maxUnits = layers.Max(l => l.Units);
        int size = Tile * (layers.Sum(l => (HasOwnActivations(l) ? 2 : 1) * l.Units) + 2 * maxUnits);

        _w.Line($"/// <summary>Backpropagation for <paramref name=\"count\"/> (at most {Tile}) samples; adds their gradients to <paramref name=\"g\"/> and returns the sum of their losses.</summary>");
        _w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
        _w.Open($"private {T} BackpropagateTile(ref {T} x, ref {T} t, int count, ref {T} g)");
        _w.Line($"ref {T} p = ref {TypeNames.MemoryMarshal}.GetArrayDataReference(_parameters);");
        DeclareBuffer("buffer", size.ToString(CultureInfo.InvariantCulture), size, slot: 0);
        DeclareTrainingBuffers(rows: Tile, maxUnits);

        string input = "x";
        foreach (LayerModel layer in layers)
        {
            ActivationEmitter activation = ActivationEmitter.For(layer.Activation);
            _w.Line();
            _w.Line($"// Forward, layer {layer.Index}: dense {layer.FanIn} -> {layer.Units}, {ActivationText(layer)}, keeping z and a of the tile");
            bool storeActivation = HasOwnActivations(layer) && activation.IsElementwise && activation.SpanKernel is null;
            EmitDenseTile(layer, input, $"z{layer.Index}", storeActivation ? $"a{layer.Index}" : null, (k, row, sum) =>
            {
                _w.Line($"{TypeNames.Unsafe}.Add(ref z{layer.Index}Row{k}, {row}) = {sum};");
                if (storeActivation)
                {
                    _w.Line($"{TypeNames.Unsafe}.Add(ref a{layer.Index}Row{k}, {row}) = {activation.Apply(sum, layer, _types)};");
                }
            });
            EmitSpanActivation(activation, $"z{layer.Index}", $"a{layer.Index}", $"count * {layer.Units}");
            if (!activation.IsElementwise)
            {
                _w.Line($"{TypeNames.MemoryMarshal}.CreateReadOnlySpan(ref z{layer.Index}, count * {layer.Units}).CopyTo({TypeNames.MemoryMarshal}.CreateSpan(ref a{layer.Index}, count * {layer.Units}));");
                EmitTileSoftmax($"a{layer.Index}", layer.Units);
            }
            input = $"a{layer.Index}";
        }

        LayerModel output = layers[last];
        string delta = DeltaName(last, last);
        _w.Line();
        _w.Line($"{T} loss = {_types.Literal(0)};");
        _w.Open("for (int s = 0; s < count; s++)");
        _w.Line($"ref {T} zRow = ref {TypeNames.Unsafe}.Add(ref z{last}, s * {output.Units});");
        _w.Line($"ref {T} aRow = ref {TypeNames.Unsafe}.Add(ref a{last}, s * {output.Units});");
        _w.Line($"ref {T} tRow = ref {TypeNames.Unsafe}.Add(ref t, s * {output.Units});");
        _w.Line($"ref {T} deltaRow = ref {TypeNames.Unsafe}.Add(ref {delta}, s * {output.Units});");
        _w.Line($"{T} sampleLoss = {_types.Literal(0)};");
        EmitLoss(output, "zRow", "aRow", "tRow", "deltaRow", "sampleLoss");
        _w.Line("loss += sampleLoss;");
        _w.Close();

        for (int l = last; l >= 0; l--)
        {
            EmitLayerBackwardTile(layers[l], l == 0 ? "x" : $"a{l - 1}", DeltaName(l, last), l == 0 ? null : DeltaName(l - 1, last), l == 0 ? null : layers[l - 1]);
        }
        _w.Line("return loss;");
        _w.Close();
        _w.Line();
    }

    // ---- kernels ------------------------------------------------------------------------------------

    /// <summary>
    /// z[s, j] = W[j,:] · in[s,:] + b[j] for the <c>count</c> samples of a tile: blocks of
    /// <see cref="SampleBlock"/> samples x <see cref="TileRowBlock"/> rows accumulate in registers, the samples
    /// left over go one at a time. Row references <c>{output}Row{k}</c> (and <c>{second}Row{k}</c>) point at
    /// sample k's row of the block; <paramref name="store"/> writes one value given k, the row index and the
    /// variable holding z.
    /// </summary>
    private void EmitDenseTile(LayerModel layer, string input, string output, string? second, Action<int, string, string> store)
    {
        int units = layer.Units;
        _w.Open("");
        _w.Line("int s = 0;");
        _w.Open($"for (; s <= count - {SampleBlock}; s += {SampleBlock})");
        EmitSampleRows(input, output, second, layer, SampleBlock, "s");
        int fullRows = units / TileRowBlock * TileRowBlock;
        if (fullRows > 0)
        {
            _w.Open($"for (int j = 0; j < {fullRows}; j += {TileRowBlock})");
            EmitTileBlock(layer, SampleBlock, TileRowBlock, store);
            _w.Close();
        }
        if (units > fullRows)
        {
            _w.Open("");
            _w.Line($"const int j = {fullRows};");
            EmitTileBlock(layer, SampleBlock, units - fullRows, store);
            _w.Close();
        }
        _w.Close();
        _w.Open("for (; s < count; s++)");
        EmitSampleRows(input, output, second, layer, 1, "s");
        if (fullRows > 0)
        {
            _w.Open($"for (int j = 0; j < {fullRows}; j += {TileRowBlock})");
            EmitTileBlock(layer, 1, TileRowBlock, store);
            _w.Close();
        }
        if (units > fullRows)
        {
            _w.Open("");
            _w.Line($"const int j = {fullRows};");
            EmitTileBlock(layer, 1, units - fullRows, store);
            _w.Close();
        }
        _w.Close();
        _w.Close();
    }

    private void EmitSampleRows(string input, string output, string? second, LayerModel layer, int samples, string s)
    {
        for (int k = 0; k < samples; k++)
        {
            string row = k == 0 ? s : $"({s} + {k})";
            _w.Line($"ref {T} in{k} = ref {TypeNames.Unsafe}.Add(ref {input}, {row} * {layer.FanIn});");
            _w.Line($"ref {T} {output}Row{k} = ref {TypeNames.Unsafe}.Add(ref {output}, {row} * {layer.Units});");
            if (second is not null)
            {
                _w.Line($"ref {T} {second}Row{k} = ref {TypeNames.Unsafe}.Add(ref {second}, {row} * {layer.Units});");
            }
        }
    }

    private void EmitTileBlock(LayerModel layer, int samples, int rows, Action<int, string, string> store)
    {
        int fanIn = layer.FanIn;
        string vector = _types.VectorT;
        string lanes = _types.Lanes;
        string load = TypeNames.Vector + ".LoadUnsafe";
        string fma = TypeNames.Kernels + ".MultiplyAdd";
        _w.Line($"ref {T} w0 = ref {TypeNames.Unsafe}.Add(ref p, {WeightOffsetName(layer)} + j * {fanIn});");
        for (int r = 1; r < rows; r++)
        {
            _w.Line($"ref {T} w{r} = ref {TypeNames.Unsafe}.Add(ref w0, {r * fanIn});");
        }
        IEnumerable<(int S, int R)> pairs = Enumerable.Range(0, samples).SelectMany(k => Enumerable.Range(0, rows).Select(r => (k, r))).ToList();
        _w.Line($"{vector} " + string.Join(", ", pairs.Select(q => $"acc{q.S}{q.R} = {vector}.Zero")) + ";");
        _w.Line("int i = 0;");
        _w.Open($"for (; i <= {fanIn} - {lanes}; i += {lanes})");
        for (int r = 0; r < rows; r++)
        {
            _w.Line($"{vector} vw{r} = {load}(ref w{r}, (nuint)i);");
        }
        for (int k = 0; k < samples; k++)
        {
            _w.Line($"{vector} vx{k} = {load}(ref in{k}, (nuint)i);");
        }
        foreach ((int k, int r) in pairs)
        {
            _w.Line($"acc{k}{r} = {fma}(vw{r}, vx{k}, acc{k}{r});");
        }
        _w.Close();
        _w.Line($"{T} " + string.Join(", ", pairs.Select(q => $"d{q.S}{q.R} = {TypeNames.Vector}.Sum(acc{q.S}{q.R})")) + ";");
        _w.Open($"for (; i < {fanIn}; i++)");
        for (int r = 0; r < rows; r++)
        {
            _w.Line($"{T} sw{r} = {TypeNames.Unsafe}.Add(ref w{r}, i);");
        }
        for (int k = 0; k < samples; k++)
        {
            _w.Line($"{T} sx{k} = {TypeNames.Unsafe}.Add(ref in{k}, i);");
        }
        foreach ((int k, int r) in pairs)
        {
            _w.Line($"d{k}{r} = {fma}(sw{r}, sx{k}, d{k}{r});");
        }
        _w.Close();
        foreach ((int k, int r) in pairs)
        {
            string rowIndex = r == 0 ? "j" : $"j + {r}";
            string bias = layer.HasBias ? $" + {TypeNames.Unsafe}.Add(ref p, {BiasOffsetName(layer)} + {rowIndex})" : "";
            _w.Line($"{T} sum{k}{r} = d{k}{r}{bias};");
            store(k, rowIndex, $"sum{k}{r}");
        }
    }

    /// <summary>
    /// For each weight row j: g_W[j,:] += sum_s delta[s,j] in[s,:] and g_b[j] += sum_s delta[s,j], and (when
    /// there is a layer below) deltaBelow[s,:] += delta[s,j] W[j,:], <see cref="SampleBlock"/> samples per loaded
    /// weight and gradient vector; then deltaBelow *= f'(z) of the layer below.
    /// </summary>
    private void EmitLayerBackwardTile(LayerModel layer, string input, string delta, string? deltaBelow, LayerModel? below)
    {
        int fanIn = layer.FanIn, units = layer.Units;
        string vector = _types.VectorT;
        string lanes = _types.Lanes;
        string unsafeAdd = TypeNames.Unsafe + ".Add";
        string load = TypeNames.Vector + ".LoadUnsafe";
        string storeVector = TypeNames.Vector + ".StoreUnsafe";
        string fma = TypeNames.Kernels + ".MultiplyAdd";

        _w.Line();
        _w.Line($"// Backward, layer {layer.Index}: gradients of the whole tile{(deltaBelow is null ? "" : $", and the delta of layer {layer.Index - 1}")}.");
        if (deltaBelow is not null)
        {
            _w.Line($"{TypeNames.MemoryMarshal}.CreateSpan(ref {deltaBelow}, count * {fanIn}).Clear();");
        }
        _w.Open($"for (int j = 0; j < {units}; j++)");
        _w.Line($"ref {T} gw = ref {unsafeAdd}(ref g, {WeightOffsetName(layer)} + j * {fanIn});");
        if (deltaBelow is not null)
        {
            _w.Line($"ref {T} w = ref {unsafeAdd}(ref p, {WeightOffsetName(layer)} + j * {fanIn});");
        }
        if (layer.HasBias)
        {
            _w.Line($"{T} biasGradient = {_types.Literal(0)};");
        }
        _w.Line("int s = 0;");
        foreach (int samples in new[] { SampleBlock, 1 })
        {
            _w.Open(samples == SampleBlock ? $"for (; s <= count - {SampleBlock}; s += {SampleBlock})" : "for (; s < count; s++)");
            for (int k = 0; k < samples; k++)
            {
                string row = k == 0 ? "s" : $"(s + {k})";
                _w.Line($"{T} d{k} = {unsafeAdd}(ref {delta}, {row} * {units} + j);");
                _w.Line($"ref {T} in{k} = ref {unsafeAdd}(ref {input}, {row} * {fanIn});");
                if (deltaBelow is not null)
                {
                    _w.Line($"ref {T} below{k} = ref {unsafeAdd}(ref {deltaBelow}, {row} * {fanIn});");
                }
            }
            if (layer.HasBias)
            {
                _w.Line("biasGradient += " + string.Join(" + ", Enumerable.Range(0, samples).Select(k => $"d{k}")) + ";");
            }
            _w.Line($"{vector} " + string.Join(", ", Enumerable.Range(0, samples).Select(k => $"dv{k} = new {vector}(d{k})")) + ";");
            _w.Line("int i = 0;");
            _w.Open($"for (; i <= {fanIn} - {lanes}; i += {lanes})");
            _w.Line($"{vector} gv = {load}(ref gw, (nuint)i);");
            for (int k = 0; k < samples; k++)
            {
                _w.Line($"gv = {fma}(dv{k}, {load}(ref in{k}, (nuint)i), gv);");
            }
            _w.Line($"{storeVector}(gv, ref gw, (nuint)i);");
            if (deltaBelow is not null)
            {
                _w.Line($"{vector} wv = {load}(ref w, (nuint)i);");
                for (int k = 0; k < samples; k++)
                {
                    _w.Line($"{storeVector}({fma}(dv{k}, wv, {load}(ref below{k}, (nuint)i)), ref below{k}, (nuint)i);");
                }
            }
            _w.Close();
            _w.Open($"for (; i < {fanIn}; i++)");
            _w.Line($"{T} gs = {unsafeAdd}(ref gw, i);");
            for (int k = 0; k < samples; k++)
            {
                _w.Line($"gs = {fma}(d{k}, {unsafeAdd}(ref in{k}, i), gs);");
            }
            _w.Line($"{unsafeAdd}(ref gw, i) = gs;");
            if (deltaBelow is not null)
            {
                _w.Line($"{T} ws = {unsafeAdd}(ref w, i);");
                for (int k = 0; k < samples; k++)
                {
                    _w.Line($"{unsafeAdd}(ref below{k}, i) = {fma}(d{k}, ws, {unsafeAdd}(ref below{k}, i));");
                }
            }
            _w.Close();
            _w.Close();
        }
        if (layer.HasBias)
        {
            _w.Line($"{unsafeAdd}(ref g, {BiasOffsetName(layer)} + j) += biasGradient;");
        }
        _w.Close();

        EmitActivationDerivative(below, deltaBelow, $"count * {fanIn}");
    }
}
