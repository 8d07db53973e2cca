using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace StaticNet;

/// <summary>
/// A fixed set of dedicated threads that run one delegate per round, the calling thread taking part 0.
/// Unlike <c>Parallel.For</c> a round allocates nothing: the delegate is cached by the caller, and the
/// threads wait on reusable events (which spin briefly before blocking). Part <c>k</c> always runs the
/// caller's shard <c>k</c>, so results that are reduced in part order are deterministic.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly ManualResetEventSlim[] _start;
    private readonly ManualResetEventSlim _done = new(false);
    private Action<int>? _work;
    private int _pending;
    private volatile bool _stopping;
    private ExceptionDispatchInfo? _error;

    /// <summary>Starts <paramref name="parts"/> - 1 background threads.</summary>
    public WorkerPool(int parts)
    {
        if (parts < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(parts), parts, "A worker pool needs at least two parts.");
        }

        _threads = new Thread[parts - 1];
        _start = new ManualResetEventSlim[parts - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            _start[i] = new ManualResetEventSlim(false);
            _threads[i] = new Thread(Loop)
            {
                IsBackground = true,
                Name = $"StaticNet trainer worker {i + 1}",
            };
            _threads[i].Start(i + 1);
        }
    }

    /// <summary>Number of parts a round can have (the threads plus the caller).</summary>
    public int Parts => _threads.Length + 1;

    /// <summary>
    /// Runs <paramref name="work"/>(0) on the calling thread and <paramref name="work"/>(k) for
    /// k in [1, <paramref name="parts"/>) on the pool's threads, and returns when all are done.
    /// The first exception of a part is rethrown here.
    /// </summary>
    public void Run(Action<int> work, int parts)
    {
        if ((uint)(parts - 1) >= (uint)Parts)
        {
            throw new ArgumentOutOfRangeException(nameof(parts), parts, $"Must be in [1, {Parts}].");
        }
        ObjectDisposedException.ThrowIf(_stopping, this);

        _work = work;
        _error = null;
        Volatile.Write(ref _pending, parts - 1);
        for (int i = 1; i < parts; i++)
        {
            _start[i - 1].Set();
        }

        try
        {
            work(0);
        }
        finally
        {
            if (parts > 1)
            {
                _done.Wait();
                _done.Reset();
            }
            _work = null;
        }

        _error?.Throw();
    }

    private void Loop(object? state)
    {
        int part = (int)state!;
        ManualResetEventSlim start = _start[part - 1];
        while (true)
        {
            start.Wait();
            start.Reset();
            if (_stopping)
            {
                return;
            }

            try
            {
                _work!(part);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(exception), null);
            }

            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _done.Set();
            }
        }
    }

    /// <summary>Stops and joins the threads.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        foreach (ManualResetEventSlim start in _start)
        {
            start.Set();
        }
        foreach (Thread thread in _threads)
        {
            thread.Join();
        }
        foreach (ManualResetEventSlim start in _start)
        {
            start.Dispose();
        }
        _done.Dispose();
    }
}
