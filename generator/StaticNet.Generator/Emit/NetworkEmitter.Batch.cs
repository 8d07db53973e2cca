using System.Linq;
using StaticNet.Generator.Model;
using StaticNet.Generator.Plan;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Batches: PredictBatch and the tile passes run tiles of <c>TileWidth</c> samples through each layer together.
/// Inside a tile, values are feature-major (one row per unit, one lane per sample), so a layer is a matrix
/// product: the runtime's register-blocked <c>DenseTile</c> kernels use every loaded weight for a vector of samples.
/// </summary>
internal sealed partial class NetworkEmitter
{
    private void EmitPredictBatch()
    {
        _w.Line("/// <summary>Computes the outputs of many samples stored row-major:");
        _w.Line("/// <paramref name=\"inputs\"/> is [count x InputSize], <paramref name=\"outputs\"/> [count x OutputSize].</summary>");
        _w.Line("/// <remarks>Runs tiles of samples through each layer together, every loaded weight multiplied into a vector of samples.</remarks>");
        using (_w.Block($"public void PredictBatch({_n.ReadOnlySpan} inputs, {_n.Span} outputs)"))
        {
            _w.Line($"int count = {_n["ThrowHelper"]}.CheckBatch(inputs.Length, InputSize, outputs.Length, OutputSize, nameof(outputs));");
            EmitSmallBatchFallback("Predict(inputs.Slice(row * InputSize, InputSize), outputs.Slice(row * OutputSize, OutputSize));", returnsLoss: false);
            DeclareNormalizedTile();
            using (_w.Block("for (int start = 0; start < count; start += TileWidth)"))
            {
                _w.Line($"int tile = {_n["Math"]}.Min(TileWidth, count - start);");
                string input = TileInputReference("inputs");
                _w.Line($"ref {T} results = ref {At($"{_n.MemoryMarshal}.GetReference(outputs)", "start * OutputSize")};");
                _w.Line($"ForwardTile({input}, ref results, tile);");
            }
        }
        _w.Line();
    }

    /// <summary>
    /// Fewer samples than one vector of lanes would leave most lanes of a tile idle, so they take the
    /// single-sample path.
    /// </summary>
    private void EmitSmallBatchFallback(string perRow, bool returnsLoss)
    {
        using (_w.Block($"if (count < {_n.Lanes})"))
        {
            if (returnsLoss)
            {
                _w.Line($"{T} total = {_n.Literal(0)};");
            }
            using (_w.Block("for (int row = 0; row < count; row++)"))
            {
                _w.Line(perRow);
            }
            _w.Line(returnsLoss ? "return total;" : "return;");
        }
    }

    /// <summary>With input normalization, the buffer that holds a tile's normalized inputs.</summary>
    private void DeclareNormalizedTile()
    {
        if (HasNormalization)
        {
            DeclareTileBuffer("normalized", _network.InputSize, slot: 2);
        }
    }

    /// <summary>Declares a buffer of <paramref name="rows"/> tile rows.</summary>
    private void DeclareTileBuffer(string name, int rows, int slot)
    {
        long bytes = (long)rows * NetworkPlan.TileVectors * 64;
        DeclareBuffer(name, $"{Number(rows)} * TileWidth", bytes <= Planner.StackLimitBytes, slot);
    }

    /// <summary>
    /// The <c>ref T</c> of the tile starting at row <c>start</c> of <paramref name="inputs"/>; with input
    /// normalization, the rows are first normalized into the <c>normalized</c> buffer.
    /// </summary>
    private string TileInputReference(string inputs)
    {
        if (!HasNormalization)
        {
            _w.Line($"ref {T} rows = ref {At($"{_n.MemoryMarshal}.GetReference({inputs})", "start * InputSize")};");
            return "ref rows";
        }
        using (_w.Block("for (int s = 0; s < tile; s++)"))
        {
            _w.Line($"{_n.ReadOnlySpan} row = {inputs}.Slice((start + s) * InputSize, InputSize);");
            _w.Line($"{_n["InputNormalization"]}.Apply<{T}>(row, _normalization, normalized.Slice(s * InputSize, InputSize));");
        }
        return ReferenceOf("normalized");
    }

    private void EmitTileWidth()
    {
        _w.Line($"/// <summary>Samples per tile of the batch kernels: {NetworkPlan.TileVectors} vectors of lanes.</summary>");
        _w.Line($"private static int TileWidth => {_n["DenseTile"]}.TileVectors * {_n.Lanes};");
        _w.Line();
    }

    private void EmitForwardTile()
    {
        LayerPlan last = _plan.Last;
        EmitTileWidth();
        _w.Line("/// <summary>The forward pass for <paramref name=\"count\"/> (at most TileWidth) samples stored row-major.</summary>");
        _w.Line(_n.AggressiveOptimization);
        using (_w.Block($"private void ForwardTile(ref {T} x, ref {T} y, int count)"))
        {
            _w.Line(ParameterReference);
            _w.Line("int width = TileWidth;");
            DeclarePlannedBuffer(_plan.ForwardTile, tile: true);
            EmitInputsToFeatureMajor();
            string input = "xT";
            foreach (LayerPlan plan in _plan.Layers)
            {
                LayerModel layer = plan.Layer;
                string output = $"a{layer.Index}";
                bool isLast = plan == last;
                _w.Line($"// {LayerText(layer)}{(isLast ? " (applied below)" : "")}");
                _w.Line($"{_n["DenseTile"]}.Forward{Sizes(plan, activation: !isLast)}(ref p, ref {input}, ref {output}, ref {output});");
                input = output;
            }

            string a = $"a{last.Layer.Index}";
            if (last.Layer.Activation == ActivationKind.Softmax && _network.Precision == PrecisionKind.Float)
            {
                _w.Line("// Softmax of all lanes at once, then the outputs back to one row per sample.");
                _w.Line($"{_n.Kernels}.Softmax({SpanOf(a, "OutputSize * width")}, OutputSize);");
                _w.Line($"{_n.Kernels}.ToSampleMajor({SpanOf(a, "OutputSize * width", readOnly: true)}, OutputSize, {SpanOf("y", "count * OutputSize")});");
            }
            else
            {
                _w.Line($"// Outputs back to one row per sample, then the {ActivationText(last.Layer)} of each row.");
                _w.Line($"{_n.Kernels}.ToSampleMajor({SpanOf(a, "OutputSize * width", readOnly: true)}, OutputSize, {SpanOf("y", "count * OutputSize")});");
                EmitRowsActivation(last, "y", "y");
            }
        }
        _w.Line();
    }

    /// <summary>Copies the tile's input rows <c>x</c> into <c>xT</c>, one row per input and one lane per sample.</summary>
    private void EmitInputsToFeatureMajor()
    {
        _w.Line("// The tile's inputs, feature-major: one row per input, one lane per sample.");
        _w.Line($"{_n.Kernels}.ToFeatureMajor({SpanOf("x", "count * InputSize", readOnly: true)}, InputSize, {SpanOf("xT", "InputSize * width")});");
    }

    /// <summary><c>a = f(z)</c> over the <c>count</c> sample rows of the output layer: softmax one row at a time.</summary>
    private void EmitRowsActivation(LayerPlan plan, string z, string a)
    {
        LayerModel layer = plan.Layer;
        string units = Number(layer.Units);
        if (layer.Activation == ActivationKind.Softmax)
        {
            if (z != a)
            {
                _w.Line($"{SpanOf(z, $"count * {units}", readOnly: true)}.CopyTo({SpanOf(a, $"count * {units}")});");
            }
            using (_w.Block("for (int s = 0; s < count; s++)"))
            {
                _w.Line($"{_n.Kernels}.Softmax({SpanOf(At(a, $"s * {units}"), units)});");
            }
        }
        else if (plan.HasOwnActivations)
        {
            _w.Line($"{_n["Activations"]}.Apply<{T}, {_n[plan.ActivationType]}>(ref {z}, ref {a}, count * {units}, {Alpha(layer)});");
        }
    }

    private void EmitBackpropagateTile()
    {
        LayerPlan last = _plan.Last;
        LayerModel output = last.Layer;
        _w.Line("/// <summary>Backpropagation for <paramref name=\"count\"/> (at most TileWidth) samples: adds the sum of their gradients times");
        _w.Line("/// <paramref name=\"gradientScale\"/> to <paramref name=\"g\"/> and returns the sum of their losses (a fused SGD step when g is");
        _w.Line("/// the parameters; skipped when the loss is not finite).</summary>");
        _w.Line(_n.AggressiveOptimization);
        using (_w.Block($"private {T} BackpropagateTile(ref {T} x, ref {T} t, int count, ref {T} g, {T} gradientScale)"))
        {
            _w.Line(ParameterReference);
            _w.Line("int width = TileWidth;");
            DeclarePlannedBuffer(_plan.TrainTile, tile: true);
            foreach (LayerPlan plan in _plan.Layers.Where(p => p != last && !p.HasOwnActivations))
            {
                _w.Line($"ref {T} a{plan.Layer.Index} = ref z{plan.Layer.Index}; // identity: a = z");
            }
            bool vectorLoss = _plan.TileLoss == LossForm.TileCrossEntropy;
            if (!vectorLoss && !last.HasOwnActivations)
            {
                _w.Line($"ref {T} aRows = ref zRows; // identity: a = z");
            }
            EmitInputsToFeatureMajor();
            string input = "xT";
            foreach (LayerPlan plan in _plan.Layers)
            {
                LayerModel layer = plan.Layer;
                _w.Line($"// Forward, {LayerText(layer)}: keeps z{(plan == last ? "" : " and a")} of the tile.");
                string a = plan == last ? $"z{layer.Index}" : $"a{layer.Index}";
                _w.Line($"{_n["DenseTile"]}.Forward{Sizes(plan, activation: plan != last)}(ref p, ref {input}, ref z{layer.Index}, ref {a});");
                input = $"a{layer.Index}";
            }

            string delta = DeltaName(output.Index);
            string units = Number(output.Units);
            string z = $"z{output.Index}";
            if (vectorLoss)
            {
                _w.Line("// Cross-entropy of softmax(z) for all lanes at once, on the targets made feature-major (idle lanes get 0, so does their delta).");
                _w.Line($"{_n.Kernels}.ToFeatureMajor({SpanOf("t", $"count * {units}", readOnly: true)}, {units}, {SpanOf("targetsT", $"{units} * width")});");
                _w.Line($"{T} loss = {_n.Kernels}.SoftmaxCrossEntropy(");
                _w.Line($"    {SpanOf(z, $"{units} * width", readOnly: true)},");
                _w.Line($"    {SpanOf("targetsT", $"{units} * width", readOnly: true)},");
                _w.Line($"    {units},");
                _w.Line("    count,");
                _w.Line($"    {SpanOf(delta, $"{units} * width")});");
                EmitSkipUpdateOfNonFiniteLoss();
            }
            else
            {
                _w.Line($"// The loss per sample ({LossText(_plan.TileLoss)}) on the output layer's rows; its delta back to feature-major.");
                _w.Line($"{_n.Kernels}.ToSampleMajor({SpanOf(z, $"{units} * width", readOnly: true)}, {units}, {SpanOf("zRows", $"count * {units}")});");
                EmitRowsActivation(last, "zRows", "aRows");
                _w.Line($"{T} loss = {_n.Literal(0)};");
                using (_w.Block("for (int s = 0; s < count; s++)"))
                {
                    _w.Line($"int row = s * {units};");
                    _w.Line($"ref {T} zRow = ref {At("zRows", "row")};");
                    _w.Line($"ref {T} aRow = ref {At("aRows", "row")};");
                    _w.Line($"ref {T} tRow = ref {At("t", "row")};");
                    _w.Line($"loss += {LossCall(_plan.TileLoss, last, "zRow", "aRow", "tRow", $"{At("deltaRows", "row")}")};");
                }
                EmitSkipUpdateOfNonFiniteLoss();
                _w.Line($"{_n.Kernels}.ToFeatureMajor({SpanOf("deltaRows", $"count * {units}", readOnly: true)}, {units}, {SpanOf(delta, $"{units} * width")});");
            }

            for (int l = output.Index; l >= 0; l--)
            {
                LayerModel layer = _plan.Layers[l].Layer;
                string layerDelta = DeltaName(l);
                if (l > 0)
                {
                    LayerPlan below = _plan.Layers[l - 1];
                    string deltaBelow = DeltaName(l - 1);
                    string belowUnits = Number(below.Layer.Units);
                    _w.Line($"// Backward, layer {l}: the delta of layer {l - 1} (while the weights are unchanged), then the gradients.");
                    _w.Line($"{_n["DenseTile"]}.DeltaBelow{Sizes(layer)}(ref p, ref {layerDelta}, ref {deltaBelow});");
                    EmitActivationDerivative(below, deltaBelow, $"{belowUnits} * width");
                    _w.Line($"{_n["DenseTile"]}.GradientOfTile{Sizes(layer)}(ref a{l - 1}, ref inputRows, ref {layerDelta}, count, ref g, gradientScale);");
                    continue;
                }
                _w.Line($"// Backward, layer {l}: {(layer.HasBias ? "weight and bias" : "weight")} gradients, summed over the tile's samples.");
                _w.Line($"{_n["DenseTile"]}.Gradient{Sizes(layer)}(ref x, ref {layerDelta}, count, ref g, gradientScale);");
            }
            _w.Line("return loss;");
        }
        _w.Line();
    }
}
