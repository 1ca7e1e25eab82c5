using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// A loop-local counting semaphore (asyncio's <c>Semaphore</c>, and <c>BoundedSemaphore</c> when given a
/// <c>maxCount</c>): limits how many tasks use a resource at once. Waiters get permits in the order they asked.
/// </summary>
/// <example>
/// <code>
/// var downloads = new AsyncSemaphore(4);          // at most four at a time
/// await downloads.WaitAsync(cancellationToken);
/// try { await DownloadAsync(url, cancellationToken); }
/// finally { downloads.Release(); }
/// </code>
/// </example>
/// <remarks>
/// <para><b>Fair, no barging.</b> A release while tasks wait hands the permit straight to the longest waiter; the
/// count only grows when nobody waits. So a task that calls <see cref="WaitAsync"/> while others wait queues behind
/// them even if a permit was just released.</para>
/// <para><b>Cancellation.</b> A cancelled wait leaves the queue without taking a permit. If the token is cancelled
/// before a permit reaches the waiter, the permit goes to the next waiter (or back to the count); if the permit was
/// handed over first, the wait succeeds and the caller must release it. No permit is ever lost.</para>
/// <para><b>Bounded.</b> With a <c>maxCount</c>, releasing more permits than were taken throws
/// <see cref="SemaphoreFullException"/>, which catches unbalanced releases early (asyncio's BoundedSemaphore).</para>
/// <para><b>Loop-local.</b> It takes no locks and binds to the loop that first uses it; use from another thread
/// throws <see cref="WrongThreadException"/>. Waits allocate nothing in steady state.</para>
/// </remarks>
[DebuggerDisplay("AsyncSemaphore count = {CurrentCount}, waiters = {WaiterCount}")]
public sealed class AsyncSemaphore
{
    // Only the loop thread touches these (LoopBinding checks it at every entry point).
    private readonly WaiterQueue<bool> _waiters = new();
    private readonly Stack<Waiter<bool>> _pool = new();
    private readonly int _maxCount;
    private LoopBinding _binding;
    private int _count;

    /// <summary>Creates a semaphore with <paramref name="initialCount"/> free permits.</summary>
    /// <param name="initialCount">The permits available at the start; zero or more.</param>
    /// <param name="maxCount">The most permits there may ever be. Leave it at <see cref="int.MaxValue"/> for an
    /// unbounded semaphore; set it (usually to <paramref name="initialCount"/>) to make over-release an error.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initialCount"/> is negative or greater than
    /// <paramref name="maxCount"/>, or <paramref name="maxCount"/> is not positive.</exception>
    public AsyncSemaphore(int initialCount, int maxCount = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        ArgumentOutOfRangeException.ThrowIfNegative(initialCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(initialCount, maxCount);
        _count = initialCount;
        _maxCount = maxCount;
    }

    /// <summary>The permits free right now. Zero whenever tasks are waiting.</summary>
    public int CurrentCount => _count;

    internal int WaiterCount => _waiters.Count;

    /// <summary>Takes a permit, waiting in FIFO order if none is free.</summary>
    /// <param name="cancellationToken">Abandons the wait; no permit is then taken.</param>
    /// <returns>A value task that completes once the caller holds a permit. Await it once.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before a permit was handed over.</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the semaphore's loop.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public ValueTask WaitAsync(CancellationToken cancellationToken = default)
    {
        var loop = _binding.Enter(this, nameof(WaitAsync));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (_count > 0)
        {
            _count--;
            return default;
        }

        return Waiter<bool>.Rent(loop, _pool).ParkUntyped(_waiters, cancellationToken);
    }

    /// <summary>
    /// Returns <paramref name="releaseCount"/> permits: each goes to the longest waiter, and what is left is added to
    /// <see cref="CurrentCount"/>. The waiters resume on the loop's next iteration, in order.
    /// </summary>
    /// <param name="releaseCount">How many permits to return; one or more.</param>
    /// <returns>The <see cref="CurrentCount"/> before the release.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="releaseCount"/> is less than one.</exception>
    /// <exception cref="SemaphoreFullException">The release would take the count above the semaphore's maxCount.</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the semaphore's loop.</exception>
    public int Release(int releaseCount = 1)
    {
        _binding.Enter(this, nameof(Release));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(releaseCount);
        if (releaseCount > _maxCount - _count)
        {
            throw new SemaphoreFullException(
                $"AsyncSemaphore.Release({releaseCount}) would raise the count above its maximum of {_maxCount} (it is " +
                $"{_count} now): the semaphore was released more times than it was waited on. Release once per " +
                "completed WaitAsync.");
        }

        var previous = _count;
        var left = releaseCount;
        while (left > 0 && _waiters.TryGrantFirst(true))
        {
            left--;
        }

        _count += left;
        AssertInvariants();
        return previous;
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_count >= 0 && _count <= _maxCount, "The count stays between zero and the maximum.");
        Debug.Assert(_count == 0 || _waiters.IsEmpty, "Nobody waits while permits are free: a release serves waiters first.");
    }
}
