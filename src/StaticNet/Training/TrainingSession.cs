using System;
using System.Numerics;
using System.Threading;
using StaticNet.Optimizers;

namespace StaticNet;

/// <summary>
/// The state of one <see cref="Trainer{T}.Fit"/> (or one evaluation): gradient buffers, per-part results and
/// the worker threads, all allocated once, so that <see cref="TrainBatch"/> allocates nothing.
/// </summary>
/// <remarks>
/// A batch of <c>count</c> rows is cut into <c>parts</c> contiguous shards; part <c>k</c> accumulates its rows, in
/// order, into its own gradient buffer, and the buffers are summed in part order. The result therefore depends
/// only on the data, the shuffle and the number of parts, never on thread timing. The number of parts is 1 when
/// the batch is too little work to share (<c>count * ParameterCount</c> below the threshold), else
/// <c>min(threads, count, work / (threshold / 2))</c> (at least 2): a function of the batch size, the network
/// and the thread setting only.
/// </remarks>
internal sealed class TrainingSession<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Most parts a batch is cut into, whatever the thread setting (<c>Threads = int.MaxValue</c> must neither
    /// allocate per-thread buffers for every value nor exceed <see cref="WorkerPool"/>'s part count).
    /// </summary>
    internal const int MaxParts = 1024;

    /// <summary>Rows evaluated per round, between cancellation checks.</summary>
    internal const int EvaluationChunk = 1024;

    private readonly INetwork<T> _network;
    private readonly IOptimizer? _optimizer;
    private readonly double? _clipNorm;
    private readonly int _threads;
    private readonly long _parallelThreshold;
    private readonly int _parameterCount;
    private readonly T[][] _gradients;

    // Per part: the part's rows gathered contiguously (inputs, then labels or targets), for the batch kernels.
    private readonly T[]?[] _gatheredInputs;
    private readonly int[]?[] _gatheredLabels;
    private readonly T[]?[] _gatheredTargets;
    private readonly double[] _partLoss;
    private readonly long[] _partCorrect;
    private readonly Action<int> _trainPart;
    private readonly Action<int> _evaluatePart;
    private WorkerPool? _pool;

    // True when every buffer of _gradients is all zeros: a successful TrainBatch leaves them so (the reduction
    // and the optimizer's fused step clear them), so the next one need not clear them again. Anything else
    // (an evaluation, which uses them as scratch, or an exception) leaves it false and the parts clear first.
    private bool _gradientsZero = true;
    private bool _clearInParts;

    // The current round, read by the parts.
    private TrainingData<T>? _data;
    private int[]? _rows;
    private int _start;
    private int _count;
    private int _parts;
    private bool _measureAccuracy;

    // Set when a declined fused SGD step has already gathered this batch into part 0: how many rows it classified right.
    private long? _gatheredByFusedAttempt;

    public TrainingSession(INetwork<T> network, IOptimizer? optimizer, double? clipNorm, int threads, long parallelThreshold)
    {
        _network = network;
        _optimizer = optimizer;
        _clipNorm = clipNorm;
        _threads = Math.Clamp(threads, 1, MaxParts);
        _parallelThreshold = parallelThreshold;
        _parameterCount = network.ParameterCount;
        _gradients = new T[_threads][];
        _gradients[0] = new T[_parameterCount];
        _gatheredInputs = new T[_threads][];
        _gatheredLabels = new int[_threads][];
        _gatheredTargets = new T[_threads][];
        _partLoss = new double[_threads];
        _partCorrect = new long[_threads];
        _trainPart = TrainPart;
        _evaluatePart = EvaluatePart;
    }

    /// <summary>Number of parts the last round used.</summary>
    public int LastParts => _parts;

    /// <summary>
    /// One optimization step on rows <c>rows[start .. start + count)</c> of <paramref name="data"/>: mean gradient,
    /// clipping, optimizer step. Plain SGD without clipping on a batch for one part is the network's fused step
    /// (<see cref="TryFusedSgdStep"/>) when it takes the batch. Otherwise the memory passes over the gradient are:
    /// accumulation; the reduction of the parts (which clears the parts' buffers), if there are several; then the
    /// optimizer's fused step, which divides by <paramref name="count"/> and clears the gradient as it reads it.
    /// With clipping, which needs the norm of the mean gradient first, one pass divides and sums the squares, and
    /// clipping, when it scales, is a pass of its own (then the optimizer divides by 1). Returns the sum of the
    /// per-sample losses and, if asked, how many samples were classified right before the step.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss or the gradient norm is not finite; no step was taken.</exception>
    public (double LossSum, long Correct) TrainBatch(
        TrainingData<T> data, int[] rows, int start, int count, bool measureAccuracy, int epoch, int batch, int batches)
    {
        if (_optimizer is Sgd { Momentum: 0, WeightDecay: 0 } sgd && _clipNorm is null && _network is IFusedSgdStep<T> fusing
            && PartsFor(count) == 1
            && TryFusedSgdStep(fusing, sgd, data, rows, start, count, measureAccuracy, epoch, batch, batches) is { } fused)
        {
            return fused;
        }

        _clearInParts = !_gradientsZero;
        _gradientsZero = false;
        try
        {
            RunRound(_trainPart, data, rows, start, count, measureAccuracy);
        }
        finally
        {
            _gatheredByFusedAttempt = null;
        }

        Span<T> gradient = _gradients[0];
        if (_parts > 1)
        {
            SpanMath.AddAndClear(gradient, _gradients, 1, _parts);
        }
        double lossSum = 0;
        long correct = 0;
        for (int part = 0; part < _parts; part++)
        {
            lossSum += _partLoss[part];
            correct += _partCorrect[part];
        }

        if (!double.IsFinite(lossSum))
        {
            throw new TrainingDivergedException(epoch, batch, batches, "mean loss", lossSum / count);
        }

        T divisor = T.CreateTruncating(count);
        if (_clipNorm is double maxNorm)
        {
            // The norm of the mean gradient is needed before the step: divide and sum the squares in one pass.
            double sumOfSquares = SpanMath.DivideAndSumOfSquares(gradient, divisor);
            divisor = T.One;
            double norm = GradientClipping.Clip(gradient, maxNorm, sumOfSquares);
            if (!double.IsFinite(norm))
            {
                throw new TrainingDivergedException(epoch, batch, batches, "gradient norm", norm);
            }
        }

        _optimizer!.Step(_network.Parameters, gradient, divisor, clearGradient: true);
        _gradientsZero = true;
        return (lossSum, correct);
    }

    /// <summary>
    /// Plain SGD without clipping, on a batch too small to share between threads: the network's fused step
    /// (<see cref="IFusedSgdStep{T}.TrySgdStep(ReadOnlySpan{T}, ReadOnlySpan{int}, T, out T)"/>), which backpropagates
    /// straight into the parameters with no gradient buffer and no optimizer pass. Null when the network declines
    /// the batch (then nothing has changed and the unfused path runs).
    /// </summary>
    private (double LossSum, long Correct)? TryFusedSgdStep(
        IFusedSgdStep<T> network, Sgd sgd, TrainingData<T> data, int[] rows, int start, int count, bool measureAccuracy, int epoch, int batch, int batches)
    {
        long correct = Gather(data, rows, start, start + count, part: 0, measureAccuracy);
        T learningRate = T.CreateTruncating(sgd.LearningRate);
        ReadOnlySpan<T> inputs = _gatheredInputs[0].AsSpan(0, count * data.InputSize);
        T lossSum;
        bool fused = data.LabelArray is not null
            ? network.TrySgdStep(inputs, _gatheredLabels[0].AsSpan(0, count), learningRate, out lossSum)
            : network.TrySgdStep(inputs, _gatheredTargets[0].AsSpan(0, count * data.TargetSize), learningRate, out lossSum);
        if (!fused)
        {
            // The unfused path runs this batch as one part: part 0 reuses the rows and the accuracy gathered here.
            _gatheredByFusedAttempt = correct;
            return null;
        }

        _parts = 1;
        double loss = double.CreateTruncating(lossSum);
        if (!double.IsFinite(loss))
        {
            // The fused step leaves the parameters untouched when the loss is not finite.
            throw new TrainingDivergedException(epoch, batch, batches, "mean loss", loss / count);
        }
        sgd.RecordFusedStep<T>(_parameterCount);
        return (loss, correct);
    }

    /// <summary>Loss and accuracy of the network on all of <paramref name="data"/>.</summary>
    public Evaluation Evaluate(TrainingData<T> data, CancellationToken cancellationToken)
    {
        bool computeLoss = _network.IsTrainable;
        bool measureAccuracy = data.IsClassification;
        _gradientsZero = false;
        double lossSum = 0;
        long correct = 0;
        // Advanced by the chunk's row count, never past data.Count, so start + EvaluationChunk cannot overflow.
        for (int start = 0, count; start < data.Count; start += count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            count = Math.Min(EvaluationChunk, data.Count - start);
            RunRound(_evaluatePart, data, null, start, count, measureAccuracy);
            for (int part = 0; part < _parts; part++)
            {
                lossSum += _partLoss[part];
                correct += _partCorrect[part];
            }
        }

        return new Evaluation(
            computeLoss ? lossSum / data.Count : double.NaN,
            measureAccuracy ? (double)correct / data.Count : null,
            data.Count);
    }

    private int PartsFor(int count)
    {
        int parts = 1;
        long amount = (long)count * _parameterCount;
        if (_threads > 1 && amount >= _parallelThreshold)
        {
            // Each part gets at least half the threshold's work, so many cores do not split a small batch finely.
            long maxParts = Math.Max(2, amount / Math.Max(1, _parallelThreshold / 2));
            parts = (int)Math.Min(Math.Min(_threads, count), maxParts);
        }
        return parts;
    }

    private void RunRound(Action<int> work, TrainingData<T> data, int[]? rows, int start, int count, bool measureAccuracy)
    {
        int parts = PartsFor(count);

        _data = data;
        _rows = rows;
        _start = start;
        _count = count;
        _parts = parts;
        _measureAccuracy = measureAccuracy;
        try
        {
            if (parts == 1)
            {
                work(0);
            }
            else
            {
                EnsurePool(parts).Run(work, parts);
            }
        }
        finally
        {
            _data = null;
            _rows = null;
        }
    }

    /// <summary>
    /// The pool, with the gradient buffers of the first <paramref name="parts"/> parts allocated (once; a later round
    /// with as many parts allocates nothing). Parts are claimed, not assigned to threads, so the pool needs no more
    /// helpers than there are processors: the parts and their results do not depend on it.
    /// </summary>
    private WorkerPool EnsurePool(int parts)
    {
        for (int part = 1; part < parts; part++)
        {
            _gradients[part] ??= new T[_parameterCount];
        }
        _pool ??= new WorkerPool(Math.Min(_threads, Math.Max(2, Environment.ProcessorCount)) - 1);
        return _pool;
    }

    private void TrainPart(int part)
    {
        TrainingData<T> data = _data!;
        int from = _start + (int)((long)_count * part / _parts);
        int to = _start + (int)((long)_count * (part + 1) / _parts);
        Span<T> gradient = _gradients[part];
        if (_clearInParts)
        {
            gradient.Clear();
        }

        long correct = part == 0 && _gatheredByFusedAttempt is long gathered
            ? gathered
            : Gather(data, _rows!, from, to, part, _measureAccuracy);
        int count = to - from;
        ReadOnlySpan<T> inputs = _gatheredInputs[part].AsSpan(0, count * data.InputSize);
        T partLoss = data.LabelArray is not null
            ? _network.AccumulateGradientBatch(inputs, _gatheredLabels[part].AsSpan(0, count), gradient)
            : _network.AccumulateGradientBatch(inputs, _gatheredTargets[part].AsSpan(0, count * data.TargetSize), gradient);
        _partLoss[part] = double.CreateTruncating(partLoss);
        _partCorrect[part] = correct;
    }

    /// <summary>
    /// Gathers the (shuffled) rows <c>rows[from..to)</c> into the part's buffers, so the network's batch kernels see
    /// them contiguously, and returns how many of them the network classifies right (when asked, before any step).
    /// The buffers grow to the largest part once and are reused, so steady-state steps do not allocate.
    /// </summary>
    private long Gather(TrainingData<T> data, int[] rows, int from, int to, int part, bool measureAccuracy)
    {
        INetwork<T> network = _network;
        int[]? labels = data.LabelArray;
        int[]? classes = measureAccuracy ? data.Classes : null;
        int targetSize = data.TargetSize;
        int inputSize = data.InputSize;
        ReadOnlySpan<T> targets = data.Targets;
        int count = to - from;
        long correct = 0;

        Span<T> inputs = Gathered(_gatheredInputs, part, count * inputSize);
        Span<int> partLabels = labels is null ? default : Gathered(_gatheredLabels, part, count);
        Span<T> partTargets = labels is null ? Gathered(_gatheredTargets, part, count * targetSize) : default;
        for (int i = 0; i < count; i++)
        {
            int row = rows[from + i];
            ReadOnlySpan<T> input = data.Input(row);
            input.CopyTo(inputs.Slice(i * inputSize, inputSize));
            if (labels is not null)
            {
                partLabels[i] = labels[row];
            }
            else
            {
                targets.Slice(row * targetSize, targetSize).CopyTo(partTargets.Slice(i * targetSize, targetSize));
            }
            if (classes is not null && network.Classify(input) == classes[row])
            {
                correct++;
            }
        }
        return correct;
    }

    private static Span<TItem> Gathered<TItem>(TItem[]?[] buffers, int part, int length)
    {
        TItem[]? buffer = buffers[part];
        if (buffer is null || buffer.Length < length)
        {
            buffer = new TItem[length];
            buffers[part] = buffer;
        }
        return buffer.AsSpan(0, length);
    }

    private void EvaluatePart(int part)
    {
        TrainingData<T> data = _data!;
        int from = _start + (int)((long)_count * part / _parts);
        int to = _start + (int)((long)_count * (part + 1) / _parts);
        INetwork<T> network = _network;
        bool computeLoss = network.IsTrainable;
        Span<T> scratch = _gradients[part];
        if (computeLoss)
        {
            // AccumulateGradient is the one definition of the loss; its gradient is discarded.
            scratch.Clear();
        }

        int[]? labels = data.LabelArray;
        int[]? classes = _measureAccuracy ? data.Classes : null;
        int targetSize = data.TargetSize;
        ReadOnlySpan<T> targets = data.Targets;
        double loss = 0;
        long correct = 0;
        for (int row = from; row < to; row++)
        {
            if (classes is not null && network.Classify(data.Input(row)) == classes[row])
            {
                correct++;
            }
        }
        if (computeLoss)
        {
            // Evaluation rows are in order, so the batch kernels read them in place.
            ReadOnlySpan<T> inputs = data.Inputs.Slice(from * data.InputSize, (to - from) * data.InputSize);
            T partLoss = labels is not null
                ? network.AccumulateGradientBatch(inputs, labels.AsSpan(from, to - from), scratch)
                : network.AccumulateGradientBatch(inputs, targets.Slice(from * targetSize, (to - from) * targetSize), scratch);
            loss = double.CreateTruncating(partLoss);
        }
        _partLoss[part] = loss;
        _partCorrect[part] = correct;
    }

    public void Dispose() => _pool?.Dispose();
}
