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
/// <para>Every grant and failure here only schedules the waiter's continuation (see <see cref="Waiter{T}.TryGrant"/>),
/// so none of these methods runs user code, however many waiters they release. Loop thread only.</para>
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
    /// Admits the longest-waiting writer, if any: stores the item it carried in <paramref name="storage"/>, then
    /// completes its wait.
    /// </summary>
    /// <remarks>Storing comes first, so a writer's wait completes only once its item is in the buffer (if storing
    /// throws, say from a user's priority comparer, the writer has not been told it wrote). Writers whose tokens
    /// already report cancellation are skipped: they leave as cancelled, with their item unwritten.</remarks>
    /// <returns>True if a writer was admitted.</returns>
    public static bool TryAdmitFirstWriter<T>(WaiterQueue<T> writers, QueueStorage<T> storage)
    {
        while (writers.First is { } writer)
        {
            // A writer whose token already reports cancellation leaves without writing (the Waiter rule: a
            // cancellation the token reports wins over a later grant); the slot goes to the next writer.
            if (writer.CancelIfRequested())
            {
                continue;
            }

            storage.Add(writer.Item!);
            writer.Item = default;
            var granted = writer.TryGrant(default!);
            Debug.Assert(granted, "A pending writer whose token is not cancelled takes the grant.");
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

    /// <summary>Fails every waiter in <paramref name="waiters"/> with <paramref name="error"/>, in FIFO order.</summary>
    public static void FailAll<T>(WaiterQueue<T> waiters, Exception error)
    {
        while (waiters.First is { } waiter && waiter.TryFail(error))
        {
        }
    }
}
