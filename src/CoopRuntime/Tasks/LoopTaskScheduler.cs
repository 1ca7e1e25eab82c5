namespace CoopRuntime;

/// <summary>
/// A <see cref="TaskScheduler"/> that runs tasks on an <see cref="EventLoop"/>, one at a time, on the loop thread.
/// Get it from <see cref="EventLoop.TaskScheduler"/>.
/// </summary>
/// <remarks>
/// Queueing is thread-safe. A task is inlined (run synchronously by <c>Wait</c> or a synchronous continuation)
/// only when the caller is already on the loop thread, so a task never runs anywhere else.
/// </remarks>
public sealed class LoopTaskScheduler : TaskScheduler
{
    private readonly EventLoop _loop;

    internal LoopTaskScheduler(EventLoop loop) => _loop = loop;

    /// <summary>The loop this scheduler runs tasks on.</summary>
    public EventLoop Loop => _loop;

    /// <summary>Always 1: the loop runs one piece of work at a time.</summary>
    public override int MaximumConcurrencyLevel => 1;

    /// <summary>Schedules <paramref name="task"/> on the loop. Thread-safe.</summary>
    /// <param name="task">The task to run.</param>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    protected override unsafe void QueueTask(Task task) =>
        _loop.ScheduleFromAnyThread(WorkItem.FromStatic(&Execute, this, task));

    /// <summary>Runs <paramref name="task"/> inline if, and only if, the caller is on the loop thread.</summary>
    /// <param name="task">The task to run.</param>
    /// <param name="taskWasPreviouslyQueued">Whether the task was queued before.</param>
    /// <returns>True if the task ran.</returns>
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        _loop.IsOnLoopThread && TryExecuteTask(task);

    /// <summary>Not supported: the loop's queue holds callbacks of every kind, not only tasks.</summary>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always; debuggers handle this by not listing scheduled tasks.</exception>
    protected override IEnumerable<Task> GetScheduledTasks() =>
        throw new NotSupportedException("LoopTaskScheduler does not enumerate its queued tasks; the loop's queue holds callbacks of every kind.");

    private static void Execute(object scheduler, object? task) =>
        ((LoopTaskScheduler)scheduler).TryExecuteTask((Task)task!);
}
