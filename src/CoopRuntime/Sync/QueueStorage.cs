using System.Diagnostics.CodeAnalysis;

namespace CoopRuntime;

/// <summary>
/// The buffer behind an <see cref="AsyncQueue{T}"/>: the only thing that differs between the FIFO, LIFO and priority
/// queues. The queue owns the waiting, the capacity and the work tracking; the storage only decides which stored item
/// comes out next.
/// </summary>
/// <remarks>Implementations are used from the loop thread only and never check capacity: the queue does.</remarks>
/// <typeparam name="T">The stored item.</typeparam>
internal abstract class QueueStorage<T>
{
    /// <summary>How many items are stored.</summary>
    public abstract int Count { get; }

    /// <summary>Stores <paramref name="item"/>.</summary>
    public abstract void Add(T item);

    /// <summary>Removes and returns the item that comes out next. Call only when <see cref="Count"/> is positive.</summary>
    public abstract T Take();

    /// <summary>The item <see cref="Take"/> would return, without removing it.</summary>
    public abstract bool TryPeek([MaybeNullWhen(false)] out T item);
}
