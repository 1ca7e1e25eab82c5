using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// The state behind a <see cref="LoopTask"/>: the work, its cancellation, and its place in the loop's live set.
/// </summary>
/// <remarks>
/// <para>It derives from <see cref="CancellationTokenSource"/> so that one object carries both the task's
/// bookkeeping and the token it hands the work: a spawned task costs this object (80 bytes), its completion hook
/// (<see cref="WorkCompletionSignal"/>, 80 bytes, only while the work is pending), and whatever the work itself
/// allocates.</para>
/// <para>Life: spawned (queued to start on the next iteration) → started (the work's <see cref="Task"/> exists)
/// → finished (removed from the live set). A task cancelled before it starts never runs its work and finishes as
/// cancelled.</para>
/// <para>Fault rule: a fault is "observed" when something awaited the handle or asked for its
/// <see cref="LoopTask.Completion"/>, or the task belongs to a <see cref="TaskGroup"/>. An unobserved fault that is
/// still unobserved at the end of the iteration in which it happened goes to the loop's unhandled-exception
/// handler. Only the loop thread touches the fields, except <see cref="CancellationTokenSource.Cancel()"/>.</para>
/// </remarks>
[DebuggerDisplay("LoopTask {Name,nq}: {StateName,nq}")]
internal class SpawnedTask : CancellationTokenSource
{
    // The work until the task starts, then the work's Task: never both, so one field holds either.
    private object? _workOrTask;

    // What only named, grouped or early-awaited tasks need, in a side object made on first use: 100,000 waiting
    // tasks are 100,000 of these objects, and every field here is bytes per task.
    private Extras? _extras;
    private bool _observed;
    private bool _finished;

    public SpawnedTask(EventLoop loop, Func<CancellationToken, Task> work, string? name, TaskGroup? group)
    {
        Loop = loop;
        _workOrTask = work;
        if (name is not null || group is not null || loop.IsDebug)
        {
            _extras = new Extras { Name = name, Group = group, SpawnedAt = loop.IsDebug ? loop.Now : null };
        }
    }

    public EventLoop Loop { get; }

    public string? Name => _extras?.Name;

    public TaskGroup? Group => _extras?.Group;

    /// <summary>Position in the loop's live list, for O(1) removal; -1 once finished.</summary>
    public int LiveIndex { get; set; } = -1;

    /// <summary>Position in its <see cref="TaskGroup"/>'s list of running children, for O(1) removal.</summary>
    public int GroupIndex
    {
        get => _extras?.GroupIndex ?? -1;
        set => (_extras ??= new Extras()).GroupIndex = value;
    }

    private Task? WorkTask => _workOrTask as Task;

    // The work's own task counts too: work that completes on another thread is done before the loop, on its next
    // iteration, takes it out of the live set, and `await handle` may already have returned by then.
    public bool IsCompleted => _finished || WorkTask is { IsCompleted: true };

    /// <summary>The work's task once it has started, else a task that completes when this one finishes.</summary>
    public Task Completion
    {
        get
        {
            _observed = true;
            return WorkTask ?? EarlyCompletion();
        }
    }

    public void MarkObserved() => _observed = true;

    private string StateName => _finished ? $"finished ({WorkTask?.Status.ToString() ?? "cancelled before start"})" : WorkTask is null ? "waiting to start" : "running";

    /// <summary>The work item that starts this task on the next iteration.</summary>
    public static unsafe WorkItem StartItem(SpawnedTask task) => WorkItem.FromStatic(&Start, task, null);

    private static void Start(object target, object? state) => ((SpawnedTask)target).Start();

    private void Start()
    {
        var work = (Func<CancellationToken, Task>)_workOrTask!;
        _workOrTask = null;
        if (IsCancellationRequested)
        {
            Finish();
            return;
        }

        Task task;
        try
        {
            task = work(Token) ?? throw new InvalidOperationException(
                $"The function spawned as {Describe()} returned null instead of a Task.");
        }
        catch (OperationCanceledException canceled) when (canceled.CancellationToken == Token)
        {
            task = FromCanceled(Token);
        }
        catch (Exception exception)
        {
            task = FromException(exception);
        }

        _workOrTask = task;
        if (task.IsCompleted)
        {
            Finish();
        }
        else
        {
            // Inline on whatever thread completes the work; OnWorkCompletedOnAnyThread hops back to the loop itself.
            WorkCompletionSignal.Register(task, this);
        }
    }

    /// <summary>The work's task completed; called on the thread that completed it. See <see cref="WorkCompletionSignal"/>.</summary>
    internal void OnWorkCompletedOnAnyThread()
    {
        if (Loop.IsOnLoopThread)
        {
            Finish();
        }
        else
        {
            // A closed loop already reported this task as a straggler in its shutdown error.
            Loop.TryScheduleFromAnyThread(WorkItem.From(static self => self.Finish(), this));
        }
    }

    private void Finish()
    {
        _finished = true;
        Loop.RemoveLiveTask(this);
        var task = WorkTask;
        if (_extras?.EarlyCompletion is { } early)
        {
            CompleteEarly(early, task);
        }

        if (Group is { } group)
        {
            group.OnChildFinished(this, task);
        }
        else if (task is { IsFaulted: true } && !_observed)
        {
            Loop.ScheduleLocal(WorkItem.From(static self => self.ReportIfStillUnobserved(), this));
        }
    }

    private void ReportIfStillUnobserved()
    {
        if (!_observed)
        {
            _observed = true;
            Loop.ReportUnobservedFault(DescribeForDiagnostics(), SingleOrAggregate(WorkTask!.Exception!));
        }
    }

    /// <summary>The task's one exception, or the aggregate when it has several.</summary>
    internal static Exception SingleOrAggregate(AggregateException exception) =>
        exception.InnerExceptions.Count == 1 ? exception.InnerExceptions[0] : exception;

    private Task EarlyCompletion()
    {
        var extras = _extras ??= new Extras();
        extras.EarlyCompletion ??= CreateEarlyCompletion();
        if (_finished)
        {
            CompleteEarly(extras.EarlyCompletion, WorkTask);
        }

        return EarlyCompletionTask(extras.EarlyCompletion);
    }

    internal string Describe() => Name is null ? "an unnamed task" : $"task '{Name}'";

    /// <summary>"spawned task 'name' (async method N.T.M)". Any thread (diagnostics): it reads references only.</summary>
    internal string DescribeForDiagnostics()
    {
        var method = Method;
        var name = Name is null ? "(unnamed)" : $"'{Name}'";
        return method is null ? $"spawned task {name}" : $"spawned task {name} ({method})";
    }

    private string? Method => _workOrTask switch
    {
        Task task => CallbackNames.AsyncMethodOf(task),
        Func<CancellationToken, Task> work => CallbackNames.MethodName(work.Method),
        _ => null,
    };

    /// <summary>A snapshot for <see cref="EventLoop.GetTaskInfos"/>. Loop thread only.</summary>
    internal TaskInfo GetInfo(TimeSpan now)
    {
        var task = WorkTask;
        var state = _finished ? "finished" : task is null ? "scheduled" : task.IsCompleted ? "finishing" : "waiting";
        var waitingOn = task is null ? "its first step" : task.IsCompleted ? "its completion to be processed" : AsyncStacks.DescribeAwaited(task);
        return new TaskInfo(TaskKind.SpawnedTask, Name, state, Method, waitingOn, now - _extras?.SpawnedAt, null);
    }

    // The generic subclass overrides these four so that LoopTask<T>.Completion is a Task<T>.
    protected virtual Task FromCanceled(CancellationToken token) => Task.FromCanceled(token);

    protected virtual Task FromException(Exception exception) => Task.FromException(exception);

    protected virtual object CreateEarlyCompletion() => new TaskCompletionSource();

    protected virtual Task EarlyCompletionTask(object source) => ((TaskCompletionSource)source).Task;

    protected virtual void CompleteEarly(object source, Task? task)
    {
        var completion = (TaskCompletionSource)source;
        if (task is null || task.IsCanceled)
        {
            completion.TrySetCanceled(Token);
        }
        else if (task.IsFaulted)
        {
            completion.TrySetException(task.Exception!.InnerExceptions);
        }
        else
        {
            completion.TrySetResult();
        }
    }

    /// <summary>The rarely needed parts of a spawned task.</summary>
    private sealed class Extras
    {
        public string? Name;
        public TaskGroup? Group;
        public int GroupIndex = -1;
        public object? EarlyCompletion;

        // Loop time when the task was spawned, for task dumps; debug mode only (a clock read per spawn).
        public TimeSpan? SpawnedAt;
    }
}
