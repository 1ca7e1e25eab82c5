using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace CoopRuntime;

/// <summary>
/// A growable double-ended ring buffer: the FIFO storage of <see cref="AsyncQueue{T}"/> (add at the tail, take from the
/// head) and the buffer of loop channels, which also drop from the tail (<c>BoundedChannelFullMode.DropNewest</c>).
/// </summary>
/// <remarks>
/// Invariants: the array's length is zero or a power of two; the <see cref="Count"/> items sit at
/// <c>_head, _head + 1, ...</c> modulo the length, and every other slot holds <c>default</c> (so a removed item is not
/// kept alive). It grows by doubling and never shrinks: after a burst the memory stays, so the next burst allocates
/// nothing. Loop thread only.
/// </remarks>
/// <typeparam name="T">The stored item.</typeparam>
[DebuggerDisplay("RingBuffer Count = {Count}, slots = {_slots.Length}")]
internal sealed class RingBuffer<T> : QueueStorage<T>
{
    private T[] _slots = [];
    private int _head;
    private int _count;

    public override int Count => _count;

    /// <summary>Adds <paramref name="item"/> at the tail.</summary>
    public override void Add(T item)
    {
        if (_count == _slots.Length)
        {
            Grow();
        }

        _slots[(_head + _count) & (_slots.Length - 1)] = item;
        _count++;
    }

    /// <summary>Removes the item at the head (the oldest).</summary>
    public override T Take()
    {
        Debug.Assert(_count > 0, "Take on an empty ring buffer.");
        var item = _slots[_head];
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            _slots[_head] = default!;
        }

        _head = (_head + 1) & (_slots.Length - 1);
        _count--;
        return item;
    }

    /// <summary>Removes the item at the tail (the newest).</summary>
    public T TakeLast()
    {
        Debug.Assert(_count > 0, "TakeLast on an empty ring buffer.");
        var index = (_head + _count - 1) & (_slots.Length - 1);
        var item = _slots[index];
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            _slots[index] = default!;
        }

        _count--;
        return item;
    }

    /// <summary>The item at the head (the oldest), without removing it.</summary>
    public override bool TryPeek([MaybeNullWhen(false)] out T item)
    {
        if (_count == 0)
        {
            item = default;
            return false;
        }

        item = _slots[_head];
        return true;
    }

    private void Grow()
    {
        var larger = new T[_slots.Length == 0 ? 4 : _slots.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            larger[i] = _slots[(_head + i) & (_slots.Length - 1)];
        }

        _slots = larger;
        _head = 0;
    }
}
