using StaticNet.Generator.Model;

namespace StaticNet.Generator.Plan;

/// <summary>How one sample goes through a dense layer.</summary>
internal enum DenseForm
{
    /// <summary>Straight-line scalar code, values in registers: for layers of a few weights (the iris net).</summary>
    Unrolled,

    /// <summary>The runtime's <c>DenseSample.Dot</c>: Vector&lt;T&gt; loops, eight rows at a time.</summary>
    VectorLoop,

    /// <summary><c>DenseSample.DotWide</c>: a 512-bit loop first where the hardware has it, for long rows.</summary>
    Vector512Loop,
}

/// <summary>Where a layer's outputs live in the single-sample forward pass of <c>Predict</c>.</summary>
internal enum ValueHome
{
    /// <summary>Scalar locals <c>h{layer}_{unit}</c>.</summary>
    Registers,

    /// <summary>A slice of the method's buffer.</summary>
    Buffer,

    /// <summary>The caller's output span.</summary>
    Output,
}

/// <summary>How the output layer's loss and its gradient are computed.</summary>
internal enum LossForm
{
    /// <summary><c>Losses.CrossEntropy</c> from the logits z.</summary>
    CrossEntropy,

    /// <summary><c>Losses.CrossEntropyOfSoftmax</c>: from the softmax a single sample already has.</summary>
    CrossEntropyOfSoftmax,

    /// <summary><c>Kernels.SoftmaxCrossEntropy</c> over all lanes of a tile at once (float only).</summary>
    TileCrossEntropy,

    /// <summary><c>Losses.BinaryCrossEntropy</c>, fused with the sigmoid.</summary>
    BinaryCrossEntropy,

    /// <summary><c>Losses.MeanSquaredError</c> through an element-wise activation.</summary>
    MeanSquaredError,

    /// <summary><c>Losses.MeanSquaredErrorOfSoftmax</c>, through the softmax Jacobian.</summary>
    MeanSquaredErrorOfSoftmax,
}

/// <summary>A named slice of a buffer: its offset in values (single sample) or in tile rows (tiles).</summary>
internal sealed record Slot(string Name, int Offset, int Length);

/// <summary>
/// One method's scratch buffer: its length in values (or tile rows), whether it lives on the stack or in
/// per-thread scratch memory (and which slot there), and how it is carved up.
/// </summary>
internal sealed record BufferPlan(int Length, bool OnStack, int ScratchSlot, EquatableArray<Slot> Slots)
{
    public static BufferPlan None { get; } = new(0, true, 0, EquatableArray<Slot>.Empty);
}

/// <summary>The decisions for one dense layer.</summary>
internal sealed record LayerPlan(
    LayerModel Layer,
    DenseForm Form,
    ValueHome PredictOutput,
    string ActivationType,
    bool HasOwnActivations);

/// <summary>
/// Everything the emitter needs beyond the model, decided before any text is written (the analysis step of
/// the Regex generator's split): per layer and pass how it is computed, and every buffer's size and layout.
/// Value-equal, so a cached model gives an equal plan.
/// </summary>
internal sealed record NetworkPlan(
    NetworkModel Network,
    bool QualifiedNames,
    EquatableArray<LayerPlan> Layers,
    BufferPlan Predict,
    BufferPlan Train,
    BufferPlan ForwardTile,
    BufferPlan TrainTile,
    LossForm SampleLoss,
    LossForm TileLoss)
{
    /// <summary>Vectors of samples per tile (the runtime's <c>DenseTile.TileVectors</c>).</summary>
    public const int TileVectors = 4;

    public LayerPlan Last => Layers[Layers.Count - 1];

    public bool HasUnrolledLayers
    {
        get
        {
            foreach (LayerPlan layer in Layers)
            {
                if (layer.Form == DenseForm.Unrolled)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
