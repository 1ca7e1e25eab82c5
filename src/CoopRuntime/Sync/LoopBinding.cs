using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace CoopRuntime;

/// <summary>
/// The loop a sync primitive belongs to. A primitive may be constructed anywhere (a static field, a constructor);
/// it binds to <see cref="EventLoop.Current"/> at its first use, and every later use must come from code that same
/// loop runs. Every primitive keeps one of these as a mutable field and calls <see cref="Enter"/> at each public
/// entry point that reads or changes its state.
/// </summary>
/// <remarks>
/// <para>Why the check matters: the primitives take no locks, and a grant schedules the waiter's continuation on the
/// bound loop's ready queue, which only that loop's thread may touch. A use from another thread would corrupt the
/// waiter queue; a use from another loop would park continuations on a queue nobody runs.</para>
/// <para>The fast path is one thread-static read and one reference comparison; everything else (binding, the error
/// messages) is out of line.</para>
/// </remarks>
internal struct LoopBinding
{
    private EventLoop? _loop;
    private int _boundThreadId;

    /// <summary>The loop this primitive is bound to, or null before its first use.</summary>
    public readonly EventLoop? Loop => _loop;

    /// <summary>
    /// Returns the bound loop, binding to the running loop on first use; throws unless called from code that loop
    /// runs.
    /// </summary>
    /// <param name="owner">The primitive, named in error messages.</param>
    /// <param name="member">The member being called, named in error messages.</param>
    /// <exception cref="WrongThreadException">Called from a thread other than the bound loop's.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread, or another loop does.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public EventLoop Enter(object owner, string member)
    {
        var current = EventLoop.Current;
        if (current is null || !ReferenceEquals(current, _loop))
        {
            return BindOrThrow(current, owner, member);
        }

        return current;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private EventLoop BindOrThrow(EventLoop? current, object owner, string member)
    {
        var name = owner.GetType().Name;
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

        if (!_loop.IsOnLoopThread)
        {
            ThrowWrongThread(name, member);
        }

        if (current is null)
        {
            throw new InvalidOperationException(
                $"{name}.{member} was called on its loop's thread while that loop is not running. A {name} is " +
                "loop-local: call it from code the loop runs, so that the waiters it wakes can resume.");
        }

        throw new InvalidOperationException(
            $"{name}.{member} was called from a different EventLoop than the one this {name} is bound to (the first " +
            $"loop that used it{(_loop.IsClosed ? ", now closed" : string.Empty)}). A {name} is loop-local: create one " +
            "per loop.");
    }

    [DoesNotReturn]
    private readonly void ThrowWrongThread(string name, string member) =>
        throw new WrongThreadException(
            $"{name}.{member} was called from thread {Environment.CurrentManagedThreadId}, but this {name} is loop-local: " +
            $"it belongs to the event loop that first used it (on thread {_boundThreadId}) and takes no locks, so it is " +
            "not for cross-thread use. Post the call to that loop with loop.CallSoonThreadSafe(...) or " +
            "loop.SynchronizationContext.Post(...), or coordinate threads with SemaphoreSlim or System.Threading.Channels.");
}
