using System;
using System.Numerics;

namespace StaticNet;

/// <summary>
/// Runs a network's <see cref="IPredictor{T}.PredictBatch"/> on several cores: a large batch is cut into contiguous
/// shards of whole tiles (the batch kernels' unit of work), one per thread, the calling thread included, each
/// predicted by the network's own batch kernels. Results are exactly those of a single <c>PredictBatch</c> call,
/// since samples never interact.
/// </summary>
/// <remarks>
/// The threads are started once, by the constructor, and wait between calls; a call allocates nothing. Batches too
/// small to pay for the hand-off (fewer than two tiles, or less work than <see cref="MinimumWorkPerThread"/>
/// multiply-adds per thread) run on the calling thread alone. One call at a time per instance.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class BatchPredictor<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Weights times samples below which a shard is not worth a thread.</summary>
    public const long MinimumWorkPerThread = 1 << 16;

    /// <summary>Most shards a batch is cut into, whatever <see cref="Threads"/> says.</summary>
    private const int MaxParts = 1024;

    private readonly IPredictor<T> _network;

    /// <summary>The network's parameter count: the work of one sample, which decides whether sharding pays.</summary>
    private readonly int _parameterCount;
    private readonly WorkerPool? _pool;
    private readonly Action<int> _predictPart;
    private ReadOnlyMemory<T> _inputs;
    private Memory<T> _outputs;
    private int _rowsPerPart;
    private int _count;

    /// <summary>Prepares <paramref name="threads"/> threads (the caller counts as one) for <paramref name="network"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is less than 1.</exception>
    public BatchPredictor(IPredictor<T> network, int threads)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _network = network;
        _parameterCount = network.Description.ParameterCount;
        Threads = threads;
        // Shards are claimed, not assigned, so more helpers than processors would only wait; at most MaxParts shards.
        int helpers = Math.Min(Math.Min(threads, MaxParts), Math.Max(2, Environment.ProcessorCount)) - 1;
        _pool = threads > 1 ? new WorkerPool(helpers) : null;
        _predictPart = PredictPart;
    }

    /// <summary>Prepares one thread per processor.</summary>
    public BatchPredictor(IPredictor<T> network)
        : this(network, Environment.ProcessorCount)
    {
    }

    /// <summary>The most threads a call uses, the caller included.</summary>
    public int Threads { get; }

    /// <summary>Samples per tile of generated networks' batch kernels, the unit of a shard.</summary>
    public static int TileWidth => 4 * Vector<T>.Count;

    /// <summary>
    /// Computes the outputs of <c>inputs.Length / InputSize</c> samples stored row-major into <paramref name="outputs"/>
    /// (<c>[count x OutputSize]</c>), sharing the batch among the threads.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not describe whole rows, as for <see cref="IPredictor{T}.PredictBatch"/>.</exception>
    public void PredictBatch(ReadOnlyMemory<T> inputs, Memory<T> outputs)
    {
        int inputSize = _network.InputSize;
        int count = inputs.Length / inputSize;
        if (count * inputSize != inputs.Length)
        {
            ThrowHelper.NotMultipleOfRow(nameof(inputs), inputs.Length, inputSize);
        }
        if (outputs.Length != (long)count * _network.OutputSize)
        {
            // count * OutputSize may exceed int: then no span can match it.
            ThrowHelper.WrongBatchLength(nameof(outputs), outputs.Length, (int)Math.Min(int.MaxValue, (long)count * _network.OutputSize));
        }

        // In long: count + TileWidth - 1 overflows int for counts near int.MaxValue.
        long tiles = ((long)count + TileWidth - 1) / TileWidth;
        long workPerTile = (long)TileWidth * _parameterCount;
        int parts = (int)Math.Min(Math.Min(Math.Min(Threads, MaxParts), tiles), Math.Max(1, tiles * workPerTile / MinimumWorkPerThread));
        if (parts <= 1 || _pool is null)
        {
            _network.PredictBatch(inputs.Span, outputs.Span);
            return;
        }

        _inputs = inputs;
        _outputs = outputs;
        _count = count;
        // At most count + TileWidth - 1 rows per part, and the part count is at most parts: all in range, in long.
        long rowsPerPart = (tiles + parts - 1) / parts * TileWidth;
        _rowsPerPart = (int)Math.Min(rowsPerPart, count);
        try
        {
            _pool.Run(_predictPart, (int)(((long)count + _rowsPerPart - 1) / _rowsPerPart));
        }
        finally
        {
            _inputs = default;
            _outputs = default;
        }
    }

    private void PredictPart(int part)
    {
        int from = part * _rowsPerPart;
        int rows = Math.Min(_rowsPerPart, _count - from);
        int inputSize = _network.InputSize, outputSize = _network.OutputSize;
        _network.PredictBatch(_inputs.Span.Slice(from * inputSize, rows * inputSize), _outputs.Span.Slice(from * outputSize, rows * outputSize));
    }

    /// <summary>Stops the threads.</summary>
    public void Dispose() => _pool?.Dispose();
}
