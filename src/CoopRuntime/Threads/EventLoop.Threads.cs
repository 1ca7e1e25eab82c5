namespace CoopRuntime;

// Bridges between the loop and other threads: work offloaded to the thread pool, and hopping onto a loop from
// anywhere. Kept apart from Loop/EventLoop.cs so the loop core reads without them.
public sealed partial class EventLoop
{
    /// <summary>
    /// Runs <paramref name="work"/> on the thread pool and completes the returned task on this loop's thread with its
    /// result or exception (Python's <c>asyncio.to_thread</c>). Use it for blocking or CPU-bound calls that would
    /// otherwise stall the loop.
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="work">The blocking call. It runs on a thread-pool thread, so it must not touch loop-bound objects.</param>
    /// <param name="cancellationToken">Before the work starts, cancellation means it never runs. Once it runs, it cannot
    /// be interrupted: the awaiting code resumes at once with <see cref="OperationCanceledException"/> and the work's
    /// eventual result or exception is discarded. Pass the token into <paramref name="work"/> too if it can stop early.</param>
    /// <returns>A task that completes on the loop thread.</returns>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static Task<T> RunOnThreadPoolAsync<T>(Func<T> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var loop = RequireCurrent(nameof(RunOnThreadPoolAsync));
        return ThreadPoolWork<T>.Start(loop, work, null, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the thread pool and completes the returned task on this loop's thread, with its
    /// exception if it threw (Python's <c>asyncio.to_thread</c>).
    /// </summary>
    /// <param name="work">The blocking call. It runs on a thread-pool thread, so it must not touch loop-bound objects.</param>
    /// <param name="cancellationToken">Before the work starts, cancellation means it never runs. Once it runs, it cannot
    /// be interrupted: the awaiting code resumes at once with <see cref="OperationCanceledException"/> and the work's
    /// eventual outcome is discarded.</param>
    /// <returns>A task that completes on the loop thread.</returns>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static Task RunOnThreadPoolAsync(Action work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var loop = RequireCurrent(nameof(RunOnThreadPoolAsync));
        return ThreadPoolWork<bool>.Start(loop, null, work, cancellationToken);
    }

    /// <summary>
    /// Returns an awaitable that moves the awaiting code onto this loop's thread: <c>await loop.SwitchTo();</c> from a
    /// thread-pool thread, another loop or a plain thread continues on this loop. Already on this loop, it does not
    /// suspend. Thread-safe.
    /// </summary>
    /// <returns>The awaitable.</returns>
    /// <remarks>Awaiting it throws <see cref="ObjectDisposedException"/> if the loop is closed. A loop that is not
    /// running yet holds the continuation until it runs.</remarks>
    public SwitchToAwaitable SwitchTo() => new(this);
}
