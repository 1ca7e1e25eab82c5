using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace CoopRuntime;

/// <summary>
/// The storage of <see cref="AsyncPriorityQueue{TElement, TPriority}"/>: a binary heap (<see cref="PriorityQueue{TElement, TPriority}"/>)
/// that is stable, so among equal priorities the item added first comes out first.
/// </summary>
/// <remarks>
/// <para><see cref="PriorityQueue{TElement, TPriority}"/> alone is not stable. Each item is stored with its priority and
/// a sequence number taken from a counter that increases with every <see cref="Add"/>; the heap orders by priority,
/// then by sequence number.</para>
/// <para>Invariant: sequence numbers of stored items are distinct and increase in the order the items were added. The
/// counter restarts at zero whenever the heap empties (no stored item can then be compared with a new one), so it
/// cannot overflow in practice. Loop thread only.</para>
/// </remarks>
/// <typeparam name="TElement">The element.</typeparam>
/// <typeparam name="TPriority">Its priority; lower comes out first under the comparer.</typeparam>
[DebuggerDisplay("PriorityStorage Count = {Count}")]
internal sealed class PriorityStorage<TElement, TPriority> : QueueStorage<(TElement Element, TPriority Priority)>
{
    private readonly PriorityQueue<TElement, (TPriority Priority, long Sequence)> _heap;
    private long _nextSequence;

    public PriorityStorage(IComparer<TPriority>? comparer) =>
        _heap = new PriorityQueue<TElement, (TPriority, long)>(new StableComparer(comparer ?? Comparer<TPriority>.Default));

    public override int Count => _heap.Count;

    public override void Add((TElement Element, TPriority Priority) item) =>
        _heap.Enqueue(item.Element, (item.Priority, _nextSequence++));

    public override (TElement Element, TPriority Priority) Take()
    {
        _heap.TryDequeue(out var element, out var key);
        if (_heap.Count == 0)
        {
            _nextSequence = 0;
        }

        return (element!, key.Priority);
    }

    public override bool TryPeek([MaybeNullWhen(false)] out (TElement Element, TPriority Priority) item)
    {
        if (_heap.TryPeek(out var element, out var key))
        {
            item = (element, key.Priority);
            return true;
        }

        item = default;
        return false;
    }

    /// <summary>Orders by the user's priority comparer, then by insertion sequence (FIFO among equals).</summary>
    private sealed class StableComparer(IComparer<TPriority> priorities) : IComparer<(TPriority Priority, long Sequence)>
    {
        public int Compare((TPriority Priority, long Sequence) x, (TPriority Priority, long Sequence) y)
        {
            var byPriority = priorities.Compare(x.Priority, y.Priority);
            return byPriority != 0 ? byPriority : x.Sequence.CompareTo(y.Sequence);
        }
    }
}
