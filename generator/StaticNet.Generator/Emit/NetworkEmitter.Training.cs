using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>Training entry points: AccumulateGradient, AccumulateGradientBatch and the fused TrySgdStep.</summary>
internal sealed partial class NetworkEmitter
{
    private string GradientReference => ReferenceOf("gradient");

    private void EmitAccumulateGradient()
    {
        string loss = Vocabulary.LossName(_network.Loss);
        _w.Line($"/// <summary>Adds (+=) the gradient of this sample's {loss} loss against <paramref name=\"target\"/>");
        _w.Line("/// to <paramref name=\"gradient\"/> and returns the loss.</summary>");
        _w.Line("/// <remarks>Allocation-free and safe to call from many threads at once (each with its own gradient span).</remarks>");
        using (_w.Block($"public {T} AccumulateGradient({_n.ReadOnlySpan} input, {_n.ReadOnlySpan} target, {_n.Span} gradient)"))
        {
            CheckLength("input", "InputSize");
            CheckLength("target", "OutputSize");
            CheckLength("gradient", "ParameterCount");
            _w.Line($"return Backpropagate({InputReference("input")}, {ReferenceOf("target")}, {GradientReference}, {_n.Literal(1)});");
        }
        _w.Line();

        _w.Line("/// <summary>Adds the gradient of this sample's loss against class <paramref name=\"label\"/>");
        _w.Line(_network.OutputSize == 1
            ? "/// (0 or 1, the target of the single output) and returns the loss.</summary>"
            : "/// (a one-hot target) and returns the loss.</summary>");
        using (_w.Block($"public {T} AccumulateGradient({_n.ReadOnlySpan} input, int label, {_n.Span} gradient)"))
        {
            CheckLength("input", "InputSize");
            CheckLength("gradient", "ParameterCount");
            DeclareBuffer("target", "OutputSize", (long)_network.OutputSize * ElementSize <= Plan.Planner.StackLimitBytes, slot: 1);
            _w.Line($"{_n["Targets"]}.OneHot(label, target, nameof(label));");
            _w.Line($"return Backpropagate({InputReference("input")}, {ReferenceOf("target")}, {GradientReference}, {_n.Literal(1)});");
        }
        _w.Line();
    }

    private void EmitAccumulateGradientBatch()
    {
        _w.Line("/// <summary>Adds (+=) the gradients of many samples' losses to <paramref name=\"gradient\"/> and returns the sum of the losses:");
        _w.Line("/// <paramref name=\"inputs\"/> is [count x InputSize], <paramref name=\"targets\"/> [count x OutputSize], row-major.");
        _w.Line("/// Divide by the count for PyTorch's mean reduction. Tiles of samples share every loaded weight.</summary>");
        using (_w.Block($"public {T} AccumulateGradientBatch({_n.ReadOnlySpan} inputs, {_n.ReadOnlySpan} targets, {_n.Span} gradient)"))
        {
            _w.Line($"int count = {_n["ThrowHelper"]}.CheckBatch(inputs.Length, InputSize, targets.Length, OutputSize, nameof(targets));");
            CheckLength("gradient", "ParameterCount");
            DeclareNormalizedTile();
            EmitSmallBatchFallback("total += AccumulateGradient(inputs.Slice(row * InputSize, InputSize), targets.Slice(row * OutputSize, OutputSize), gradient);", returnsLoss: true);
            EmitTileLoop($"ref {_n.MemoryMarshal}.GetReference(targets)", oneHot: false);
        }
        _w.Line();

        _w.Line("/// <summary>Adds the gradients of many samples' losses against class labels");
        _w.Line(_network.OutputSize == 1
            ? "/// (0 or 1, the single output's target) and returns the sum of the losses.</summary>"
            : "/// (one-hot targets) and returns the sum of the losses.</summary>");
        using (_w.Block($"public {T} AccumulateGradientBatch({_n.ReadOnlySpan} inputs, {_n["ReadOnlySpan"]}<int> labels, {_n.Span} gradient)"))
        {
            _w.Line($"int count = {_n["ThrowHelper"]}.CheckBatch(inputs.Length, InputSize, labels.Length, 1, nameof(labels));");
            CheckLength("gradient", "ParameterCount");
            DeclareNormalizedTile();
            EmitSmallBatchFallback("total += AccumulateGradient(inputs.Slice(row * InputSize, InputSize), labels[row], gradient);", returnsLoss: true);
            DeclareTileBuffer("targets", _network.OutputSize, slot: 1);
            EmitTileLoop(ReferenceOf("targets"), oneHot: true);
        }
        _w.Line();
    }

    /// <summary>The loop over the tiles of a batch, each through <c>BackpropagateTile</c>; returns the summed loss.</summary>
    private void EmitTileLoop(string targets, bool oneHot)
    {
        _w.Line($"{T} loss = {_n.Literal(0)};");
        using (_w.Block("for (int start = 0; start < count; start += TileWidth)"))
        {
            _w.Line($"int tile = {_n["Math"]}.Min(TileWidth, count - start);");
            if (oneHot)
            {
                _w.Line($"{_n["Targets"]}.OneHot(labels.Slice(start, tile), targets, OutputSize);");
            }
            string input = TileInputReference("inputs");
            if (!oneHot)
            {
                _w.Line($"ref {T} tileTargets = ref {_n.Unsafe}.Add({targets}, start * OutputSize);");
                targets = "ref tileTargets";
            }
            _w.Line($"loss += BackpropagateTile({input}, {targets}, tile, {GradientReference}, {_n.Literal(1)});");
        }
        _w.Line("return loss;");
    }

    /// <summary>
    /// TrySgdStep: a mini-batch that fits one tile goes through one backward pass whose gradient goes straight into
    /// the parameters, scaled by -learningRate / count (a single sample takes the single-sample pass).
    /// </summary>
    private void EmitSgdStep()
    {
        foreach (bool byLabel in new[] { false, true })
        {
            string other = byLabel ? "labels" : "targets";
            _w.Line($"/// <summary>One step of plain SGD on a mini-batch{(byLabel ? " against class labels" : "")}, fused with backpropagation: the parameters move by");
            _w.Line("/// -<paramref name=\"learningRate\"/> times the mean gradient, with no gradient buffer. Returns false, doing nothing, for a batch");
            _w.Line("/// larger than one tile (TileWidth samples); a non-finite loss leaves the parameters unchanged.</summary>");
            string otherType = byLabel ? $"{_n["ReadOnlySpan"]}<int>" : _n.ReadOnlySpan;
            using (_w.Block($"public bool TrySgdStep({_n.ReadOnlySpan} inputs, {otherType} {other}, {T} learningRate, out {T} lossSum)"))
            {
                _w.Line($"{_n["ThrowHelper"]}.CheckLearningRate(learningRate, nameof(learningRate));");
                string width = byLabel ? "1" : "OutputSize";
                _w.Line($"int count = {_n["ThrowHelper"]}.CheckBatch(inputs.Length, InputSize, {other}.Length, {width}, nameof({other}));");
                _w.Line($"lossSum = {_n.Literal(0)};");
                using (_w.Block("if (count == 0 || count > TileWidth)"))
                {
                    _w.Line("return false;");
                }
                if (byLabel)
                {
                    DeclareTileBuffer("targets", _network.OutputSize, slot: 1);
                    _w.Line($"{_n["Targets"]}.OneHot(labels, targets, OutputSize);");
                }
                DeclareNormalizedTile();
                _w.Line("const int start = 0;");
                _w.Line("int tile = count;");
                string input = TileInputReference("inputs");
                _w.Line(ParameterReference);
                _w.Line($"{T} gradientScale = -learningRate / count;");
                string target = ReferenceOf("targets");
                _w.Line("lossSum = count == 1");
                _w.Line($"    ? Backpropagate({input}, {target}, ref p, gradientScale)");
                _w.Line($"    : BackpropagateTile({input}, {target}, tile, ref p, gradientScale);");
                _w.Line("return true;");
            }
            _w.Line();
        }
    }
}
