using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using StaticNet.Generator.Emit.Activations;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Batch kernels: PredictBatch and AccumulateGradientBatch run tiles of <c>TileVectors * Vector&lt;T&gt;.Count</c>
/// samples through each layer together. Inside a tile, values are feature-major (one row per unit, one lane per
/// sample), so a layer is a matrix product whose register-blocked kernels broadcast one weight and multiply it
/// into whole vectors of samples: no horizontal sums, every loaded weight used for a vector of samples, every
/// loaded vector of samples for <see cref="KernelRows"/> weights. The weight gradient, a sum over the tile's
/// samples, reads the layer inputs one sample row at a time instead (<see cref="GradientRows"/> x
/// <see cref="GradientVectors"/> blocks).
/// </summary>
internal sealed partial class NetworkEmitter
{
    /// <summary>Vectors of samples per tile: a tile holds this many times <c>Vector&lt;T&gt;.Count</c> samples.</summary>
    internal const int TileVectors = 4;

    /// <summary>Weight rows (or weight columns, for the delta of the layer below) per register block.</summary>
    private const int KernelRows = 4;

    /// <summary>Weight rows per register block of the weight-gradient kernel.</summary>
    private const int GradientRows = 4;

    /// <summary>Vectors of a weight row per register block of the weight-gradient kernel.</summary>
    private const int GradientVectors = 4;

    /// <summary>The most samples a tile can hold (512-bit vectors), for sizing buffers at generation time.</summary>
    private int MaxTileWidth => TileVectors * 64 / ElementSize;

    /// <summary>The length expression and worst-case length of a buffer of <paramref name="rows"/> tile rows.</summary>
    private (string Expression, int Length) TileRows(int rows) =>
        ($"{rows.ToString(CultureInfo.InvariantCulture)} * TileWidth", rows * MaxTileWidth);

    // ---- public entry points ----------------------------------------------------------------------------

    private void EmitPredictBatch()
    {
        _w.Line("/// <summary>Computes the outputs of many samples stored row-major: <paramref name=\"inputs\"/> is [count x InputSize], <paramref name=\"outputs\"/> [count x OutputSize].</summary>");
        _w.Line("/// <remarks>Runs tiles of samples through each layer together, every loaded weight multiplied into a vector of samples.</remarks>");
        _w.Open($"public void PredictBatch(global::System.ReadOnlySpan<{T}> inputs, global::System.Span<{T}> outputs)");
        _w.Line("int count = inputs.Length / InputSize;");
        _w.Open("if (count * InputSize != inputs.Length)");
        _w.Line("global::StaticNet.ThrowHelper.NotMultipleOfRow(nameof(inputs), inputs.Length, InputSize);");
        _w.Close();
        _w.Open("if (outputs.Length != count * OutputSize)");
        _w.Line("global::StaticNet.ThrowHelper.WrongBatchLength(nameof(outputs), outputs.Length, count * OutputSize);");
        _w.Close();
        EmitSmallBatchFallback("Predict(inputs.Slice(row * InputSize, InputSize), outputs.Slice(row * OutputSize, OutputSize));", returnsLoss: false);
        if (HasNormalization)
        {
            DeclareTileBuffer("normalized", _network.InputSize, slot: 2);
        }
        _w.Open($"for (int start = 0; start < count; start += TileWidth)");
        _w.Line($"int tile = global::System.Math.Min(TileWidth, count - start);");
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

        _w.Line("/// <summary>");
        _w.Line("/// Adds (+=) the gradients of many samples' losses to <paramref name=\"gradient\"/> and returns the sum of the losses:");
        _w.Line("/// <paramref name=\"inputs\"/> is [count x InputSize], <paramref name=\"targets\"/> [count x OutputSize], row-major.");
        _w.Line("/// Divide by the count for PyTorch's mean reduction. Tiles of samples share every loaded weight.");
        _w.Line("/// </summary>");
        _w.Open($"public {T} AccumulateGradientBatch({readOnlySpan} inputs, {readOnlySpan} targets, {span} gradient)");
        EmitBatchChecks("targets.Length", "count * OutputSize", "targets");
        _w.Line($"{T} loss = {_types.Literal(0)};");
        EmitSmallBatchFallback("total += AccumulateGradient(inputs.Slice(row * InputSize, InputSize), targets.Slice(row * OutputSize, OutputSize), gradient);", returnsLoss: true);
        _w.Open($"for (int start = 0; start < count; start += TileWidth)");
        _w.Line($"int tile = global::System.Math.Min(TileWidth, count - start);");
        _w.Line($"loss += BackpropagateTile({TileInputReference("inputs")}, ref {TypeNames.Unsafe}.Add(ref {TypeNames.MemoryMarshal}.GetReference(targets), start * OutputSize), tile, ref {TypeNames.MemoryMarshal}.GetReference(gradient), {_types.Literal(1)});");
        _w.Close();
        _w.Line("return loss;");
        _w.Close();
        _w.Line();

        _w.Line(single
            ? "/// <summary>Adds the gradients of many samples' losses against class labels (0 or 1, the single output's target) and returns the sum of the losses.</summary>"
            : "/// <summary>Adds the gradients of many samples' losses against class labels (one-hot targets) and returns the sum of the losses.</summary>");
        _w.Open($"public {T} AccumulateGradientBatch({readOnlySpan} inputs, global::System.ReadOnlySpan<int> labels, {span} gradient)");
        EmitBatchChecks("labels.Length", "count", "labels");
        EmitSmallBatchFallback("total += AccumulateGradient(inputs.Slice(row * InputSize, InputSize), labels[row], gradient);", returnsLoss: true);
        DeclareTileBuffer("targets", _network.OutputSize, slot: 1);
        _w.Line($"{T} loss = {_types.Literal(0)};");
        _w.Open($"for (int start = 0; start < count; start += TileWidth)");
        _w.Line($"int tile = global::System.Math.Min(TileWidth, count - start);");
        EmitOneHotTargets();
        _w.Line($"loss += BackpropagateTile({TileInputReference("inputs")}, ref {TypeNames.MemoryMarshal}.GetReference(targets), tile, ref {TypeNames.MemoryMarshal}.GetReference(gradient), {_types.Literal(1)});");
        _w.Close();
        _w.Line("return loss;");
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// TrySgdStep: a mini-batch that fits one tile goes through one backward pass whose gradient goes straight into
    /// the parameters, scaled by -learningRate / count (a single sample takes the single-sample pass).
    /// </summary>
    private void EmitSgdStep()
    {
        string readOnlySpan = $"global::System.ReadOnlySpan<{T}>";
        foreach (bool byLabel in new[] { false, true })
        {
            _w.Line("/// <summary>");
            _w.Line(byLabel
                ? "/// One step of plain SGD on a mini-batch against class labels, fused with backpropagation: the parameters move by"
                : "/// One step of plain SGD on a mini-batch, fused with backpropagation: the parameters move by");
            _w.Line("/// -<paramref name=\"learningRate\"/> times the mean gradient, with no gradient buffer. Returns false, doing nothing, for a batch");
            _w.Line("/// larger than one tile (TileWidth samples); a non-finite loss leaves the parameters unchanged.");
            _w.Line("/// </summary>");
            _w.Open(byLabel
                ? $"public bool TrySgdStep({readOnlySpan} inputs, global::System.ReadOnlySpan<int> labels, {T} learningRate, out {T} lossSum)"
                : $"public bool TrySgdStep({readOnlySpan} inputs, {readOnlySpan} targets, {T} learningRate, out {T} lossSum)");
            _w.Line("global::StaticNet.ThrowHelper.CheckLearningRate(learningRate, nameof(learningRate));");
            _w.Line("int count = inputs.Length / InputSize;");
            _w.Open("if (count * InputSize != inputs.Length)");
            _w.Line("global::StaticNet.ThrowHelper.NotMultipleOfRow(nameof(inputs), inputs.Length, InputSize);");
            _w.Close();
            string otherLength = byLabel ? "labels.Length" : "targets.Length";
            string expected = byLabel ? "count" : "count * OutputSize";
            _w.Open($"if ({otherLength} != {expected})");
            _w.Line($"global::StaticNet.ThrowHelper.WrongBatchLength(nameof({(byLabel ? "labels" : "targets")}), {otherLength}, {expected});");
            _w.Close();
            _w.Line($"lossSum = {_types.Literal(0)};");
            _w.Open("if (count == 0 || count > TileWidth)");
            _w.Line("return false;");
            _w.Close();
            string target = "ref " + TypeNames.MemoryMarshal + ".GetReference(targets)";
            if (byLabel)
            {
                DeclareTileBuffer("targets", _network.OutputSize, slot: 1);
                _w.Line("const int start = 0;");
                _w.Line("int tile = count;");
                EmitOneHotTargets();
            }
            if (HasNormalization)
            {
                DeclareTileBuffer("normalized", _network.InputSize, slot: 2);
            }
            if (!byLabel)
            {
                _w.Line("const int start = 0;");
                _w.Line("int tile = count;");
            }
            string input = TileInputReference("inputs");
            _w.Line($"ref {T} p = ref {TypeNames.MemoryMarshal}.GetArrayDataReference(_parameters);");
            _w.Line($"{T} gradientScale = -learningRate / count;");
            _w.Line($"lossSum = count == 1 ? Backpropagate({input}, {target}, ref p, gradientScale) : BackpropagateTile({input}, {target}, tile, ref p, gradientScale);");
            _w.Line("return true;");
            _w.Close();
            _w.Line();
        }
    }

    /// <summary>
    /// Fills the <c>targets</c> buffer with the one-hot targets (0/1 for a single output) of labels
    /// <c>start .. start + tile</c>, checking each label.
    /// </summary>
    private void EmitOneHotTargets()
    {
        bool single = _network.OutputSize == 1;
        string classes = single ? "2" : "OutputSize";
        _w.Line("targets.Slice(0, tile * OutputSize).Clear();");
        _w.Open("for (int s = 0; s < tile; s++)");
        _w.Line("int label = labels[start + s];");
        _w.Open($"if ((uint)label >= {classes})");
        _w.Line($"global::StaticNet.ThrowHelper.LabelOutOfRange(nameof(labels), label, {classes});");
        _w.Close();
        _w.Line(single ? "targets[s] = label;" : $"targets[s * OutputSize + label] = {_types.Literal(1)};");
        _w.Close();
    }

    /// <summary>
    /// Fewer samples than one vector of lanes would leave most lanes of a tile idle, so they take the
    /// single-sample path.
    /// </summary>
    private void EmitSmallBatchFallback(string perRow, bool returnsLoss)
    {
        _w.Open($"if (count < {_types.Lanes})");
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
        if (HasNormalization)
        {
            DeclareTileBuffer("normalized", _network.InputSize, slot: 2);
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

    /// <summary>Declares a buffer of <paramref name="rows"/> tile rows (a sample-major tile of that many features, or the reverse).</summary>
    private void DeclareTileBuffer(string name, int rows, int slot)
    {
        (string expression, int length) = TileRows(rows);
        DeclareBuffer(name, expression, length, slot);
    }

    // ---- tile passes --------------------------------------------------------------------------------

    private void EmitTileWidth()
    {
        _w.Line($"/// <summary>Samples per tile of the batch kernels: {TileVectors} vectors of lanes.</summary>");
        _w.Line($"private static int TileWidth => {TileVectors} * {_types.Lanes};");
        _w.Line();
    }

    private void EmitForwardTile()
    {
        IReadOnlyList<LayerModel> layers = _network.Layers;
        int last = layers.Count - 1;
        EmitTileWidth();
        _w.Line("/// <summary>The forward pass for <paramref name=\"count\"/> (at most TileWidth) samples stored row-major.</summary>");
        _w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
        _w.Open($"private void ForwardTile(ref {T} x, ref {T} y, int count)");
        _w.Line($"ref {T} p = ref {TypeNames.MemoryMarshal}.GetArrayDataReference(_parameters);");
        DeclareLanesAndWidth();
        DeclareTileBuffer("buffer", _network.InputSize + layers.Sum(l => l.Units), slot: 0);
        _w.Line($"ref {T} xT = ref {TypeNames.MemoryMarshal}.GetReference(buffer);");
        int offset = _network.InputSize;
        foreach (LayerModel layer in layers)
        {
            _w.Line($"ref {T} a{layer.Index} = ref {TileAt("xT", offset)};");
            offset += layer.Units;
        }
        _w.Line();
        EmitInputsToFeatureMajor();

        string input = "xT";
        foreach (LayerModel layer in layers)
        {
            ActivationEmitter activation = ActivationEmitter.For(layer.Activation);
            string output = $"a{layer.Index}";
            bool isLast = layer.Index == last;
            _w.Line();
            _w.Line($"// Layer {layer.Index}: dense {layer.FanIn} -> {layer.Units}, {ActivationText(layer)}{(isLast ? " (applied per sample below)" : "")}");
            _w.Line($"{DenseKernelName(layer)}(ref p, ref {input}, ref {output});");
            if (!isLast)
            {
                EmitTileActivation(activation, layer, output, output);
            }
            input = output;
        }

        LayerModel outputLayer = layers[last];
        ActivationEmitter outputActivation = ActivationEmitter.For(outputLayer.Activation);
        _w.Line();
        if (outputLayer.Activation == ActivationKind.Softmax && _network.Precision == PrecisionKind.Float)
        {
            _w.Line("// Softmax of all lanes at once, then the outputs back to one row per sample.");
            _w.Line($"{TypeNames.Kernels}.Softmax({SpanOf($"a{last}", "OutputSize * width")}, OutputSize);");
            _w.Line($"{TypeNames.Kernels}.ToSampleMajor({SpanOf($"a{last}", "OutputSize * width", readOnly: true)}, OutputSize, {SpanOf("y", "count * OutputSize")});");
        }
        else
        {
            _w.Line($"// Outputs back to one row per sample, then the {ActivationText(outputLayer)} of each row.");
            _w.Line($"{TypeNames.Kernels}.ToSampleMajor({SpanOf($"a{last}", "OutputSize * width", readOnly: true)}, OutputSize, {SpanOf("y", "count * OutputSize")});");
            EmitTileActivation(outputActivation, outputLayer, "y", "y", "count * OutputSize");
        }
        _w.Close();
        _w.Line();
        foreach (LayerModel layer in layers)
        {
            EmitDenseKernel(layer);
        }
    }

    /// <summary>
    /// Applies a layer's activation from <paramref name="z"/> to <paramref name="a"/> over a whole feature-major
    /// tile, or, given <paramref name="sampleRowsLength"/>, over that many values of rows stored one per sample:
    /// the span kernel, a vector loop (a tile is a whole number of vectors), a scalar loop, or for softmax one row
    /// per sample (only ever sample-major).
    /// </summary>
    private void EmitTileActivation(ActivationEmitter activation, LayerModel layer, string z, string a, string? sampleRowsLength = null)
    {
        bool wholeVectors = sampleRowsLength is null;
        string length = sampleRowsLength ?? $"{layer.Units} * width";
        if (!activation.IsElementwise)
        {
            if (z != a)
            {
                _w.Line($"{SpanOf(z, length, readOnly: true)}.CopyTo({SpanOf(a, length)});");
            }
            _w.Open("for (int s = 0; s < count; s++)");
            _w.Line($"{TypeNames.Kernels}.Softmax({TypeNames.MemoryMarshal}.CreateSpan(ref {TypeNames.Unsafe}.Add(ref {a}, s * {layer.Units}), {layer.Units}));");
            _w.Close();
        }
        else if (activation.SpanKernel is not null)
        {
            EmitSpanActivation(activation, z, a, length);
        }
        else if (wholeVectors && layer.Activation != ActivationKind.Identity && activation.ApplyVector("value", layer, _types) is { } vectorForm)
        {
            _w.Open($"for (int i = 0; i < {length}; i += lanes)");
            _w.Line($"{_types.VectorT} value = {Load(z, "i")};");
            _w.Line($"{TypeNames.Vector}.StoreUnsafe({vectorForm}, ref {a}, (nuint)i);");
            _w.Close();
        }
        else if (layer.Activation != ActivationKind.Identity)
        {
            string at = $"{TypeNames.Unsafe}.Add(ref {{0}}, i)";
            _w.Open($"for (int i = 0; i < {length}; i++)");
            _w.Line($"{string.Format(CultureInfo.InvariantCulture, at, a)} = {activation.Apply(string.Format(CultureInfo.InvariantCulture, at, z), layer, _types)};");
            _w.Close();
        }
        else if (z != a)
        {
            _w.Line($"{SpanOf(z, length, readOnly: true)}.CopyTo({SpanOf(a, length)});");
        }
    }

    private void EmitBackpropagateTile()
    {
        IReadOnlyList<LayerModel> layers = _network.Layers;
        int last = layers.Count - 1;
        LayerModel output = layers[last];
        ActivationEmitter outputActivation = ActivationEmitter.For(output.Activation);
        int maxUnits = layers.Max(l => l.Units);
        int maxHiddenFanIn = layers.Skip(1).Select(l => l.FanIn).DefaultIfEmpty(0).Max();

        _w.Line("/// <summary>");
        _w.Line("/// Backpropagation for <paramref name=\"count\"/> (at most TileWidth) samples; adds the sum of their gradients times");
        _w.Line("/// <paramref name=\"gradientScale\"/> to <paramref name=\"g\"/> and returns the sum of their losses. With g the parameters themselves and");
        _w.Line("/// gradientScale = -learningRate / count, this is a fused SGD step (skipped when the loss is not finite): each layer's delta");
        _w.Line("/// below is computed before its weights change.");
        _w.Line("/// </summary>");
        _w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
        _w.Open($"private {T} BackpropagateTile(ref {T} x, ref {T} t, int count, ref {T} g, {T} gradientScale)");
        _w.Line($"ref {T} p = ref {TypeNames.MemoryMarshal}.GetArrayDataReference(_parameters);");
        DeclareLanesAndWidth();

        // Buffer layout, in tile rows: inputs^T, z^T and a^T of every layer (a aliases z for identity), the
        // output layer's z, a and delta per sample, two deltas^T, and one layer input per sample.
        var buffers = new List<(string Name, int Rows)> { ("xT", _network.InputSize) };
        foreach (LayerModel layer in layers)
        {
            buffers.Add(($"z{layer.Index}", layer.Units));
            if (layer.Index != last && HasOwnActivations(layer))
            {
                buffers.Add(($"a{layer.Index}", layer.Units));
            }
        }
        bool vectorLoss = UsesVectorCrossEntropy;
        buffers.Add((vectorLoss ? "targetsT" : "zRows", output.Units));
        if (!vectorLoss && HasOwnActivations(output))
        {
            buffers.Add(("aRows", output.Units));
        }
        if (!vectorLoss)
        {
            buffers.Add(("deltaRows", output.Units));
        }
        buffers.Add(("deltaA", maxUnits));
        buffers.Add(("deltaB", maxUnits));
        if (maxHiddenFanIn > 0)
        {
            buffers.Add(("inputRows", maxHiddenFanIn));
        }
        DeclareTileBuffer("buffer", buffers.Sum(b => b.Rows), slot: 0);
        int offset = 0;
        foreach ((string name, int rows) in buffers)
        {
            _w.Line(offset == 0
                ? $"ref {T} {name} = ref {TypeNames.MemoryMarshal}.GetReference(buffer);"
                : $"ref {T} {name} = ref {TileAt("xT", offset)};");
            offset += rows;
        }
        foreach (LayerModel layer in layers.Take(last))
        {
            if (!HasOwnActivations(layer))
            {
                _w.Line($"ref {T} a{layer.Index} = ref z{layer.Index}; // identity: a = z");
            }
        }
        if (!vectorLoss && !HasOwnActivations(output))
        {
            _w.Line($"ref {T} aRows = ref zRows; // identity: a = z");
        }
        _w.Line();
        EmitInputsToFeatureMajor();

        string input = "xT";
        foreach (LayerModel layer in layers)
        {
            ActivationEmitter activation = ActivationEmitter.For(layer.Activation);
            bool isLast = layer.Index == last;
            _w.Line();
            _w.Line(isLast
                ? $"// Forward, layer {layer.Index}: dense {layer.FanIn} -> {layer.Units}, keeping z of the tile ({ActivationText(layer)} per sample below)"
                : $"// Forward, layer {layer.Index}: dense {layer.FanIn} -> {layer.Units}, {ActivationText(layer)}, keeping z and a of the tile");
            _w.Line($"{DenseKernelName(layer)}(ref p, ref {input}, ref z{layer.Index});");
            if (!isLast && HasOwnActivations(layer))
            {
                EmitTileActivation(activation, layer, $"z{layer.Index}", $"a{layer.Index}");
            }
            input = $"a{layer.Index}";
        }

        string delta = DeltaName(last, last);
        _w.Line();
        if (vectorLoss)
        {
            EmitTileCrossEntropy(output, delta);
        }
        else
        {
            EmitTileLossPerSample(output, outputActivation, delta);
        }

        for (int l = last; l >= 0; l--)
        {
            LayerModel layer = layers[l];
            string layerDelta = DeltaName(l, last);
            _w.Line();
            if (l > 0)
            {
                LayerModel below = layers[l - 1];
                string deltaBelow = DeltaName(l - 1, last);
                _w.Line($"// Backward, layer {layer.Index}: the delta of layer {below.Index} (before this layer's gradients, which may update the weights).");
                _w.Line($"{DeltaBelowKernelName(layer)}(ref p, ref {layerDelta}, ref {deltaBelow});");
                EmitActivationDerivative(below, deltaBelow, $"{below.Units} * width");
                _w.Line($"{TypeNames.Kernels}.ToSampleMajor({SpanOf($"a{below.Index}", $"{below.Units} * width", readOnly: true)}, {below.Units}, {SpanOf("inputRows", $"count * {below.Units}")});");
            }
            _w.Line($"// Backward, layer {layer.Index}: weight{(layer.HasBias ? " and bias" : "")} gradients, summed over the tile's samples.");
            _w.Line($"{GradientKernelName(layer)}(ref {(l == 0 ? "x" : "inputRows")}, ref {layerDelta}, count, ref g, gradientScale);");
        }
        _w.Line("return loss;");
        _w.Close();
        _w.Line();
        foreach (LayerModel layer in layers)
        {
            if (layer.Index > 0)
            {
                EmitDeltaBelowKernel(layer);
            }
            EmitWeightGradientKernel(layer);
        }
    }

    /// <summary>Whether the tile's loss is computed for all lanes at once: cross-entropy in float (the vector exponential is float-only).</summary>
    private bool UsesVectorCrossEntropy => _network.Loss == LossKind.CrossEntropy && _network.Precision == PrecisionKind.Float;

    /// <summary>Cross-entropy of softmax(z) for all lanes of the tile at once.</summary>
    private void EmitTileCrossEntropy(LayerModel output, string delta)
    {
        int last = output.Index;
        _w.Line("// Cross-entropy of softmax(z) for all lanes at once, on the targets made feature-major (idle lanes get 0, so does their delta).");
        _w.Line($"{TypeNames.Kernels}.ToFeatureMajor({SpanOf("t", $"count * {output.Units}", readOnly: true)}, {output.Units}, {SpanOf("targetsT", $"{output.Units} * width")});");
        _w.Line($"{T} loss = {TypeNames.Kernels}.SoftmaxCrossEntropy({SpanOf($"z{last}", $"{output.Units} * width", readOnly: true)}, {SpanOf("targetsT", $"{output.Units} * width", readOnly: true)}, {output.Units}, count, {SpanOf(delta, $"{output.Units} * width")});");
        EmitSkipUpdateOfNonFiniteLoss();
    }

    /// <summary>The loss of each sample on its own row (the output layer's z and a made sample-major), then the delta back to feature-major.</summary>
    private void EmitTileLossPerSample(LayerModel output, ActivationEmitter outputActivation, string delta)
    {
        int last = output.Index;
        _w.Line("// Loss per sample, on the output layer's rows; then its delta back to feature-major (idle lanes get 0).");
        _w.Line($"{TypeNames.Kernels}.ToSampleMajor({SpanOf($"z{last}", $"{output.Units} * width", readOnly: true)}, {output.Units}, {SpanOf("zRows", $"count * {output.Units}")});");
        EmitTileActivation(outputActivation, output, "zRows", HasOwnActivations(output) ? "aRows" : "zRows", $"count * {output.Units}");
        _w.Line($"{T} loss = {_types.Literal(0)};");
        _w.Open("for (int s = 0; s < count; s++)");
        _w.Line($"ref {T} zRow = ref {TypeNames.Unsafe}.Add(ref zRows, s * {output.Units});");
        _w.Line($"ref {T} aRow = ref {TypeNames.Unsafe}.Add(ref aRows, s * {output.Units});");
        _w.Line($"ref {T} tRow = ref {TypeNames.Unsafe}.Add(ref t, s * {output.Units});");
        _w.Line($"ref {T} deltaRow = ref {TypeNames.Unsafe}.Add(ref deltaRows, s * {output.Units});");
        _w.Line($"{T} sampleLoss = {_types.Literal(0)};");
        EmitLoss(output, "zRow", "aRow", "tRow", "deltaRow", "sampleLoss");
        _w.Line("loss += sampleLoss;");
        _w.Close();
        EmitSkipUpdateOfNonFiniteLoss();
        _w.Line($"{TypeNames.Kernels}.ToFeatureMajor({SpanOf("deltaRows", $"count * {output.Units}", readOnly: true)}, {output.Units}, {SpanOf(delta, $"{output.Units} * width")});");
    }

    /// <summary>The locals every tile method uses: the vector width and the tile width, both JIT-time constants.</summary>
    private void DeclareLanesAndWidth()
    {
        _w.Line($"int lanes = {_types.Lanes};");
        _w.Line("int width = TileWidth;");
    }

    /// <summary>Copies the tile's input rows <c>x</c> into <c>xT</c>, one row per input and one lane per sample.</summary>
    private void EmitInputsToFeatureMajor()
    {
        _w.Line("// The tile's inputs, feature-major: one row per input, one lane per sample.");
        _w.Line($"{TypeNames.Kernels}.ToFeatureMajor({SpanOf("x", "count * InputSize", readOnly: true)}, InputSize, {SpanOf("xT", "InputSize * width")});");
    }

    private string SpanOf(string reference, string length, bool readOnly = false) =>
        $"{TypeNames.MemoryMarshal}.{(readOnly ? "CreateReadOnlySpan" : "CreateSpan")}(ref {reference}, {length})";

    private static string TileAt(string reference, int rows) =>
        rows == 0 ? reference : $"{TypeNames.Unsafe}.Add(ref {reference}, {rows.ToString(CultureInfo.InvariantCulture)} * width)";

    // ---- kernels ------------------------------------------------------------------------------------

    private static string DenseKernelName(LayerModel layer) => $"Layer{layer.Index}Tile";

    private static string DeltaBelowKernelName(LayerModel layer) => $"Layer{layer.Index}DeltaBelowTile";

    private static string GradientKernelName(LayerModel layer) => $"Layer{layer.Index}GradientTile";

    /// <summary>Opens a kernel method: each kernel is its own method, so the JIT's inlining budget covers its FMAs.</summary>
    private void OpenKernel(string summary, string signature)
    {
        _w.Line($"/// <summary>{summary}</summary>");
        _w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
        _w.Open($"private static void {signature}");
        DeclareLanesAndWidth();
    }

    /// <summary>
    /// out^T[j, :] = W[j, :] in^T + b[j] for all lanes of a tile: blocks of <see cref="KernelRows"/> rows x
    /// <see cref="TileVectors"/> vectors of samples accumulate in registers while the loop walks the inputs,
    /// broadcasting one weight per row.
    /// </summary>
    private void EmitDenseKernel(LayerModel layer)
    {
        OpenKernel($"Layer {layer.Index} for a feature-major tile: z^T[j, :] = W[j, :] in^T{(layer.HasBias ? " + b[j]" : "")}, {layer.FanIn} -> {layer.Units}.",
            $"{DenseKernelName(layer)}(ref {T} p, ref {T} input, ref {T} output)");
        int units = layer.Units;
        int fullRows = units / KernelRows * KernelRows;
        if (fullRows > 0)
        {
            _w.Open($"for (int j = 0; j < {fullRows}; j += {KernelRows})");
            EmitDenseBlock(layer, KernelRows);
            _w.Close();
        }
        if (units > fullRows)
        {
            _w.Open("");
            _w.Line($"const int j = {fullRows};");
            EmitDenseBlock(layer, units - fullRows);
            _w.Close();
        }
        _w.Close();
        _w.Line();
    }

    private void EmitDenseBlock(LayerModel layer, int rows)
    {
        int fanIn = layer.FanIn;
        string vector = _types.VectorT;
        _w.Line($"ref {T} w = ref {TypeNames.Unsafe}.Add(ref p, {WeightOffsetName(layer)} + j * {fanIn});");
        for (int r = 0; r < rows; r++)
        {
            string initial = layer.HasBias
                ? $"new {vector}({TypeNames.Unsafe}.Add(ref p, {BiasOffsetName(layer)} + j{(r == 0 ? "" : $" + {r}")}))"
                : $"{vector}.Zero";
            _w.Line($"{vector} acc{r}0 = {initial}" + string.Concat(Enumerable.Range(1, TileVectors - 1).Select(v => $", acc{r}{v} = acc{r}0")) + ";");
        }
        _w.Open($"for (int i = 0; i < {fanIn}; i++)");
        _w.Line($"ref {T} column = ref {TypeNames.Unsafe}.Add(ref input, i * width);");
        _w.Line($"{vector} " + string.Join(", ", Enumerable.Range(0, TileVectors).Select(v => $"x{v} = {Load("column", v == 0 ? null : VectorOffset(v))}")) + ";");
        for (int r = 0; r < rows; r++)
        {
            _w.Line($"{(r == 0 ? vector + " " : "")}weight = new {vector}({TypeNames.Unsafe}.Add(ref w, {(r == 0 ? "i" : $"{r * fanIn} + i")}));");
            _w.Line(string.Join(" ", Enumerable.Range(0, TileVectors).Select(v => $"acc{r}{v} = {TypeNames.Kernels}.MultiplyAdd(weight, x{v}, acc{r}{v});")));
        }
        _w.Close();
        EmitStoreBlock(rows, "output", "j");
    }

    private static string VectorOffset(int v) => v == 1 ? "lanes" : $"{v} * lanes";

    /// <summary>The sum of the given offset terms (nulls left out), or null when there are none.</summary>
    private static string? Offset(params string?[] terms)
    {
        string[] present = terms.Where(t => t is not null).Select(t => t!).ToArray();
        return present.Length == 0 ? null : string.Join(" + ", present);
    }

    private string Load(string reference, string? offset) =>
        offset is null ? $"{TypeNames.Vector}.LoadUnsafe(ref {reference})" : $"{TypeNames.Vector}.LoadUnsafe(ref {reference}, (nuint)({offset}))";

    /// <summary>Stores the block's accumulators as rows <c>{row}..</c> of the feature-major tile <paramref name="output"/>.</summary>
    private void EmitStoreBlock(int rows, string output, string row)
    {
        _w.Line($"ref {T} block = ref {TypeNames.Unsafe}.Add(ref {output}, {row} * width);");
        for (int r = 0; r < rows; r++)
        {
            var stores = new List<string>();
            for (int v = 0; v < TileVectors; v++)
            {
                string? offset = Offset(r == 0 ? null : $"{r} * width", v == 0 ? null : VectorOffset(v));
                stores.Add($"{TypeNames.Vector}.StoreUnsafe(acc{r}{v}, ref block{(offset is null ? "" : $", (nuint)({offset})")});");
            }
            _w.Line(string.Join(" ", stores));
        }
    }

    /// <summary>
    /// deltaBelow^T[i, :] = sum_j W[j, i] delta^T[j, :]: blocks of <see cref="KernelRows"/> weight columns x
    /// <see cref="TileVectors"/> vectors of samples in registers while the loop walks the rows of W.
    /// </summary>
    private void EmitDeltaBelowKernel(LayerModel layer)
    {
        OpenKernel($"Layer {layer.Index} for a feature-major tile: the delta of the layer below (before f'), deltaBelow^T[i, :] = sum_j W[j, i] delta^T[j, :].",
            $"{DeltaBelowKernelName(layer)}(ref {T} p, ref {T} delta, ref {T} deltaBelow)");
        int fanIn = layer.FanIn;
        int full = fanIn / KernelRows * KernelRows;
        if (full > 0)
        {
            _w.Open($"for (int i = 0; i < {full}; i += {KernelRows})");
            EmitInputGradientBlock(layer, KernelRows, "delta", "deltaBelow");
            _w.Close();
        }
        if (fanIn > full)
        {
            _w.Open("");
            _w.Line($"const int i = {full};");
            EmitInputGradientBlock(layer, fanIn - full, "delta", "deltaBelow");
            _w.Close();
        }
        _w.Close();
        _w.Line();
    }

    private void EmitInputGradientBlock(LayerModel layer, int columns, string delta, string deltaBelow)
    {
        string vector = _types.VectorT;
        _w.Line($"ref {T} w = ref {TypeNames.Unsafe}.Add(ref p, {WeightOffsetName(layer)} + i);");
        _w.Line($"{vector} " + string.Join(", ", Enumerable.Range(0, columns).SelectMany(c => Enumerable.Range(0, TileVectors).Select(v => $"acc{c}{v} = {vector}.Zero"))) + ";");
        _w.Open($"for (int j = 0; j < {layer.Units}; j++)");
        _w.Line($"ref {T} row = ref {TypeNames.Unsafe}.Add(ref {delta}, j * width);");
        _w.Line($"{vector} " + string.Join(", ", Enumerable.Range(0, TileVectors).Select(v => $"d{v} = {Load("row", v == 0 ? null : VectorOffset(v))}")) + ";");
        _w.Line($"ref {T} weights = ref {TypeNames.Unsafe}.Add(ref w, j * {layer.FanIn});");
        for (int c = 0; c < columns; c++)
        {
            _w.Line($"{(c == 0 ? vector + " " : "")}weight = new {vector}({(c == 0 ? "weights" : $"{TypeNames.Unsafe}.Add(ref weights, {c})")});");
            _w.Line(string.Join(" ", Enumerable.Range(0, TileVectors).Select(v => $"acc{c}{v} = {TypeNames.Kernels}.MultiplyAdd(weight, d{v}, acc{c}{v});")));
        }
        _w.Close();
        EmitStoreBlock(columns, deltaBelow, "i");
    }

    /// <summary>
    /// g_W[j, :] += sum_s delta^T[j, s] in[s, :] over the tile's samples (the layer inputs one row per sample):
    /// blocks of <see cref="GradientRows"/> rows x <see cref="GradientVectors"/> vectors of the row in
    /// registers while the loop walks the samples; then single vectors and scalars for the rest of the row,
    /// and g_b[j] += the sum of delta^T[j, :] (idle lanes hold 0).
    /// </summary>
    private void EmitWeightGradientKernel(LayerModel layer)
    {
        OpenKernel($"Layer {layer.Index}: adds the weight{(layer.HasBias ? " and bias" : "")} gradients of a tile's <paramref name=\"count\"/> samples (inputs one row per sample, delta feature-major), times <paramref name=\"gradientScale\"/>, to <paramref name=\"g\"/>.",
            $"{GradientKernelName(layer)}(ref {T} input, ref {T} delta, int count, ref {T} g, {T} gradientScale)");
        _w.Line($"{_types.VectorT} scaleVector = new {_types.VectorT}(gradientScale);");
        const string input = "input", delta = "delta";
        int units = layer.Units;
        int full = units / GradientRows * GradientRows;
        if (full > 0)
        {
            _w.Open($"for (int j = 0; j < {full}; j += {GradientRows})");
            EmitWeightGradientBlock(layer, GradientRows, input, delta);
            _w.Close();
        }
        if (units > full)
        {
            _w.Open("");
            _w.Line($"const int j = {full};");
            EmitWeightGradientBlock(layer, units - full, input, delta);
            _w.Close();
        }
        _w.Close();
        _w.Line();
    }

    private void EmitWeightGradientBlock(LayerModel layer, int rows, string input, string delta)
    {
        int fanIn = layer.FanIn;
        string vector = _types.VectorT;
        string fma = TypeNames.Kernels + ".MultiplyAdd";
        string unsafeAdd = TypeNames.Unsafe + ".Add";
        _w.Line($"ref {T} gw = ref {unsafeAdd}(ref g, {WeightOffsetName(layer)} + j * {fanIn});");
        _w.Line($"ref {T} d = ref {unsafeAdd}(ref {delta}, j * width);");
        _w.Line("int i = 0;");
        foreach (int vectors in new[] { GradientVectors, 1 })
        {
            _w.Open(vectors == 1
                ? $"for (; i <= {fanIn} - lanes; i += lanes)"
                : $"for (; i <= {fanIn} - {vectors} * lanes; i += {vectors} * lanes)");
            _w.Line($"{vector} " + string.Join(", ", Enumerable.Range(0, rows).SelectMany(r => Enumerable.Range(0, vectors).Select(v => $"acc{r}{v} = {vector}.Zero"))) + ";");
            _w.Open("for (int s = 0; s < count; s++)");
            _w.Line($"ref {T} row = ref {unsafeAdd}(ref {input}, s * {fanIn} + i);");
            _w.Line($"{vector} " + string.Join(", ", Enumerable.Range(0, vectors).Select(v => $"x{v} = {Load("row", v == 0 ? null : VectorOffset(v))}")) + ";");
            for (int r = 0; r < rows; r++)
            {
                _w.Line($"{(r == 0 ? vector + " " : "")}dr = new {vector}({unsafeAdd}(ref d, {(r == 0 ? "s" : $"{r} * width + s")}));");
                _w.Line(string.Join(" ", Enumerable.Range(0, vectors).Select(v => $"acc{r}{v} = {fma}(dr, x{v}, acc{r}{v});")));
            }
            _w.Close();
            for (int r = 0; r < rows; r++)
            {
                for (int v = 0; v < vectors; v++)
                {
                    string at = $"(nuint)({Offset(r == 0 ? null : $"{r * fanIn}", "i", v == 0 ? null : VectorOffset(v))})";
                    _w.Line($"{TypeNames.Vector}.StoreUnsafe({fma}(acc{r}{v}, scaleVector, {TypeNames.Vector}.LoadUnsafe(ref gw, {at})), ref gw, {at});");
                }
            }
            _w.Close();
        }
        _w.Open($"for (; i < {fanIn}; i++)");
        _w.Line($"{T} " + string.Join(", ", Enumerable.Range(0, rows).Select(r => $"sum{r} = {_types.Literal(0)}")) + ";");
        _w.Open("for (int s = 0; s < count; s++)");
        _w.Line($"{T} xs = {unsafeAdd}(ref {input}, s * {fanIn} + i);");
        for (int r = 0; r < rows; r++)
        {
            _w.Line($"sum{r} = {fma}({unsafeAdd}(ref d, {(r == 0 ? "s" : $"{r} * width + s")}), xs, sum{r});");
        }
        _w.Close();
        for (int r = 0; r < rows; r++)
        {
            string at = $"{unsafeAdd}(ref gw, {(r == 0 ? "i" : $"{r * fanIn} + i")})";
            _w.Line($"{at} = {fma}(sum{r}, gradientScale, {at});");
        }
        _w.Close();
        if (layer.HasBias)
        {
            for (int r = 0; r < rows; r++)
            {
                string row = r == 0 ? "d" : $"{unsafeAdd}(ref d, {r} * width)";
                string rowRef = r == 0 ? "d" : $"dRow{r}";
                if (r > 0)
                {
                    _w.Line($"ref {T} {rowRef} = ref {row};");
                }
                string sum = string.Join(" + ", Enumerable.Range(0, TileVectors).Select(v => Load(rowRef, v == 0 ? null : VectorOffset(v))));
                string at = $"{unsafeAdd}(ref g, {BiasOffsetName(layer)} + j{(r == 0 ? "" : $" + {r}")})";
                _w.Line($"{at} = {fma}({TypeNames.Vector}.Sum({sum}), gradientScale, {at});");
            }
        }
    }
}
