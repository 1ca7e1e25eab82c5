using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// A loop-local auto-reset event: each <see cref="Set"/> lets exactly one waiter through. With nobody waiting, the
/// event stays set until the next wait consumes it (a set on a set event is not counted twice).
/// </summary>
/// <example>
/// <code>
/// var workArrived = new AsyncAutoResetEvent();
/// // worker:    while (true) { await workArrived.WaitAsync(ct); DrainInbox(); }
/// // producer:  inbox.Add(item); workArrived.Set();
/// </code>
/// </example>
/// <remarks>
/// <para>Fair: a set goes to the longest waiter, and the event never looks set while tasks wait, so a newcomer
/// cannot take a signal meant for them. If that waiter's token was cancelled before the set, the signal passes to the
/// next waiter, or the event stays set; it is never lost.</para>
/// <para>Loop-local: no locks; it binds to the loop that first uses it, and use from another thread throws
/// <see cref="WrongThreadException"/>.</para>
/// </remarks>
[DebuggerDisplay("AsyncAutoResetEvent set = {IsSet}, waiters = {WaiterCount}")]
public sealed class AsyncAutoResetEvent
{
    // Only the loop thread touches these (LoopBinding checks it at every entry point).
    private readonly WaiterQueue<bool> _waiters = new();
    private readonly Stack<Waiter<bool>> _pool = new();
    private LoopBinding _binding;
    private bool _isSet;

    /// <summary>Creates an auto-reset event.</summary>
    /// <param name="initialState">True to start set (the first wait passes at once).</param>
    public AsyncAutoResetEvent(bool initialState = false) => _isSet = initialState;

    /// <summary>True while a signal is waiting to be consumed by the next wait.</summary>
    public bool IsSet => _isSet;

    internal int WaiterCount => _waiters.Count;

    /// <summary>
    /// Releases the longest waiter (it resumes on the loop's next iteration); with nobody waiting, leaves the event
    /// set for the next wait.
    /// </summary>
    /// <exception cref="WrongThreadException">Called from a thread other than the event's loop.</exception>
    public void Set()
    {
        _binding.Enter(this, nameof(Set));
        if (!_waiters.TryGrantFirst(true))
        {
            _isSet = true;
        }

        AssertInvariants();
    }

    /// <summary>Drops a pending signal, if any.</summary>
    /// <exception cref="WrongThreadException">Called from a thread other than the event's loop.</exception>
    public void Reset()
    {
        _binding.Enter(this, nameof(Reset));
        _isSet = false;
    }

    /// <summary>Waits for a signal; consumes a pending one at once.</summary>
    /// <param name="cancellationToken">Abandons the wait; no signal is then consumed.</param>
    /// <returns>A value task to await once.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before a signal reached this waiter.</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the event's loop.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public ValueTask WaitAsync(CancellationToken cancellationToken = default)
    {
        var loop = _binding.Enter(this, nameof(WaitAsync));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (_isSet)
        {
            _isSet = false;
            return default;
        }

        return Waiter<bool>.Rent(loop, _pool).ParkUntyped(_waiters, cancellationToken);
    }

    [Conditional("DEBUG")]
    private void AssertInvariants() =>
        Debug.Assert(!_isSet || _waiters.IsEmpty, "The event is never set while tasks wait: a set serves a waiter first.");
}
