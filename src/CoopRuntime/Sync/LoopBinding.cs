using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace CoopRuntime;

/// <summary>
/// Ties a loop-local object (a queue, a channel) to the event loop on which it is first used, and checks every later
/// use against that loop. The object can be constructed anywhere, on any thread, before any loop runs.
/// </summary>
/// <remarks>
/// <para>Invariants: once bound, the binding never changes. A use is accepted only from code that the bound loop is
/// running, that is when <see cref="EventLoop.Current"/> is the bound loop; that single check covers the wrong thread,
/// no loop at all, and another loop on the same thread (whose callbacks would otherwise be scheduled on a loop that
/// is not running, and never run).</para>
/// <para>A mutable struct: keep it in a non-readonly field and call it through that field. The accepted path is one
/// thread-static read and one comparison; the binding and the errors live in a separate, non-inlined method.</para>
/// </remarks>
internal struct LoopBinding
{
    private EventLoop? _loop;

    /// <summary>The bound loop, or null before the first use.</summary>
    public readonly EventLoop? Loop => _loop;

    /// <summary>
    /// Returns the bound loop if the caller runs on it; binds to the caller's loop on first use; throws otherwise.
    /// </summary>
    /// <param name="owner">The public type, for the message ("AsyncQueue").</param>
    /// <param name="member">The member being called, for the message ("DequeueAsync").</param>
    /// <exception cref="WrongThreadException">Bound, and the caller does not run on the bound loop.</exception>
    /// <exception cref="InvalidOperationException">Not bound yet, and no loop runs on this thread.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public EventLoop Enter(string owner, string member)
    {
        var loop = _loop;
        if (loop is not null && ReferenceEquals(loop, EventLoop.Current))
        {
            return loop;
        }

        return BindOrThrow(owner, member);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private EventLoop BindOrThrow(string owner, string member)
    {
        var current = EventLoop.Current;
        if (_loop is null)
        {
            if (current is null)
            {
                ThrowNoLoop(owner, member);
            }

            _loop = current;
            return current;
        }

        ThrowWrongLoop(owner, member, current is not null);
        return null; // unreachable
    }

    [DoesNotReturn]
    private static void ThrowNoLoop(string owner, string member) =>
        throw new InvalidOperationException(
            $"{owner}.{member} needs an EventLoop running on this thread, and there is none. {owner} is loop-local: it binds " +
            "to the loop on which it is first used, so use it from code that loop runs (inside EventLoop.Run(...)).");

    [DoesNotReturn]
    private static void ThrowWrongLoop(string owner, string member, bool otherLoop) =>
        throw new WrongThreadException(
            $"{owner}.{member} was called from thread {Environment.CurrentManagedThreadId}, which " +
            (otherLoop ? "runs a different event loop" : "is not running the event loop") +
            $" this {owner} belongs to. {owner} is loop-local: it belongs to the loop on which it was first used, and only " +
            "code that loop runs may use it (no locks guard it). From another thread, hand the work to that loop with " +
            "loop.CallSoonThreadSafe(...) or loop.SynchronizationContext.Post(...).");
}
