using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace CoopRuntime;

/// <summary>The storage of <see cref="AsyncLifoQueue{T}"/>: a stack, so the item added last comes out first.</summary>
/// <remarks>Loop thread only. The stack grows and never shrinks, like the other storages.</remarks>
/// <typeparam name="T">The stored item.</typeparam>
[DebuggerDisplay("LifoStorage Count = {Count}")]
internal sealed class LifoStorage<T> : QueueStorage<T>
{
    private readonly Stack<T> _stack = new();

    public override int Count => _stack.Count;

    public override void Add(T item) => _stack.Push(item);

    public override T Take() => _stack.Pop();

    public override bool TryPeek([MaybeNullWhen(false)] out T item) => _stack.TryPeek(out item);
}
