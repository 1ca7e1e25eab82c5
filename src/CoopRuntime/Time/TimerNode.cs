namespace CoopRuntime;

/// <summary>
/// Something that waits in a loop's <see cref="TimerQueue"/>: a <c>CallLater</c> callback, a sleeping task,
/// a <see cref="TimeProvider"/> timer.
/// </summary>
/// <remarks>
/// <para>A node moves Idle → Scheduled (in the heap) → Due (moved into the ready queue at the start of an
/// iteration) → Idle (fired). Cancelling moves it back to Idle from either state.</para>
/// <para><see cref="Sequence"/> is new each time the node is scheduled, and the heap entry keeps a copy, so entries
/// that still point at an old scheduling are recognised as stale and skipped (lazy deletion: O(1) cancel).
/// <see cref="Version"/> changes every time the node leaves the Scheduled state; <see cref="TimerHandle"/> compares
/// it to tell its own scheduling from a later one of a reused node.</para>
/// <para>A Due item in the ready queue fires only if the node is still Due when it runs. Nodes become Due only
/// at the start of an iteration, so a node that was cancelled and then reused within the batch is Scheduled or
/// Idle when its stale item runs, never Due: that is why pooled nodes may be reused immediately.</para>
/// <para>Only the loop thread touches a node's fields.</para>
/// </remarks>
internal abstract class TimerNode
{
    internal int Version;
    internal long Sequence;
    internal TimerNodeState State;
    internal TimeSpan Deadline;

    /// <summary>Runs the timer's action on the loop thread. The node is already Idle when this is called.</summary>
    protected internal abstract void Fire();

    /// <summary>What <see cref="Fire"/> will call, for diagnostics that name slow or stuck callbacks (debug mode only).</summary>
    internal virtual void GetTarget(out object? callback, out object? state)
    {
        callback = this;
        state = null;
    }
}

/// <summary>Where a <see cref="TimerNode"/> is in its life; see <see cref="TimerNode"/>.</summary>
internal enum TimerNodeState : byte
{
    Idle,
    Scheduled,
    Due,
}
