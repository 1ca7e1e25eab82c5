using System.Runtime.CompilerServices;

namespace CoopRuntime;

/// <summary>
/// Ties a loop-local object (a sync primitive, a queue, a channel) to the event loop on which it is first used, and
/// checks every later use against that loop. The object can be constructed anywhere, on any thread, before any loop
/// runs. Every such object keeps one of these in a mutable field and calls <see cref="Enter"/> at each public entry
/// point that reads or changes its state.
/// </summary>
/// <remarks>
/// <para>Why the check matters: these objects take no locks, and a grant schedules the waiter's continuation on the
/// bound loop's ready queue, which only that loop's thread may touch. A use from another thread would corrupt the
/// waiter queue; a use from another loop would park continuations on a queue nobody runs.</para>
/// <para>Invariants: once bound, the binding never changes. A use is accepted only from code the bound loop is running,
/// that is when <see cref="EventLoop.Current"/> is the bound loop; that one check covers the wrong thread, no loop at
/// all, and another loop on the same thread. The accepted path is one thread-static read and one comparison; binding
/// and the error messages live out of line.</para>
/// <para>A mutable struct: keep it in a non-readonly field and call it through that field.</para>
/// </remarks>
internal struct LoopBinding
{
    private EventLoop? _loop;
    private int _boundThreadId;

    /// <summary>The bound loop, or null before the first use.</summary>
    public readonly EventLoop? Loop => _loop;

    /// <summary>
    /// Returns the bound loop if the caller runs on it; binds to the caller's loop on first use; throws otherwise.
    /// </summary>
    /// <param name="owner">The object (or its public type name, as a string), named in error messages.</param>
    /// <param name="member">The member being called, named in error messages.</param>
    /// <exception cref="WrongThreadException">Bound, and the caller does not run on the bound loop.</exception>
    /// <exception cref="InvalidOperationException">Not bound yet, and no loop runs on this thread.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public EventLoop Enter(object owner, string member)
    {
        var loop = _loop;
        if (loop is not null && ReferenceEquals(loop, EventLoop.Current))
        {
            return loop;
        }

        return BindOrThrow(owner, member);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private EventLoop BindOrThrow(object owner, string member)
    {
        var current = EventLoop.Current;
        var name = owner as string ?? owner.GetType().Name;
        if (_loop is null)
        {
            if (current is null)
            {
                throw new InvalidOperationException(
                    $"{name}.{member} needs an EventLoop running on this thread, and there is none. A {name} is " +
                    "loop-local: it binds to the loop that first uses it. Call it from code the loop runs " +
                    "(inside EventLoop.Run(...)).");
            }

            _loop = current;
            _boundThreadId = Environment.CurrentManagedThreadId;
            return current;
        }

        throw new WrongThreadException(Environment.CurrentManagedThreadId != _boundThreadId && !_loop.IsOnLoopThread
            ? $"{name}.{member} was called from thread {Environment.CurrentManagedThreadId}" +
              $"{(current is not null ? ", which runs a different event loop," : string.Empty)} but this {name} is loop-local: " +
              $"it belongs to the event loop that first used it (on thread {_boundThreadId}) and takes no locks, so it is " +
              "not for cross-thread use. Post the call to that loop with loop.CallSoonThreadSafe(...) or " +
              "loop.SynchronizationContext.Post(...), or coordinate threads with SemaphoreSlim or System.Threading.Channels."
            : current is null
                ? $"{name}.{member} was called on its loop's thread, which is not running the event loop this {name} " +
                  $"belongs to. A {name} is loop-local: call it from code the loop runs, so that the waiters it wakes can resume."
                : $"{name}.{member} was called from thread {Environment.CurrentManagedThreadId}, which runs a different event " +
                  $"loop: this {name} is bound to a different EventLoop, the first loop that used it" +
                  $"{(_loop.IsClosed ? " (now closed)" : string.Empty)}. A {name} is loop-local: create one " +
                  "per loop.");
    }
}
