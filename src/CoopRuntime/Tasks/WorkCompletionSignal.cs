namespace CoopRuntime;

/// <summary>
/// Tells a <see cref="SpawnedTask"/> that its work's <see cref="Task"/> completed, inline on the completing thread,
/// for 80 bytes per task.
/// </summary>
/// <remarks>
/// <para>Why a <see cref="SynchronizationContext"/>: the public ways to hook a task's completion each cost more or
/// run late. <c>ContinueWith(ExecuteSynchronously)</c> runs inline but allocates a continuation task and its wrapper
/// (112 bytes). A bound delegate on a <c>ConfigureAwait(false)</c> awaiter is 64 bytes, but while the loop's context is
/// current the BCL refuses to inline it and queues it to the thread pool, so the loop would see itself idle (and a
/// virtual clock would jump) before the task counted as finished.</para>
/// <para>An awaiter that captures a context instead allocates one 48-byte wrapper holding the context and the action,
/// and on completion either runs the action inline (when that context is current) or calls the context's
/// <see cref="Post"/> on the completing thread, synchronously. So <see cref="Register"/> makes this object the current
/// context just for the registration: the wrapper then holds it (32 bytes: it knows its task), the action can be one
/// shared delegate, and since this context is never current when the task completes, completion always arrives in
/// <see cref="Post"/>, which goes straight to the task.</para>
/// </remarks>
internal sealed class WorkCompletionSignal : SynchronizationContext
{
    // The wrapper needs an action; Post identifies the task by this object instead, so one shared delegate does.
    private static readonly Action Unused = static () => { };

    private readonly SpawnedTask _task;

    private WorkCompletionSignal(SpawnedTask task) => _task = task;

    /// <summary>Arranges for <paramref name="task"/> to learn, on the thread that completes it, that <paramref name="work"/> completed.</summary>
    public static void Register(Task work, SpawnedTask task)
    {
        var loopContext = Current;
        SetSynchronizationContext(new WorkCompletionSignal(task));
        try
        {
            work.GetAwaiter().UnsafeOnCompleted(Unused);
        }
        finally
        {
            SetSynchronizationContext(loopContext);
        }
    }

    /// <summary>Called by the BCL on the thread that completed the work (or at once, if it completed meanwhile).</summary>
    public override void Post(SendOrPostCallback d, object? state) => _task.OnWorkCompletedOnAnyThread();

    /// <inheritdoc />
    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException(
        "WorkCompletionSignal is the completion hook of a spawned task, not a context to run code on.");

    /// <inheritdoc />
    public override SynchronizationContext CreateCopy() => this;
}
