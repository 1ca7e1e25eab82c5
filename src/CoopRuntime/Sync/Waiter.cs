using System.Diagnostics;
using System.Threading.Tasks.Sources;

namespace CoopRuntime;

/// <summary>
/// One parked waiter of a synchronization primitive: a pooled <see cref="IValueTaskSource{TResult}"/> that sits in a
/// <see cref="WaiterQueue{T}"/> until the primitive grants it a value or its token cancels it.
/// </summary>
/// <remarks>
/// <para>Granting (<see cref="TryGrant"/>) happens inside user code (<c>Release</c>, <c>Set</c>, <c>Enqueue</c>), so
/// the waiter's continuation is scheduled for the next iteration, never run re-entrantly: releasing 100,000 waiters
/// is 100,000 queue entries, not 100,000 nested frames, and they resume in FIFO order.</para>
/// <para>Cancellation: the token's callback may run on any thread, so it only posts a cancel item to the loop. On
/// the loop, whichever the loop sees first wins. A cancellation counts as seen once the token reports it, even if its
/// cancel item has not run yet: <see cref="TryGrant"/> then processes it on the spot and returns false, so the grant
/// passes to the next waiter (a grant never goes to a waiter whose token was already cancelled). A grant made before
/// the token was cancelled stands, and the later cancel item does nothing. No wake-up is lost either way.</para>
/// <para>Waits that must get something back before they may throw (a condition wait reacquires its lock) set
/// <see cref="DefersCancellation"/>: a cancellation then takes the waiter out of its queue and calls
/// <see cref="Canceled"/>, which parks it again elsewhere, and the waiter's next grant completes it as cancelled.</para>
/// <para>Registration life: the waiter listens to its token from <see cref="Park"/> until it is granted, its
/// cancellation is processed, or <see cref="IgnoreCancellation"/> is called. If the token's callback may still be in
/// flight when it stops listening, the waiter is not returned to the pool, so a late cancel item can never meet a
/// reused waiter.</para>
/// <para>Only the loop thread touches a waiter, except the token callback, which only posts.</para>
/// </remarks>
/// <typeparam name="T">What a grant hands over (use <see cref="bool"/> when there is nothing to hand over).</typeparam>
[DebuggerDisplay("Waiter pending = {IsPending}, listening = {_listening}")]
internal sealed class Waiter<T> : IValueTaskSource<T>, IValueTaskSource, IPooledOperation
{
    private readonly EventLoop _loop;
    private readonly Stack<Waiter<T>> _pool;
    private readonly int _maxPooled;
    private LoopOperationCore<T> _core;
    private CancellationToken _cancellationToken;
    private CancellationTokenRegistration _registration;

    // True from Park (with a cancellable token) until the waiter stops listening: granted, cancellation processed, or
    // IgnoreCancellation. While true, the waiter is pending.
    private bool _listening;

    // DefersCancellation only: the cancellation was processed and the next grant completes the wait as cancelled.
    private bool _cancelDeferred;
    private bool _mayHaveCancelInFlight;

    private Waiter(EventLoop loop, Stack<Waiter<T>> pool, int maxPooled)
    {
        _loop = loop;
        _pool = pool;
        _maxPooled = maxPooled;
    }

    /// <summary>The queue this waiter is parked in, or null.</summary>
    internal WaiterQueue<T>? Queue;

    internal Waiter<T>? Previous;

    internal Waiter<T>? Next;

    /// <summary>A number the primitive may attach (a requested count, a priority tie-breaker...).</summary>
    public long Number { get; set; }

    /// <summary>
    /// A value of the waiter's own type that the primitive parks with it: the item a blocked writer carries until a
    /// slot frees up. Typed, so that a value-type item is not boxed.
    /// </summary>
    public T? Item { get; set; }

    public bool IsPending => _core.IsPending;

    /// <summary>
    /// Called on the loop thread after a cancellation took this waiter out of its queue, for primitives that keep
    /// counts beside the queue (a bounded queue's blocked writers) or, with <see cref="DefersCancellation"/>, must park
    /// the waiter again. It runs from the cancel item, or from inside <see cref="TryGrant"/> or
    /// <see cref="CancelIfRequested"/> when those find the token already cancelled. Cache the delegate per primitive
    /// so that setting it allocates nothing.
    /// </summary>
    public Action<Waiter<T>>? Canceled { get; set; }

    /// <summary>
    /// When true, a cancellation does not complete the wait at once: the waiter leaves its queue and stays pending,
    /// <see cref="Canceled"/> (which must then be set) parks it again, and its next grant completes it as cancelled.
    /// For waits that must get something back before they throw, like a condition wait reacquiring its lock.
    /// </summary>
    public bool DefersCancellation { get; set; }

    /// <summary>True when the token has been cancelled and the waiter has not processed it yet (nor stopped listening).</summary>
    public bool IsCancellationRequested => _listening && _cancellationToken.IsCancellationRequested;

    /// <summary>Takes a waiter from <paramref name="pool"/> (or makes one) for <paramref name="loop"/>.</summary>
    public static Waiter<T> Rent(EventLoop loop, Stack<Waiter<T>> pool, int maxPooled = 1024) =>
        pool.Count > 0 ? pool.Pop() : new Waiter<T>(loop, pool, maxPooled);

    /// <summary>Parks this waiter at the tail of <paramref name="queue"/> and returns the value task to await.</summary>
    public ValueTask<T> Park(WaiterQueue<T> queue, CancellationToken cancellationToken)
    {
        Arm(queue, cancellationToken);
        return new ValueTask<T>(this, _core.Version);
    }

    /// <summary>Like <see cref="Park"/>, for primitives whose waits return nothing.</summary>
    public ValueTask ParkUntyped(WaiterQueue<T> queue, CancellationToken cancellationToken)
    {
        Arm(queue, cancellationToken);
        return new ValueTask(this, _core.Version);
    }

    private void Arm(WaiterQueue<T> queue, CancellationToken cancellationToken)
    {
        Debug.Assert(!_listening, "A pooled waiter must not still listen to the token of its previous use.");
        _core.Reset();
        _cancelDeferred = false;
        _cancellationToken = cancellationToken;
        queue.Enqueue(this);
        if (cancellationToken.CanBeCanceled)
        {
            _listening = true;
            _registration = cancellationToken.UnsafeRegister(static self => ((Waiter<T>)self!).OnCancelRequested(), this);
        }
    }

    /// <summary>
    /// Completes the wait with <paramref name="value"/>, removing it from its queue; the continuation runs next
    /// iteration. If the token was already cancelled, the cancellation wins instead: the waiter leaves its queue as
    /// cancelled and this returns false, so the caller passes the grant on. A waiter with a deferred cancellation
    /// takes the grant (it now owns what it was given) and completes as cancelled.
    /// </summary>
    /// <returns>True if the waiter took the grant; false if it had completed or its cancellation came first.</returns>
    public bool TryGrant(T value)
    {
        if (!_core.IsPending)
        {
            return false;
        }

        if (_cancelDeferred)
        {
            _core.TrySetCanceled(_cancellationToken);
        }
        else if (IsCancellationRequested)
        {
            ProcessCancellation(fromDispatch: false);
            return false;
        }
        else
        {
            _core.TrySetResult(value);
        }

        CompleteScheduled();
        return true;
    }

    /// <summary>Fails the wait with <paramref name="error"/> (for example, a channel completed with an error).</summary>
    /// <returns>False if the waiter had already completed.</returns>
    public bool TryFail(Exception error)
    {
        if (!_core.TrySetException(error))
        {
            return false;
        }

        CompleteScheduled();
        return true;
    }

    /// <summary>
    /// Processes a cancellation the token has requested but whose cancel item has not run yet, as the item would
    /// (the awaiting code resumes on the next iteration). For primitives that must not count a waiter whose
    /// cancellation already happened: a barrier completing a phase, a condition choosing whom to notify.
    /// </summary>
    /// <returns>True if the waiter was cancelled (it has left its queue).</returns>
    public bool CancelIfRequested()
    {
        if (!IsCancellationRequested)
        {
            return false;
        }

        ProcessCancellation(fromDispatch: false);
        return true;
    }

    /// <summary>Stops listening to the token: from now on only a grant completes the wait (a notified condition waiter).</summary>
    public void IgnoreCancellation() => StopListening();

    private void CompleteScheduled()
    {
        Queue?.Remove(this);
        StopListening();
        _core.ResumeScheduled(_loop);
    }

    private void StopListening()
    {
        if (_listening)
        {
            _listening = false;
            if (!_registration.Unregister())
            {
                _mayHaveCancelInFlight = true; // the callback ran or is running: its cancel item may still arrive
            }
        }
    }

    // Runs on whatever thread cancelled the token, possibly the loop thread inside Cancel(): hop to the dispatch.
    private void OnCancelRequested() =>
        _loop.TryScheduleFromAnyThread(WorkItem.From(static self => self.OnCancelItem(), this));

    private void OnCancelItem()
    {
        if (!_listening)
        {
            return; // granted first, cancellation already processed, or ignored
        }

        _listening = false; // the registration has fired: nothing else is in flight
        ProcessCancellation(fromDispatch: true);
    }

    private void ProcessCancellation(bool fromDispatch)
    {
        Debug.Assert(_core.IsPending, "Only a pending waiter processes a cancellation.");
        StopListening();
        Queue?.Remove(this);
        if (DefersCancellation)
        {
            Debug.Assert(Canceled is not null, "A waiter that defers cancellation needs a Canceled callback to park it again.");
            _cancelDeferred = true;
            Canceled!.Invoke(this);
            return;
        }

        _core.TrySetCanceled(_cancellationToken);
        Canceled?.Invoke(this);
        if (fromDispatch)
        {
            _core.ResumeInline();
        }
        else
        {
            _core.ResumeScheduled(_loop);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(_loop, continuation, state, token, flags);

    public T GetResult(short token) => _core.GetResult(token, this);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token, this);

    void IPooledOperation.Recycle()
    {
        Debug.Assert(!_listening && Queue is null, "A completed waiter neither listens to its token nor sits in a queue.");
        _cancellationToken = default;
        _registration = default;
        _cancelDeferred = false;
        Item = default;
        Number = 0;
        Canceled = null;
        DefersCancellation = false;
        if (!_mayHaveCancelInFlight && _pool.Count < _maxPooled)
        {
            _pool.Push(this);
        }
    }
}
