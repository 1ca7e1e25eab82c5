using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// A loop-local countdown (like <see cref="CountdownEvent"/>): waiters wait until the count, decremented by
/// <see cref="Signal"/>, reaches zero. Use it to wait for a known number of things to happen.
/// </summary>
/// <example>
/// <code>
/// var pending = new AsyncCountdown(urls.Count);
/// foreach (var url in urls)
/// {
///     loop.Spawn(async ct => { try { await FetchAsync(url, ct); } finally { pending.Signal(); } });
/// }
/// await pending.WaitAsync();   // every fetch has finished
/// </code>
/// </example>
/// <remarks>
/// <para>Once the count reaches zero the countdown stays set until <see cref="Reset"/>: later waits pass at once,
/// and <see cref="AddCount"/> is refused. Reaching zero wakes every waiter; they resume on the loop's next iteration, in
/// the order they waited, never inside <see cref="Signal"/>.</para>
/// <para>A cancelled wait leaves without disturbing the others (the count is unaffected: waiting is not
/// signalling). Loop-local: no locks; it binds to the loop that first uses it, and use from another thread throws
/// <see cref="WrongThreadException"/>.</para>
/// </remarks>
[DebuggerDisplay("AsyncCountdown count = {CurrentCount}, waiters = {WaiterCount}")]
public sealed class AsyncCountdown
{
    // Only the loop thread touches these (LoopBinding checks it at every entry point).
    private readonly WaiterQueue<bool> _waiters = new();
    private readonly Stack<Waiter<bool>> _pool = new();
    private LoopBinding _binding;
    private int _count;

    /// <summary>Creates a countdown starting at <paramref name="initialCount"/>; zero starts it set.</summary>
    /// <param name="initialCount">How many signals it takes to reach zero.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initialCount"/> is negative.</exception>
    public AsyncCountdown(int initialCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCount);
        _count = initialCount;
    }

    /// <summary>The signals still needed to reach zero.</summary>
    public int CurrentCount => _count;

    /// <summary>True once the count has reached zero.</summary>
    public bool IsSet => _count == 0;

    internal int WaiterCount => _waiters.Count;

    /// <summary>
    /// Decrements the count by <paramref name="signalCount"/>; at zero, every waiter resumes on the loop's next
    /// iteration.
    /// </summary>
    /// <param name="signalCount">How many signals to register; one or more.</param>
    /// <returns>True if this call brought the count to zero.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="signalCount"/> is less than one.</exception>
    /// <exception cref="InvalidOperationException">The count is lower than <paramref name="signalCount"/> (more signals
    /// than were expected).</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the countdown's loop.</exception>
    public bool Signal(int signalCount = 1)
    {
        _binding.Enter(this, nameof(Signal));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(signalCount);
        if (signalCount > _count)
        {
            throw new InvalidOperationException(
                $"AsyncCountdown.Signal({signalCount}) would take the count below zero (it is {_count}): it was signalled " +
                "more times than its count. Signal once per expected event, or raise the count first with AddCount.");
        }

        _count -= signalCount;
        return ReleaseWaitersAtZero();
    }

    /// <summary>
    /// Sets the count to <paramref name="count"/>, to reuse the countdown for another round. Zero releases the
    /// waiters as the last signal would; waiters already released stay released.
    /// </summary>
    /// <param name="count">The new count; zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the countdown's loop.</exception>
    public void Reset(int count)
    {
        _binding.Enter(this, nameof(Reset));
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _count = count;
        ReleaseWaitersAtZero();
    }

    private bool ReleaseWaitersAtZero()
    {
        if (_count > 0)
        {
            return false;
        }

        while (_waiters.TryGrantFirst(true))
        {
        }

        AssertInvariants();
        return true;
    }

    /// <summary>Raises the count by <paramref name="signalCount"/>, so that more signals are needed.</summary>
    /// <param name="signalCount">How much to add; one or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="signalCount"/> is less than one.</exception>
    /// <exception cref="InvalidOperationException">The count already reached zero (the waiters were released), or the
    /// count would overflow.</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the countdown's loop.</exception>
    public void AddCount(int signalCount = 1)
    {
        _binding.Enter(this, nameof(AddCount));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(signalCount);
        if (_count == 0)
        {
            throw new InvalidOperationException(
                "AsyncCountdown.AddCount was called after the count reached zero: the countdown is set and its waiters " +
                "were released. Add to the count before the last Signal, or use a new AsyncCountdown.");
        }

        if (signalCount > int.MaxValue - _count)
        {
            throw new InvalidOperationException(
                $"AsyncCountdown.AddCount({signalCount}) would overflow the count (it is {_count}).");
        }

        _count += signalCount;
    }

    /// <summary>Waits until the count reaches zero; completes at once if it already has.</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A value task to await once.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before the count reached zero.</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the countdown's loop.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public ValueTask WaitAsync(CancellationToken cancellationToken = default)
    {
        var loop = _binding.Enter(this, nameof(WaitAsync));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        return _count == 0 ? default : Waiter<bool>.Rent(loop, _pool).ParkUntyped(_waiters, cancellationToken);
    }

    [Conditional("DEBUG")]
    private void AssertInvariants() =>
        Debug.Assert(_count > 0 || _waiters.IsEmpty, "Nobody waits once the count is zero: reaching zero wakes every waiter.");
}
