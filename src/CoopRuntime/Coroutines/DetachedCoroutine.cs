using System.Collections;

namespace CoopRuntime;

/// <summary>
/// The coroutine behind <see cref="EventLoop.StartDetached"/>. Nobody can await it (its handle is a
/// <see cref="CoroutineHandle"/>, not this object), so once it ends in its own step nothing refers to it any more, and
/// the loop keeps it for the next <see cref="EventLoop.StartDetached"/> instead of leaving it to the garbage collector.
/// </summary>
/// <remarks>
/// A handle names one run of this object by its <see cref="Generation"/>, so a handle kept after its coroutine ended
/// never sees, or stops, the coroutine that reuses the object. A detached coroutine that ends any other way (stopped
/// while it waits, failed, or listed by <see cref="EventLoop.Coroutines"/>) is not reused: something may still refer
/// to it (a queued wake-up, a waiter list, user code), and the garbage collector takes it as it takes any coroutine.
/// </remarks>
internal sealed class DetachedCoroutine : Coroutine
{
    internal DetachedCoroutine(EventLoop loop, IEnumerator routine, string? name, CancellationToken cancellationToken)
        : base(loop, routine, name, cancellationToken)
    {
    }

    /// <summary>
    /// Counts the runs of this object (wrapping after 2^32). The loop thread bumps it when the coroutine ends in its own
    /// step, before offering it to the pool. The token callback reads it on the cancelling thread, always before that
    /// bump: <c>Finish</c> disposes the registration first, which waits for a callback in flight.
    /// </summary>
    public int Generation { get; private set; }

    /// <summary>Takes a new routine: the object leaves the pool.</summary>
    public void Reuse(IEnumerator routine, string? name, CancellationToken cancellationToken) =>
        ResetForReuse(routine, name, cancellationToken);

    private protected override void OnFinishedInOwnStep()
    {
        Generation = unchecked(Generation + 1);
        ForgetFinishedRun();
        Loop.ReturnToPool(this);
    }

    private protected override string KindForDiagnostics => "detached coroutine";

    private protected override string? UnobservedFaultAdvice =>
        "A detached coroutine cannot be awaited: handle the failure inside it, or start it with EventLoop.Start and await it.";

    // The stop carries the generation it was meant for: it may be queued just before the coroutine ends in its own step
    // and returns to the pool, and must not stop the next run. Boxes the generation, on cancellation only.
    private protected override unsafe WorkItem StopItem => WorkItem.FromStatic(&StopIfSameRun, this, Generation);

    private static void StopIfSameRun(object target, object? generation)
    {
        var coroutine = (DetachedCoroutine)target;
        if (coroutine.Generation == (int)generation!)
        {
            coroutine.Stop();
        }
    }
}
