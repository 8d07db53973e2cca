using System;
using System.Collections.Generic;
using System.Linq;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Plan;

/// <summary>Decides, from the model alone, how each layer and pass is computed and where every value lives.</summary>
internal static class Planner
{
    /// <summary>
    /// Layers with at most this many weights are unrolled into straight-line scalar code (the iris net's 4 x 16 and
    /// 16 x 3). Larger ones call the runtime's vector kernels: unrolled code grows with the weights, kernel calls
    /// with the layers.
    /// </summary>
    public const int UnrollLimit = 64;

    /// <summary>
    /// Rows of at least this many inputs take the 512-bit loop. Measured on the benchmark networks, it made the long
    /// rows of mnist and wide (784 and 256 inputs, weights streaming from L2) 8-10% faster, and the short rows of
    /// digits (64 and 32 inputs, L1-resident, rarely 64-byte aligned) 7-10% slower.
    /// </summary>
    public const int WideLoopMinimumInputs = 128;

    /// <summary>Intermediate buffers up to this size live on the stack; larger ones in per-thread scratch memory.</summary>
    public const int StackLimitBytes = 16 * 1024;

    public static NetworkPlan Plan(NetworkModel network, bool qualifiedNames)
    {
        IReadOnlyList<LayerModel> layers = network.Layers;
        int last = layers.Count - 1;
        int elementSize = network.Precision == PrecisionKind.Double ? 8 : 4;
        int maxTileWidth = NetworkPlan.TileVectors * 64 / elementSize;

        var plans = new List<LayerPlan>();
        var predictSlots = new List<Slot>();
        int predictLength = 0;
        for (int l = 0; l < layers.Count; l++)
        {
            LayerModel layer = layers[l];
            DenseForm form = IsUnrolled(layer) ? DenseForm.Unrolled
                : layer.FanIn >= WideLoopMinimumInputs ? DenseForm.Vector512Loop
                : DenseForm.VectorLoop;
            bool registers = l == last
                ? IsUnrolled(layer) && layer.Activation == ActivationKind.Softmax && layer.Units <= 8
                : IsUnrolled(layer) && IsUnrolled(layers[l + 1]);
            ValueHome home = registers ? ValueHome.Registers : l == last ? ValueHome.Output : ValueHome.Buffer;
            if (home == ValueHome.Buffer)
            {
                predictSlots.Add(new Slot($"a{l}", predictLength, layer.Units));
                predictLength += layer.Units;
            }
            plans.Add(new LayerPlan(layer, form, home, ActivationType(layer.Activation), layer.Activation != ActivationKind.Identity));
        }

        // One sample's backward pass: z and a of every layer (a aliases z for identity), and two deltas.
        int maxUnits = layers.Max(l => l.Units);
        var trainSlots = new List<Slot>();
        int trainLength = 0;
        foreach (LayerModel layer in layers)
        {
            Add(trainSlots, ref trainLength, $"z{layer.Index}", layer.Units);
            if (layer.Activation != ActivationKind.Identity)
            {
                Add(trainSlots, ref trainLength, $"a{layer.Index}", layer.Units);
            }
        }
        Add(trainSlots, ref trainLength, "deltaA", maxUnits);
        Add(trainSlots, ref trainLength, "deltaB", maxUnits);

        // A tile's forward pass: its inputs and every layer's outputs, feature-major.
        var forwardTileSlots = new List<Slot>();
        int forwardTileRows = 0;
        Add(forwardTileSlots, ref forwardTileRows, "xT", network.InputSize);
        foreach (LayerModel layer in layers)
        {
            Add(forwardTileSlots, ref forwardTileRows, $"a{layer.Index}", layer.Units);
        }

        LossForm sampleLoss = SampleLoss(network);
        LossForm tileLoss = network.Loss == LossKind.CrossEntropy && network.Precision == PrecisionKind.Float
            ? LossForm.TileCrossEntropy
            : sampleLoss == LossForm.CrossEntropyOfSoftmax ? LossForm.CrossEntropy : sampleLoss;

        // A tile's backward pass, in tile rows: inputs^T, z^T and a^T of every layer (a aliases z for identity),
        // the output layer's targets^T (or its z, a and delta per sample), two deltas^T, and one layer input per sample.
        LayerModel output = layers[last];
        var trainTileSlots = new List<Slot>();
        int trainTileRows = 0;
        Add(trainTileSlots, ref trainTileRows, "xT", network.InputSize);
        foreach (LayerModel layer in layers)
        {
            Add(trainTileSlots, ref trainTileRows, $"z{layer.Index}", layer.Units);
            if (layer.Index != last && layer.Activation != ActivationKind.Identity)
            {
                Add(trainTileSlots, ref trainTileRows, $"a{layer.Index}", layer.Units);
            }
        }
        if (tileLoss == LossForm.TileCrossEntropy)
        {
            Add(trainTileSlots, ref trainTileRows, "targetsT", output.Units);
        }
        else
        {
            Add(trainTileSlots, ref trainTileRows, "zRows", output.Units);
            if (output.Activation != ActivationKind.Identity)
            {
                Add(trainTileSlots, ref trainTileRows, "aRows", output.Units);
            }
            Add(trainTileSlots, ref trainTileRows, "deltaRows", output.Units);
        }
        Add(trainTileSlots, ref trainTileRows, "deltaA", maxUnits);
        Add(trainTileSlots, ref trainTileRows, "deltaB", maxUnits);
        int maxHiddenFanIn = layers.Skip(1).Select(l => l.FanIn).DefaultIfEmpty(0).Max();
        if (maxHiddenFanIn > 0)
        {
            Add(trainTileSlots, ref trainTileRows, "inputRows", maxHiddenFanIn);
        }

        return new NetworkPlan(
            network,
            qualifiedNames,
            new EquatableArray<LayerPlan>(plans),
            Buffer(predictLength, predictLength * elementSize, predictSlots),
            Buffer(trainLength, trainLength * elementSize, trainSlots),
            Buffer(forwardTileRows, forwardTileRows * maxTileWidth * elementSize, forwardTileSlots),
            Buffer(trainTileRows, trainTileRows * maxTileWidth * elementSize, trainTileSlots),
            sampleLoss,
            tileLoss);
    }

    private static bool IsUnrolled(LayerModel layer) => (long)layer.Units * layer.FanIn <= UnrollLimit;

    private static void Add(List<Slot> slots, ref int length, string name, int size)
    {
        slots.Add(new Slot(name, length, size));
        length += size;
    }

    private static BufferPlan Buffer(int length, long bytes, List<Slot> slots) =>
        length == 0 ? BufferPlan.None : new BufferPlan(length, bytes <= StackLimitBytes, 0, new EquatableArray<Slot>(slots));

    private static LossForm SampleLoss(NetworkModel network)
    {
        bool softmax = network.Layers[network.Layers.Count - 1].Activation == ActivationKind.Softmax;
        return network.Loss switch
        {
            LossKind.CrossEntropy => softmax ? LossForm.CrossEntropyOfSoftmax : LossForm.CrossEntropy,
            LossKind.BinaryCrossEntropy => LossForm.BinaryCrossEntropy,
            LossKind.MeanSquaredError => softmax ? LossForm.MeanSquaredErrorOfSoftmax : LossForm.MeanSquaredError,
            _ => throw new ArgumentOutOfRangeException(nameof(network), network.Loss, "A loss the planner does not know."),
        };
    }

    /// <summary>The runtime's <c>StaticNet.Compute</c> struct of an element-wise activation.</summary>
    private static string ActivationType(ActivationKind kind) => kind switch
    {
        ActivationKind.Identity => "Identity",
        ActivationKind.Sigmoid => "Sigmoid",
        ActivationKind.Tanh => "Tanh",
        ActivationKind.Relu => "Relu",
        ActivationKind.LeakyRelu => "LeakyRelu",
        ActivationKind.Elu => "Elu",
        ActivationKind.Gelu => "Gelu",
        ActivationKind.Silu => "Silu",
        ActivationKind.Softplus => "Softplus",
        ActivationKind.Step => "Step",
        ActivationKind.Softmax => "Softmax",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "An activation the planner does not know."),
    };
}
