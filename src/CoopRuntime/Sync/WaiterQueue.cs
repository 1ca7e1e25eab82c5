using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// A FIFO of parked <see cref="Waiter{T}"/>s: an intrusive doubly-linked list, so a cancelled waiter leaves from the
/// middle in O(1) and the others keep their places.
/// </summary>
/// <remarks>Invariant: every waiter in the queue is pending; a waiter leaves the queue as it completes. Only the
/// loop thread touches a queue.</remarks>
/// <typeparam name="T">What the waiters are granted.</typeparam>
[DebuggerDisplay("WaiterQueue Count = {Count}")]
internal sealed class WaiterQueue<T>
{
    private Waiter<T>? _head;
    private Waiter<T>? _tail;

    public int Count { get; private set; }

    public bool IsEmpty => _head is null;

    /// <summary>The waiter that has waited longest, or null.</summary>
    public Waiter<T>? First => _head;

    public void Enqueue(Waiter<T> waiter)
    {
        Debug.Assert(waiter.Queue is null, "A waiter can be in one queue at a time.");
        waiter.Queue = this;
        waiter.Previous = _tail;
        waiter.Next = null;
        if (_tail is null)
        {
            _head = waiter;
        }
        else
        {
            _tail.Next = waiter;
        }

        _tail = waiter;
        Count++;
    }

    public void Remove(Waiter<T> waiter)
    {
        Debug.Assert(waiter.Queue == this, "Removing a waiter from a queue it is not in.");
        if (waiter.Previous is null)
        {
            _head = waiter.Next;
        }
        else
        {
            waiter.Previous.Next = waiter.Next;
        }

        if (waiter.Next is null)
        {
            _tail = waiter.Previous;
        }
        else
        {
            waiter.Next.Previous = waiter.Previous;
        }

        waiter.Queue = null;
        waiter.Previous = null;
        waiter.Next = null;
        Count--;
    }

    /// <summary>
    /// Grants <paramref name="value"/> to the longest-waiting waiter that takes it. A waiter whose token was cancelled
    /// before this grant leaves the queue as cancelled and the grant passes to the next one, so a false result means
    /// the queue is empty: the caller may keep the value (add the permit back, buffer the item) without losing a wake-up.
    /// </summary>
    /// <returns>True if a waiter took the grant.</returns>
    public bool TryGrantFirst(T value)
    {
        while (_head is { } first)
        {
            if (first.TryGrant(value))
            {
                return true;
            }

            Debug.Assert(first.Queue != this, "A waiter that refuses a grant must have left the queue, or this loop would not end.");
        }

        return false;
    }
}
