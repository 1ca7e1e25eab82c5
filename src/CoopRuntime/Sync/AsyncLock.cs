using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// A loop-local mutual-exclusion lock for async code (asyncio's <c>Lock</c>): at most one holder at a time, and
/// waiters get the lock in the order they asked for it.
/// </summary>
/// <example>
/// <code>
/// using (await gate.LockAsync(cancellationToken))
/// {
///     await WriteRecordAsync(record);   // no other task holding the lock runs this block meanwhile
/// }
/// </code>
/// </example>
/// <remarks>
/// <para><b>Fair, no barging.</b> Releasing the lock while tasks wait hands it straight to the longest waiter: the
/// lock stays held across the hand-off, so a task that calls <see cref="LockAsync"/> in between queues behind the
/// waiters instead of taking the lock first. That costs the hand-off one loop iteration before the new holder runs,
/// and buys strict FIFO order with no starvation.</para>
/// <para><b>Cancellation.</b> A cancelled wait leaves the queue and throws <see cref="OperationCanceledException"/>
/// without disturbing the others. If the token is cancelled before the lock is handed to the waiter (even in the
/// same callback), the lock goes to the next waiter; if the lock was handed over first, the wait succeeds and the
/// caller holds the lock (the <c>using</c> block releases it).</para>
/// <para><b>Not reentrant, no owner.</b> Like asyncio's lock, it does not track who holds it: a holder that asks
/// again waits for itself forever. Releasing happens through the <see cref="Releaser"/>; disposing a releaser twice,
/// or a copy of one, releases once.</para>
/// <para><b>Loop-local.</b> It takes no locks: it binds to the loop that first uses it, and any use from another
/// thread throws <see cref="WrongThreadException"/>. An uncontended <see cref="LockAsync"/> completes synchronously
/// and allocates nothing; a contended one parks a pooled waiter, so steady state allocates nothing either.</para>
/// </remarks>
[DebuggerDisplay("AsyncLock locked = {IsLocked}, waiters = {WaiterCount}")]
public sealed partial class AsyncLock
{
    // Only the loop thread touches these (LoopBinding checks it at every entry point).
    private readonly WaiterQueue<Releaser> _waiters = new();
    private readonly Stack<Waiter<Releaser>> _pool = new();
    private LoopBinding _binding;

    // The current hold's id (0 when free) and the last id handed out. A releaser carries the id of the hold it ends,
    // which makes a second Dispose (of it or of a copy) a no-op instead of releasing someone else's hold.
    private long _hold;
    private long _lastHold;

    /// <summary>Creates an unlocked lock. It binds to the loop that first uses it.</summary>
    public AsyncLock()
    {
    }

    /// <summary>True while some task holds the lock (including while it is being handed to the next waiter).</summary>
    public bool IsLocked => _hold != 0;

    internal int WaiterCount => _waiters.Count;

    /// <summary>The current hold's id, 0 when free. A condition wait saves it and resumes the same hold.</summary>
    internal long CurrentHold => _hold;

    /// <summary>
    /// Takes the lock, waiting in FIFO order if it is held. Dispose the returned <see cref="Releaser"/> (with
    /// <c>using</c>) to release it.
    /// </summary>
    /// <param name="cancellationToken">Abandons the wait; the lock is then not taken.</param>
    /// <returns>A value task whose result releases the lock when disposed. Await it once.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before the lock was handed over.</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the lock's loop.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public ValueTask<Releaser> LockAsync(CancellationToken cancellationToken = default)
    {
        var loop = _binding.Enter(this, nameof(LockAsync));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<Releaser>(cancellationToken);
        }

        if (_hold == 0)
        {
            _hold = ++_lastHold;
            AssertInvariants();
            return new ValueTask<Releaser>(new Releaser(this, _hold));
        }

        return Waiter<Releaser>.Rent(loop, _pool).Park(_waiters, cancellationToken);
    }

    /// <summary>Checks the thread (the caller is about to change or depend on the lock's state) and returns the loop.</summary>
    internal EventLoop Enter(object owner, string member) => _binding.Enter(owner, member);

    /// <summary>Ends hold <paramref name="hold"/> if it is the current one; a stale or default releaser does nothing.</summary>
    internal void Release(long hold)
    {
        _binding.Enter(this, nameof(Releaser) + "." + nameof(Releaser.Dispose));
        if (hold == 0 || hold != _hold)
        {
            return;
        }

        HandOff();
    }

    /// <summary>Releases the current hold on behalf of a condition wait (the caller checked that the lock is held).</summary>
    internal void ReleaseForConditionWait()
    {
        Debug.Assert(_hold != 0, "A condition wait releases a held lock.");
        HandOff();
    }

    /// <summary>
    /// Queues a condition waiter to get the lock back: it takes the lock at once if the lock is free, otherwise it
    /// waits at the tail of the queue like any other waiter. Its <see cref="Waiter{T}.Number"/> is the hold it resumes.
    /// </summary>
    internal void Reacquire(Waiter<Releaser> waiter)
    {
        Debug.Assert(waiter.IsPending && waiter.Number != 0 && waiter.Queue is null, "A condition waiter is pending, carries the hold it resumes, and sits in no queue.");
        if (_hold == 0)
        {
            _hold = waiter.Number;
            var granted = waiter.TryGrant(new Releaser(this, _hold));
            Debug.Assert(granted, "A condition waiter no longer listens to its token, so it always takes the lock.");
        }
        else
        {
            _waiters.Enqueue(waiter);
        }

        AssertInvariants();
    }

    // Hands the lock to the longest waiter that takes it, or frees it. The lock never looks free while a waiter is
    // queued, which is what keeps newcomers from barging in.
    private void HandOff()
    {
        while (_waiters.First is { } next)
        {
            // A condition waiter resumes the hold it released; a plain waiter starts a new one.
            _hold = next.Number != 0 ? next.Number : ++_lastHold;
            if (next.TryGrant(new Releaser(this, _hold)))
            {
                AssertInvariants();
                return;
            }

            Debug.Assert(next.Queue != _waiters, "A waiter that refuses the lock must have left the queue, or this loop would not end.");
        }

        _hold = 0;
        AssertInvariants();
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_hold != 0 || _waiters.IsEmpty, "A free lock has no waiters: a release hands the lock to the first waiter.");
        Debug.Assert(_hold >= 0 && _lastHold >= 0, "Hold ids are positive and only grow.");
    }
}
