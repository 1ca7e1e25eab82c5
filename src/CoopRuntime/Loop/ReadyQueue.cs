using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// The loop's run queue: a growable ring buffer of <see cref="WorkItem"/> structs.
/// </summary>
/// <remarks>
/// Only the loop thread touches a <see cref="ReadyQueue"/>; it takes no locks. Capacity is always a power of
/// two so that wrapping is a mask. The queue never shrinks: a loop that once had a burst of work keeps the
/// buffer, which is what makes steady-state scheduling allocation-free.
/// </remarks>
internal sealed class ReadyQueue
{
    private WorkItem[] _items;
    private int _head;
    private int _count;

    public ReadyQueue(int initialCapacity = 256)
    {
        Debug.Assert(initialCapacity > 0 && (initialCapacity & (initialCapacity - 1)) == 0, "Capacity must be a power of two.");
        _items = new WorkItem[initialCapacity];
    }

    public int Count => _count;

    public void Enqueue(in WorkItem item)
    {
        if (_count == _items.Length)
        {
            Grow();
        }

        _items[(_head + _count) & (_items.Length - 1)] = item;
        _count++;
    }

    public WorkItem Dequeue()
    {
        Debug.Assert(_count > 0, "Dequeue on an empty ready queue.");
        var items = _items;
        var item = items[_head];
        // Clear the slot so the queue does not keep delegates and their state alive.
        items[_head] = default;
        _head = (_head + 1) & (items.Length - 1);
        _count--;
        return item;
    }

    /// <summary>Removes every item without running it (used when a closed loop drops its work).</summary>
    public void Clear()
    {
        while (_count > 0)
        {
            Dequeue();
        }
    }

    private void Grow()
    {
        var larger = new WorkItem[_items.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            larger[i] = _items[(_head + i) & (_items.Length - 1)];
        }

        _items = larger;
        _head = 0;
    }
}
