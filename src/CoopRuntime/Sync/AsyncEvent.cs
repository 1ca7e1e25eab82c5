using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// A loop-local manual-reset event (asyncio's <c>Event</c>): tasks wait until it is set; setting it wakes every
/// waiter, and later waits pass at once until it is cleared.
/// </summary>
/// <example>
/// <code>
/// var ready = new AsyncEvent();
/// // consumers:  await ready.WaitAsync(cancellationToken);
/// // producer:   ready.Set();        // every waiter resumes on the next iteration, in the order they waited
/// </code>
/// </example>
/// <remarks>
/// <para>A <see cref="Set"/> wakes exactly the tasks waiting at that moment. A <see cref="Clear"/> right after it
/// does not take the wake-up back: those waiters still resume. Their continuations are scheduled, never run inside
/// <see cref="Set"/>, so setting an event with 100,000 waiters is 100,000 queue entries, not a deep stack.</para>
/// <para>A cancelled wait leaves without disturbing the others; if the token was cancelled before the
/// <see cref="Set"/>, the wait throws <see cref="OperationCanceledException"/>.</para>
/// <para>Loop-local: no locks; it binds to the loop that first uses it, and use from another thread throws
/// <see cref="WrongThreadException"/>.</para>
/// </remarks>
[DebuggerDisplay("AsyncEvent set = {IsSet}, waiters = {WaiterCount}")]
public sealed class AsyncEvent
{
    // Only the loop thread touches these (LoopBinding checks it at every entry point).
    private readonly WaiterQueue<bool> _waiters = new();
    private readonly Stack<Waiter<bool>> _pool = new();
    private LoopBinding _binding;
    private bool _isSet;

    /// <summary>Creates an event.</summary>
    /// <param name="initialState">True to start set.</param>
    public AsyncEvent(bool initialState = false) => _isSet = initialState;

    /// <summary>True while the event is set.</summary>
    public bool IsSet => _isSet;

    internal int WaiterCount => _waiters.Count;

    /// <summary>Sets the event: every current waiter resumes on the loop's next iteration, and later waits pass at once.</summary>
    /// <exception cref="WrongThreadException">Called from a thread other than the event's loop.</exception>
    public void Set()
    {
        _binding.Enter(this, nameof(Set));
        _isSet = true;
        while (_waiters.TryGrantFirst(true))
        {
        }

        AssertInvariants();
    }

    /// <summary>Clears the event, so that later waits wait for the next <see cref="Set"/>.</summary>
    /// <exception cref="WrongThreadException">Called from a thread other than the event's loop.</exception>
    public void Clear()
    {
        _binding.Enter(this, nameof(Clear));
        _isSet = false;
    }

    /// <summary>Waits until the event is set; completes at once if it already is.</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A value task to await once.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before the event was set.</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the event's loop.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public ValueTask WaitAsync(CancellationToken cancellationToken = default)
    {
        var loop = _binding.Enter(this, nameof(WaitAsync));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        return _isSet ? default : Waiter<bool>.Rent(loop, _pool).ParkUntyped(_waiters, cancellationToken);
    }

    [Conditional("DEBUG")]
    private void AssertInvariants() =>
        Debug.Assert(!_isSet || _waiters.IsEmpty, "Nobody waits on a set event: setting it wakes every waiter.");
}
