using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// A handle to a callback scheduled with <see cref="EventLoop.CallLater(TimeSpan, Action)"/> or
/// <see cref="EventLoop.CallAt(TimeSpan, Action)"/>. Cancelling is O(1).
/// </summary>
/// <remarks>
/// A value type, so scheduling a timer allocates nothing. Copies refer to the same timer. Once the timer has fired
/// or been cancelled, the handle is inert: <see cref="Cancel"/> returns false and <see cref="IsPending"/> is
/// false, even though the loop reuses the timer's storage for later timers. <c>default(TimerHandle)</c> is a
/// handle to nothing. Use a handle on its loop's thread only.
/// </remarks>
[DebuggerDisplay("{IsPending ? \"pending until \" + Deadline : \"inactive\",nq}")]
public readonly struct TimerHandle : IEquatable<TimerHandle>
{
    private readonly CallbackTimer? _node;
    private readonly int _version;

    internal TimerHandle(CallbackTimer node)
    {
        _node = node;
        _version = node.Version;
    }

    /// <summary>True while the callback is scheduled and has neither run nor been cancelled.</summary>
    public bool IsPending => _node is { } node && node.Version == _version && node.State != TimerNodeState.Idle;

    /// <summary>The loop-clock time at which the callback is due, or <see cref="TimeSpan.Zero"/> once inactive.</summary>
    public TimeSpan Deadline => IsPending ? _node!.Deadline : TimeSpan.Zero;

    /// <summary>Cancels the callback if it has not run yet. Safe to call more than once.</summary>
    /// <returns>True if this call stopped the callback from running; false if it had already run or been cancelled.</returns>
    /// <exception cref="WrongThreadException">Called from a thread other than the loop's.</exception>
    public bool Cancel()
    {
        if (_node is not { } node)
        {
            return false;
        }

        node.Loop.VerifyThread(nameof(TimerHandle) + "." + nameof(Cancel));
        if (node.Version != _version)
        {
            return false;
        }

        var cancelled = node.Loop.CancelTimer(node);
        if (cancelled)
        {
            node.Release();
        }

        return cancelled;
    }

    /// <inheritdoc />
    public bool Equals(TimerHandle other) => ReferenceEquals(_node, other._node) && _version == other._version;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TimerHandle other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_node, _version);

    /// <summary>True when both handles refer to the same scheduling of the same timer.</summary>
    /// <param name="left">A handle.</param>
    /// <param name="right">Another handle.</param>
    public static bool operator ==(TimerHandle left, TimerHandle right) => left.Equals(right);

    /// <summary>True when the handles refer to different timers or schedulings.</summary>
    /// <param name="left">A handle.</param>
    /// <param name="right">Another handle.</param>
    public static bool operator !=(TimerHandle left, TimerHandle right) => !left.Equals(right);
}
