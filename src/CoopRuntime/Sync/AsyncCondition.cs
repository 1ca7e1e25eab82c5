using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// A loop-local condition variable bound to an <see cref="AsyncLock"/> (asyncio's <c>Condition</c>): tasks that hold
/// the lock wait for a change of shared state, releasing the lock while they wait, and are woken by
/// <see cref="Notify"/> or <see cref="NotifyAll"/>.
/// </summary>
/// <example>
/// <code>
/// var changed = new AsyncCondition();
/// // consumer
/// using (await changed.Lock.LockAsync(ct))
/// {
///     await changed.WaitForAsync(() => queue.Count > 0, ct);
///     Handle(queue.Dequeue());
/// }
/// // producer
/// using (await changed.Lock.LockAsync(ct))
/// {
///     queue.Enqueue(item);
///     changed.Notify();
/// }
/// </code>
/// </example>
/// <remarks>
/// <para><b>The lock.</b> <see cref="WaitAsync"/>, <see cref="WaitForAsync"/>, <see cref="Notify"/> and
/// <see cref="NotifyAll"/> must be called while holding <see cref="Lock"/>. A wait releases the lock and always
/// takes it back before it returns or throws, even when cancelled, so the caller's <c>using</c> block stays
/// balanced.</para>
/// <para><b>Order.</b> Notified waiters queue for the lock in the order they waited, behind tasks already waiting for
/// it, and run once the notifier releases it; nothing runs inside <see cref="Notify"/>.</para>
/// <para><b>Cancellation.</b> A wait whose token is cancelled before it is notified leaves the condition's queue (a
/// notification skips it and goes to the next waiter), takes the lock back, then throws
/// <see cref="OperationCanceledException"/>. A waiter notified first is not cancelled any more: its wait succeeds
/// once it has the lock. No notification is lost either way.</para>
/// <para><b>Loop-local.</b> No locks; the condition shares its lock's loop binding, and use from another thread
/// throws <see cref="WrongThreadException"/>. Waits and notifications allocate nothing in steady state.</para>
/// </remarks>
[DebuggerDisplay("AsyncCondition waiters = {WaiterCount}, lock held = {Lock.IsLocked}")]
public sealed class AsyncCondition
{
    private const int MaxPooledPredicateWaits = 1024;

    // Only the loop thread touches these (the lock's LoopBinding checks it at every entry point). A waiter sits in
    // _waiters until it is notified or cancelled, then in the lock's queue until it has the lock back.
    private readonly AsyncLock _lock;
    private readonly WaiterQueue<AsyncLock.Releaser> _waiters = new();
    private readonly Stack<Waiter<AsyncLock.Releaser>> _pool = new();
    private readonly Stack<ConditionPredicateWait> _predicateWaits = new();
    private readonly Action<Waiter<AsyncLock.Releaser>> _reacquireAfterCancel;

    /// <summary>Creates a condition.</summary>
    /// <param name="asyncLock">The lock that guards the shared state; null to create a new one.</param>
    public AsyncCondition(AsyncLock? asyncLock = null)
    {
        _lock = asyncLock ?? new AsyncLock();
        _reacquireAfterCancel = _lock.Reacquire;
    }

    /// <summary>The lock this condition is bound to. Hold it while waiting and notifying.</summary>
    public AsyncLock Lock => _lock;

    internal int WaiterCount => _waiters.Count;

    /// <summary>
    /// Releases the lock, waits to be notified, and takes the lock back before returning. Call it while holding
    /// <see cref="Lock"/>, usually in a loop that re-checks the state (or use <see cref="WaitForAsync"/>).
    /// </summary>
    /// <param name="cancellationToken">Abandons the wait; the lock is still taken back before the wait throws.</param>
    /// <returns>A value task that completes holding the lock again. Await it once.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before a notification reached this waiter.</exception>
    /// <exception cref="InvalidOperationException">The lock is not held, or no loop runs on this thread.</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the condition's loop.</exception>
    public ValueTask WaitAsync(CancellationToken cancellationToken = default)
    {
        var loop = EnterHoldingLock(nameof(WaitAsync));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        var waiter = Waiter<AsyncLock.Releaser>.Rent(loop, _pool);
        waiter.Number = _lock.CurrentHold;          // the hold to resume, so the caller's releaser still ends it
        waiter.DefersCancellation = true;           // a cancelled wait must get the lock back before it throws
        waiter.Canceled = _reacquireAfterCancel;
        var wait = waiter.ParkUntyped(_waiters, cancellationToken);
        _lock.ReleaseForConditionWait();
        return wait;
    }

    /// <summary>
    /// Waits until <paramref name="predicate"/> returns true: checks it first (completing at once if it holds),
    /// then after every notification, each time holding the lock. Call it while holding <see cref="Lock"/>.
    /// </summary>
    /// <param name="predicate">The state to wait for; it runs on the loop thread with the lock held.</param>
    /// <param name="cancellationToken">Abandons the wait; the lock is still taken back before the wait throws.</param>
    /// <returns>A value task that completes, holding the lock, once the predicate returned true. Await it once.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before the predicate held.</exception>
    /// <exception cref="InvalidOperationException">The lock is not held, or no loop runs on this thread.</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the condition's loop.</exception>
    /// <remarks>Exceptions from <paramref name="predicate"/> end the wait and are thrown to the caller, who still
    /// holds the lock.</remarks>
    public ValueTask WaitForAsync(Func<bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var loop = EnterHoldingLock(nameof(WaitForAsync));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (predicate())
        {
            return default;
        }

        var operation = _predicateWaits.Count > 0 ? _predicateWaits.Pop() : new ConditionPredicateWait(this, loop);
        return operation.Start(predicate, cancellationToken);
    }

    internal void ReturnPredicateWait(ConditionPredicateWait operation)
    {
        if (_predicateWaits.Count < MaxPooledPredicateWaits)
        {
            _predicateWaits.Push(operation);
        }
    }

    /// <summary>
    /// Wakes up to <paramref name="count"/> waiters, longest first. They queue for the lock and resume once the
    /// caller releases it. Call it while holding <see cref="Lock"/>.
    /// </summary>
    /// <param name="count">How many waiters to wake; zero or more. Fewer are woken if fewer wait.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The lock is not held.</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the condition's loop.</exception>
    public void Notify(int count = 1)
    {
        EnterHoldingLock(nameof(Notify));
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        NotifyCore(count);
    }

    /// <summary>Wakes every waiter. Call it while holding <see cref="Lock"/>.</summary>
    /// <exception cref="InvalidOperationException">The lock is not held.</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the condition's loop.</exception>
    public void NotifyAll()
    {
        EnterHoldingLock(nameof(NotifyAll));
        NotifyCore(int.MaxValue);
    }

    private void NotifyCore(int count)
    {
        var notified = 0;
        while (notified < count && _waiters.First is { } waiter)
        {
            if (waiter.CancelIfRequested())
            {
                continue; // its cancellation came first: it left for the lock's queue, and this notification passes on
            }

            waiter.IgnoreCancellation();
            _waiters.Remove(waiter);
            _lock.Reacquire(waiter);
            notified++;
        }
    }

    private EventLoop EnterHoldingLock(string member)
    {
        var loop = _lock.Enter(this, member);
        if (!_lock.IsLocked)
        {
            throw new InvalidOperationException(
                $"AsyncCondition.{member} was called without holding the condition's lock. Take it first: " +
                "using (await condition.Lock.LockAsync()) { ... }.");
        }

        return loop;
    }
}
