using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// The waiter-line steps that queues and channels share, so that both follow one protocol.
/// </summary>
/// <remarks>
/// <para>Blocked writers: a writer that finds no room is a <see cref="Waiter{T}"/> parked (untyped) in the writers'
/// <see cref="WaiterQueue{T}"/>, carrying its item in <see cref="Waiter{T}.Item"/>. When a slot frees up, the
/// longest-waiting writer is admitted: its wait completes and its item moves into the buffer in the same step. Until
/// then the item is only in the waiter, so a writer whose wait is cancelled never wrote it.</para>
/// <para>Cancellation follows <see cref="Waiter{T}"/>: a waiter whose token already reports cancellation is never
/// granted (nor failed) here; it leaves as cancelled and the grant passes to the next waiter. A grant made before the
/// token was cancelled stands.</para>
/// <para>Every grant and failure here only schedules the waiter's continuation (see <see cref="Waiter{T}.TryGrant"/>),
/// so no awaiting code runs inside these methods, however many waiters they release (the only user code is a
/// priority comparer, when an admitted writer's item is stored). Loop thread only.</para>
/// </remarks>
internal static class QueueWaiters
{
    /// <summary>Parks a writer that carries <paramref name="item"/> at the tail of <paramref name="writers"/>.</summary>
    public static ValueTask ParkWriter<T>(
        EventLoop loop, Stack<Waiter<T>> pool, WaiterQueue<T> writers, T item, CancellationToken cancellationToken)
    {
        var writer = Waiter<T>.Rent(loop, pool);
        writer.Item = item;
        return writer.ParkUntyped(writers, cancellationToken);
    }

    /// <summary>
    /// Admits the longest-waiting writer that can take the slot, if any: stores the item it carried in
    /// <paramref name="storage"/>, then completes its wait.
    /// </summary>
    /// <remarks>
    /// <para>Writers whose tokens already report cancellation are skipped (the <see cref="Waiter{T}"/> rule: a
    /// cancellation the token reports wins over a later grant): each leaves as cancelled with its item unwritten, and
    /// the slot passes to the next writer. So a false result means no writer is left waiting.</para>
    /// <para>Storing comes first, so a writer's wait completes only once its item is in the buffer (if storing throws,
    /// say from a user's priority comparer, the writer still waits with its item and has not been told it wrote). Once
    /// stored, the write is made: the writer stops listening to its token before the grant, so a cancellation
    /// requested while storing ran user code cannot leave the item written and the writer told it was not.</para>
    /// </remarks>
    /// <returns>True if a writer was admitted (its item is now in <paramref name="storage"/>).</returns>
    public static bool TryAdmitFirstWriter<T>(WaiterQueue<T> writers, QueueStorage<T> storage)
    {
        while (writers.First is { } writer)
        {
            if (writer.CancelIfRequested())
            {
                continue; // it has left the queue, as cancelled, with its item unwritten
            }

            storage.Add(writer.Item!);
            writer.Item = default;
            writer.IgnoreCancellation(); // the item is in: from here on the write stands
            var granted = writer.TryGrant(default!);
            Debug.Assert(granted, "A pending writer that no longer listens to its token takes the grant.");
            return true;
        }

        return false;
    }

    /// <summary>Grants <paramref name="value"/> to every waiter in <paramref name="waiters"/>, in FIFO order.</summary>
    public static void GrantAll<T>(WaiterQueue<T> waiters, T value)
    {
        while (waiters.TryGrantFirst(value))
        {
        }
    }

    /// <summary>
    /// Fails every waiter in <paramref name="waiters"/> with <paramref name="error"/>, in FIFO order. A waiter whose
    /// token already reports cancellation completes as cancelled instead (the cancellation came first, as it would in
    /// System.Threading.Channels, which cancels inside <c>Cancel()</c>).
    /// </summary>
    public static void FailAll<T>(WaiterQueue<T> waiters, Exception error)
    {
        while (waiters.First is { } waiter)
        {
            if (waiter.CancelIfRequested())
            {
                continue; // it has left the queue, as cancelled
            }

            if (!waiter.TryFail(error))
            {
                Debug.Fail("A waiter in a queue is pending, so it takes the failure.");
                return;
            }
        }
    }
}
