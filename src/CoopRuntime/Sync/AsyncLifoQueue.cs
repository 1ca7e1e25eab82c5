using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// A loop-local last-in, first-out queue (a stack with waiting): <see cref="AsyncQueue{T}.DequeueAsync"/> returns the
/// item added most recently. Python's <c>asyncio.LifoQueue</c> for C#.
/// </summary>
/// <example>
/// <code>
/// var stack = new AsyncLifoQueue&lt;int&gt;();
/// stack.TryEnqueue(1);
/// stack.TryEnqueue(2);
/// var top = await stack.DequeueAsync();   // 2
/// </code>
/// </example>
/// <remarks>
/// Everything but the order is <see cref="AsyncQueue{T}"/>'s: capacity, waiting, fairness among waiters (readers and
/// blocked writers are still served first come, first served), cancellation, work tracking and the loop-local rule.
/// On a full bounded queue, a blocked writer's item enters when a slot frees up, and from then on it is the newest item.
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class AsyncLifoQueue<T> : AsyncQueue<T>
{
    /// <summary>Creates an unbounded LIFO queue.</summary>
    public AsyncLifoQueue()
        : base(new LifoStorage<T>(), Unbounded, nameof(AsyncLifoQueue<T>))
    {
    }

    /// <summary>Creates a LIFO queue that holds at most <paramref name="capacity"/> items.</summary>
    /// <param name="capacity">At least 1. <see cref="int.MaxValue"/> means unbounded.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public AsyncLifoQueue(int capacity)
        : base(new LifoStorage<T>(), ValidCapacity(capacity), nameof(AsyncLifoQueue<T>))
    {
    }
}
