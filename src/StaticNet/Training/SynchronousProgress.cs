using System;

namespace StaticNet;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its handler at once, on the thread that reports, before
/// <see cref="Report"/> returns. <see cref="Trainer{T}"/> reports each epoch on its training thread, so the handler
/// runs in epoch order and every call has finished when <see cref="Trainer{T}.Fit"/> returns.
/// </summary>
/// <remarks>
/// <see cref="Progress{T}"/>, by contrast, posts each report to the synchronization context captured when it was
/// created, or to the thread pool when there is none (a console application): its handlers may run out of order,
/// concurrently, and after <c>Fit</c> has returned. Use <see cref="Progress{T}"/> to update a user interface from
/// its thread; use this one to print or log.
/// </remarks>
/// <example>
/// <code>
/// trainer.Fit(training, validation, new SynchronousProgress&lt;EpochMetrics&gt;(Console.WriteLine));
/// </code>
/// </example>
/// <typeparam name="T">The type of the reports.</typeparam>
public sealed class SynchronousProgress<T> : IProgress<T>
{
    private readonly Action<T> _handler;

    /// <summary>Creates a reporter that calls <paramref name="handler"/> for each report.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    public SynchronousProgress(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
    }

    /// <summary>Calls the handler with <paramref name="value"/> on the calling thread; its exceptions propagate to the caller.</summary>
    public void Report(T value) => _handler(value);
}
