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
/// the loop, whichever comes first wins: a grant (the waiter keeps what it was given) or the cancel (the waiter
/// leaves the queue, so the next grant goes to the next waiter). No wake-up is lost either way.</para>
/// <para>Only the loop thread touches a waiter, except the token callback, which only posts.</para>
/// </remarks>
/// <typeparam name="T">What a grant hands over (use <see cref="bool"/> when there is nothing to hand over).</typeparam>
[DebuggerDisplay("Waiter pending = {IsPending}")]
internal sealed class Waiter<T> : IValueTaskSource<T>, IValueTaskSource, IPooledOperation
{
    private readonly EventLoop _loop;
    private readonly Stack<Waiter<T>> _pool;
    private readonly int _maxPooled;
    private LoopOperationCore<T> _core;
    private CancellationToken _cancellationToken;
    private CancellationTokenRegistration _registration;
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

    /// <summary>Free-form payload for the primitive (an item a blocked writer carries, a requested count...).</summary>
    public object? Payload { get; set; }

    /// <summary>A number the primitive may attach (a requested count, a priority tie-breaker...).</summary>
    public long Number { get; set; }

    /// <summary>
    /// A value of the waiter's own type that the primitive parks with it: the item a blocked writer carries until a
    /// slot frees up. Typed, so that a value-type item is not boxed into <see cref="Payload"/>.
    /// </summary>
    public T? Item { get; set; }

    public bool IsPending => _core.IsPending;

    /// <summary>
    /// Called on the loop thread after this waiter was cancelled and left its queue, for primitives that keep
    /// counts beside the queue (a barrier's arrivals, a bounded queue's blocked writers). Cache the delegate per
    /// primitive so that setting it allocates nothing.
    /// </summary>
    public Action<Waiter<T>>? Canceled { get; set; }

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
        _core.Reset();
        _cancellationToken = cancellationToken;
        queue.Enqueue(this);
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static self => ((Waiter<T>)self!).OnCancelRequested(), this);
        }
    }

    /// <summary>Completes the wait with <paramref name="value"/>, removing it from its queue; the continuation runs next iteration.</summary>
    /// <returns>False if the waiter had already completed.</returns>
    public bool TryGrant(T value)
    {
        if (!_core.TrySetResult(value))
        {
            return false;
        }

        Detach();
        _core.ResumeScheduled(_loop);
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

        Detach();
        _core.ResumeScheduled(_loop);
        return true;
    }

    private void Detach()
    {
        Queue?.Remove(this);
        if (_cancellationToken.CanBeCanceled && !_registration.Unregister())
        {
            _mayHaveCancelInFlight = true;
        }
    }

    private void OnCancelRequested() =>
        _loop.TryScheduleFromAnyThread(WorkItem.From(static self => self.CancelOnLoop(), this));

    private void CancelOnLoop()
    {
        if (!_core.TrySetCanceled(_cancellationToken))
        {
            return; // granted first: the waiter keeps the grant
        }

        Queue?.Remove(this);
        Canceled?.Invoke(this);
        _core.ResumeInline();
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(_loop, continuation, state, token, flags);

    public T GetResult(short token) => _core.GetResult(token, this);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token, this);

    void IPooledOperation.Recycle()
    {
        _cancellationToken = default;
        _registration = default;
        Payload = null;
        Item = default;
        Number = 0;
        Canceled = null;
        if (!_mayHaveCancelInFlight && _pool.Count < _maxPooled)
        {
            _pool.Push(this);
        }
    }
}
