using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace StaticNet;

/// <summary>
/// A fixed set of dedicated threads that, with the calling thread, run the parts of one round of work.
/// Unlike <c>Parallel.For</c> a round allocates nothing: the delegate is cached by the caller, and the
/// threads wait on reusable events (which spin briefly before blocking).
/// </summary>
/// <remarks>
/// Parts are claimed, not assigned: every participant (the caller first) takes the next unclaimed part
/// until none is left. Part <c>k</c> is still always part <c>k</c> (callers keep its result in slot
/// <c>k</c> and reduce in part order), so results are deterministic, while a helper thread that the
/// operating system has not scheduled yet (a busy machine) costs nothing: the caller runs its part.
/// </remarks>
internal sealed class WorkerPool : IDisposable
{
    private const int PartBits = 16;
    private const long PartMask = (1L << PartBits) - 1;

    private readonly Thread[] _threads;
    private readonly ManualResetEventSlim[] _start;
    // "All parts done": a flag under a lock made here, not a ManualResetEventSlim, whose first blocking wait
    // allocates its lock object lazily (24 bytes, on the training thread, whenever the machine is busy).
    private readonly object _doneGate = new();
    private bool _done;
    private Action<int>? _work;
    private ExceptionDispatchInfo? _error;
    private volatile bool _stopping;

    // The current round: generation (high 32 bits), number of parts and next unclaimed part (16 bits each).
    // Claims compare-and-swap the whole value, so a late helper can never claim a part of another round.
    private long _round;
    private int _completed;
    private uint _generation;

    /// <summary>Starts <paramref name="threads"/> background threads that help the caller.</summary>
    public WorkerPool(int threads)
    {
        if (threads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "A worker pool needs at least one thread.");
        }

        _threads = new Thread[threads];
        _start = new ManualResetEventSlim[threads];
        for (int i = 0; i < _threads.Length; i++)
        {
            _start[i] = new ManualResetEventSlim(false);
            _threads[i] = new Thread(Loop)
            {
                IsBackground = true,
                Name = $"StaticNet trainer worker {i + 1}",
            };
            _threads[i].Start(i);
        }
    }

    /// <summary>Number of helper threads (besides the caller).</summary>
    public int Threads => _threads.Length;

    /// <summary>
    /// Runs <paramref name="work"/>(k) once for every k in [0, <paramref name="parts"/>), on the calling thread
    /// and the helpers, and returns when all are done. The first exception of a part is rethrown here.
    /// </summary>
    public void Run(Action<int> work, int parts)
    {
        if (parts < 1 || parts > PartMask)
        {
            throw new ArgumentOutOfRangeException(nameof(parts), parts, $"Must be in [1, {PartMask}].");
        }
        ObjectDisposedException.ThrowIf(_stopping, this);

        _work = work;
        _error = null;
        _completed = 0;
        _generation++;
        Volatile.Write(ref _round, ((long)_generation << 32) | ((long)parts << PartBits));

        int helpers = Math.Min(parts - 1, _threads.Length);
        for (int i = 0; i < helpers; i++)
        {
            _start[i].Set();
        }

        RunParts();
        WaitUntilDone();
        _work = null;
        _error?.Throw();
    }

    /// <summary>Claims and runs parts of the current round until none is left.</summary>
    private void WaitUntilDone()
    {
        var spinner = new SpinWait();
        while (!Volatile.Read(ref _done) && !spinner.NextSpinWillYield)
        {
            spinner.SpinOnce();
        }
        lock (_doneGate)
        {
            while (!_done)
            {
                Monitor.Wait(_doneGate);
            }
            _done = false;
        }
    }

    private void RunParts()
    {
        while (true)
        {
            long round = Volatile.Read(ref _round);
            int part = (int)(round & PartMask);
            int parts = (int)((round >> PartBits) & PartMask);
            if (part >= parts)
            {
                return;
            }
            if (Interlocked.CompareExchange(ref _round, round + 1, round) != round)
            {
                continue;
            }

            // The claim succeeded on this round's value, so this round's delegate is visible and stays set
            // until every claimed part, this one included, has completed.
            try
            {
                _work!(part);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(exception), null);
            }

            if (Interlocked.Increment(ref _completed) == parts)
            {
                lock (_doneGate)
                {
                    _done = true;
                    Monitor.PulseAll(_doneGate);
                }
            }
        }
    }

    private void Loop(object? state)
    {
        ManualResetEventSlim start = _start[(int)state!];
        while (true)
        {
            start.Wait();
            start.Reset();
            if (_stopping)
            {
                return;
            }
            RunParts();
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
    }
}
