using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// An unordered list whose items know their own position, so removal is O(1): the last item moves into the hole.
/// Holds the loop's live tasks and coroutines and a task group's children.
/// </summary>
/// <remarks>
/// The position is stored on the item through the two accessors (pass static lambdas: they are cached, so the list
/// allocates nothing per add or remove). An item that is not in the list has position -1. Only the loop thread
/// touches an <see cref="IndexedList{T}"/>.
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
[DebuggerDisplay("Count = {Count}")]
internal sealed class IndexedList<T>(Func<T, int> getIndex, Action<T, int> setIndex)
    where T : class
{
    private readonly List<T> _items = new();

    public int Count => _items.Count;

    public void Add(T item)
    {
        Debug.Assert(getIndex(item) < 0, "An item can be in the list only once.");
        setIndex(item, _items.Count);
        _items.Add(item);
    }

    /// <summary>Removes <paramref name="item"/> if it is in the list.</summary>
    public void Remove(T item)
    {
        var index = getIndex(item);
        if (index < 0)
        {
            return;
        }

        var last = _items[^1];
        _items[index] = last;
        setIndex(last, index);
        _items.RemoveAt(_items.Count - 1);
        setIndex(item, -1);
    }

    /// <summary>A copy, for walking while items leave (cancelling everything at shutdown, diagnostics).</summary>
    public T[] ToArray() => _items.ToArray();

    /// <summary>The first <paramref name="count"/> items, in list order, without copying the rest.</summary>
    public IEnumerable<T> Take(int count) => _items.Take(count);
}
