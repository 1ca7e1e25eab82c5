using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace CoopRuntime;

/// <summary>
/// A loop-local priority queue: <see cref="AsyncQueue{T}.DequeueAsync"/> returns the entry with the lowest priority
/// (under the comparer), and entries of equal priority come out in the order they entered. Python's
/// <c>asyncio.PriorityQueue</c> for C#, with <see cref="PriorityQueue{TElement, TPriority}"/>'s element/priority split.
/// </summary>
/// <example>
/// <code>
/// var work = new AsyncPriorityQueue&lt;string, int&gt;();
/// work.TryEnqueue("later", 5);
/// work.TryEnqueue("urgent", 0);
/// var (job, priority) = await work.DequeueAsync();   // ("urgent", 0)
/// </code>
/// </example>
/// <remarks>
/// <para>Entries are <c>(Element, Priority)</c> tuples, as in asyncio where the queue holds <c>(priority, data)</c>
/// entries; the overloads taking an element and a priority separately are shorthands. The order is stable: among
/// equal priorities, first in, first out (<see cref="PriorityQueue{TElement, TPriority}"/> alone does not promise
/// that).</para>
/// <para>Everything but the order is <see cref="AsyncQueue{T}"/>'s: capacity, waiting, fairness among waiters,
/// cancellation, work tracking and the loop-local rule. In particular, writers blocked on a full queue get slots in
/// the order they started waiting, whatever their items' priorities (asyncio behaves the same way); once in, an item
/// takes its place by priority.</para>
/// </remarks>
/// <typeparam name="TElement">The element type.</typeparam>
/// <typeparam name="TPriority">The priority type; lower comes out first.</typeparam>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class AsyncPriorityQueue<TElement, TPriority> : AsyncQueue<(TElement Element, TPriority Priority)>
{
    /// <summary>Creates an unbounded priority queue.</summary>
    /// <param name="comparer">Orders priorities; null for <see cref="Comparer{T}.Default"/>.</param>
    public AsyncPriorityQueue(IComparer<TPriority>? comparer = null)
        : base(new PriorityStorage<TElement, TPriority>(comparer), Unbounded, nameof(AsyncPriorityQueue<TElement, TPriority>))
    {
    }

    /// <summary>Creates a priority queue that holds at most <paramref name="capacity"/> entries.</summary>
    /// <param name="capacity">At least 1. <see cref="int.MaxValue"/> means unbounded.</param>
    /// <param name="comparer">Orders priorities; null for <see cref="Comparer{T}.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public AsyncPriorityQueue(int capacity, IComparer<TPriority>? comparer = null)
        : base(new PriorityStorage<TElement, TPriority>(comparer), ValidCapacity(capacity), nameof(AsyncPriorityQueue<TElement, TPriority>))
    {
    }

    /// <summary>Adds <paramref name="element"/> with <paramref name="priority"/>, waiting while the queue is full.</summary>
    /// <param name="element">The element.</param>
    /// <param name="priority">Its priority; lower comes out first.</param>
    /// <param name="cancellationToken">Cancels the wait; a cancelled writer never enqueued its entry.</param>
    /// <returns>A task that completes once the entry is in the queue (or handed to a reader). Await it once.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before the entry was accepted.</exception>
    /// <exception cref="WrongThreadException">The queue belongs to another loop, or the caller is not on its loop.</exception>
    /// <exception cref="InvalidOperationException">First use, and no loop runs on this thread.</exception>
    public ValueTask EnqueueAsync(TElement element, TPriority priority, CancellationToken cancellationToken = default) =>
        EnqueueAsync((element, priority), cancellationToken);

    /// <summary>Adds <paramref name="element"/> with <paramref name="priority"/> if there is room now; never waits.</summary>
    /// <param name="element">The element.</param>
    /// <param name="priority">Its priority; lower comes out first.</param>
    /// <returns>True if the entry entered the queue (or went to a waiting reader); false if the queue is full.</returns>
    /// <exception cref="WrongThreadException">The queue belongs to another loop, or the caller is not on its loop.</exception>
    /// <exception cref="InvalidOperationException">First use, and no loop runs on this thread.</exception>
    public bool TryEnqueue(TElement element, TPriority priority) => TryEnqueue((element, priority));

    /// <summary>Removes the entry with the lowest priority if there is one; never waits.</summary>
    /// <param name="element">The element, when the method returns true.</param>
    /// <param name="priority">Its priority, when the method returns true.</param>
    /// <returns>True if an entry was removed.</returns>
    /// <exception cref="WrongThreadException">The queue belongs to another loop, or the caller is not on its loop.</exception>
    /// <exception cref="InvalidOperationException">First use, and no loop runs on this thread.</exception>
    public bool TryDequeue([MaybeNullWhen(false)] out TElement element, [MaybeNullWhen(false)] out TPriority priority)
    {
        var taken = TryDequeue(out var entry);
        (element, priority) = entry;
        return taken;
    }
}
