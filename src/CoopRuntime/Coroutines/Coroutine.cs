using System.Collections;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace CoopRuntime;

/// <summary>
/// A running IEnumerator coroutine: an iterator method that suspends with <c>yield return</c> and is resumed by the
/// loop. Start one with <see cref="EventLoop.Start(IEnumerator, string?, CancellationToken)"/>; await the handle to
/// wait for it; <see cref="Stop"/> ends it and runs its finally blocks.
/// </summary>
/// <remarks>
/// <para>A coroutine is a stack of iterators: yielding a nested <see cref="IEnumerator"/> pushes it and runs it to
/// completion before the parent resumes, in the same step (no extra scheduling per level).</para>
/// <para>Ending: the coroutine completes when its outermost iterator finishes (or yields <see cref="Wait.Return{T}"/>);
/// it fails when an iterator throws, when a task or coroutine it waits on fails, or when it yields something it
/// cannot wait on; it is cancelled by <see cref="Stop"/>, by its token, or when what it waits on is cancelled.
/// Whenever it ends early, every iterator on its stack is disposed innermost first, so their finally blocks run; an
/// exception thrown by one of those finally blocks fails the coroutine instead of vanishing. C# iterators cannot catch
/// an exception thrown by a nested iterator or a failed task: only their finally blocks see it.</para>
/// <para>Whoever waits for a coroutine (an <c>await</c>, a continuation on <see cref="Completion"/>, another
/// coroutine) resumes on a later loop iteration, never inside the call that ended it (a <see cref="Stop"/>, a step,
/// a condition poll), as asyncio resumes a future's callbacks with <c>call_soon</c>.</para>
/// <para>A failure nobody observed (by awaiting the coroutine, reading <see cref="Completion"/>, or waiting on it
/// from another coroutine) by the end of the iteration in which it happened goes to the loop's unhandled-exception
/// handler. Use a coroutine on its loop's thread, and wait only for coroutines of the same loop.</para>
/// </remarks>
[DebuggerDisplay("Coroutine {Name,nq}: {State,nq}")]
public class Coroutine
{
    private readonly EventLoop _loop;

    // The iterator stack: _current is the top, _cold.Parents[0.._depth) the suspended callers below it.
    // _currentIsTyped: _current is an IEnumerator<Wait>, read through its typed Current so that waits are not boxed
    // (a flag rather than a second reference to the same object: 8 bytes less per coroutine).
    private IEnumerator _current;
    private bool _currentIsTyped;
    private int _depth;

    private CoroutineState _state;
    private bool _stopRequested;
    private bool _observed;

    // Set once a reference to this object has been handed to user code by loop.Coroutines. A detached coroutine is
    // recycled only while nothing outside the library can hold it (see DetachedCoroutine); for the others it is unused.
    private bool _escaped;

    // What the coroutine is suspended on, while _state == Waiting.
    private WaitKind _waitKind;
    private object? _waitTarget;
    private long _waitValue;

    // Everything a plain coroutine never touches (nesting, timers, outcomes other than success, awaiters, tokens)
    // lives in a side object made on first use: a step touches fewer cache lines, and 100,000 coroutines cost less
    // memory (and so less garbage collection).
    private ColdState? _cold;

    // Diagnostics (task dumps, slow-callback and stall reports): the iterator it was started with. When it started and
    // when its current wait began are kept in debug mode only (in _cold), to keep starts and steps free of clock reads.
    // Not readonly, nor is Name: a recycled detached coroutine takes a new routine and name (ResetForReuse).
    private Type _routineType;

    internal Coroutine(EventLoop loop, IEnumerator routine, string? name, CancellationToken cancellationToken)
    {
        _loop = loop;
        _current = routine;
        _currentIsTyped = routine is IEnumerator<Wait>;
        _routineType = routine.GetType();
        Name = name;
        if (cancellationToken.CanBeCanceled)
        {
            Cold.CancellationToken = cancellationToken;
        }
    }

    /// <summary>The name given at start, or null.</summary>
    public string? Name { get; private set; }

    /// <summary>True until the coroutine has finished: completed, failed or stopped.</summary>
    public bool IsRunning => _state != CoroutineState.Finished;

    /// <summary>True once the coroutine has finished.</summary>
    public bool IsCompleted => _state == CoroutineState.Finished;

    /// <summary>
    /// A <see cref="Task"/> that completes when the coroutine does: successfully, faulted with the coroutine's
    /// exception, or cancelled when it was stopped. Composes with <see cref="Task.WhenAll(Task[])"/>. Reading it
    /// observes the coroutine's failure.
    /// </summary>
    /// <remarks>
    /// Read after the coroutine finished, it is already complete. Read before, it completes on the loop iteration
    /// after the coroutine finishes, so that continuations never run inside the call that ended it.
    /// </remarks>
    public Task Completion
    {
        get
        {
            _observed = true;
            return GetCompletionTask();
        }
    }

    /// <summary>What the coroutine is waiting on right now, for diagnostics (for example "Wait.For(00:00:00.5000000)").</summary>
    public string WaitingOn => _state switch
    {
        CoroutineState.Scheduled => "its first step",
        CoroutineState.Stepping => "nothing (running now)",
        CoroutineState.Finished => "nothing (finished)",
        _ => DescribeWait(),
    };

    internal int LiveIndex { get; set; } = -1;

    /// <summary>The loop this coroutine runs on.</summary>
    internal EventLoop Loop => _loop;

    /// <summary>Marks the coroutine as held by user code (see <see cref="EventLoop.Coroutines"/>): it is never recycled.</summary>
    internal void MarkEscaped() => _escaped = true;

    private string State => _state switch
    {
        CoroutineState.Finished => Error is not null ? "faulted" : Canceled ? "stopped" : "completed",
        _ => "waiting on " + WaitingOn,
    };

    /// <summary>
    /// Stops the coroutine: every iterator on its stack is disposed innermost first, so their finally blocks run
    /// before this method returns (when called from inside the coroutine, right after the current step). Whoever
    /// awaits it resumes with <see cref="OperationCanceledException"/> on the next loop iteration (a coroutine waiting
    /// for it is stopped then too). An exception thrown by a finally block is not thrown here: the coroutine fails
    /// with it instead. Stopping a finished coroutine does nothing.
    /// </summary>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    public void Stop()
    {
        _loop.VerifyThread(nameof(Coroutine) + "." + nameof(Stop));
        switch (_state)
        {
            case CoroutineState.Finished:
            case CoroutineState.Finishing:
                return;
            case CoroutineState.Stepping:
                _stopRequested = true; // the step checks this as soon as MoveNext returns
                return;
            default:
                AbandonWait();
                Finish(FinishKind.Stopped, null);
                return;
        }
    }

    /// <summary>Gets an awaiter; awaiting a coroutine waits for it to finish and rethrows its failure.</summary>
    /// <returns>The awaiter of <see cref="Completion"/>.</returns>
    public TaskAwaiter GetAwaiter() => Completion.GetAwaiter();

    // ───────────────────────────── Stepping ─────────────────────────────

    /// <summary>The work item that stops this coroutine when its token is cancelled. Built on the cancelling thread.</summary>
    private protected virtual WorkItem StopItem => WorkItem.From(static c => c.Stop(), this);

    /// <summary>The work item that resumes this coroutine on a later iteration.</summary>
    internal unsafe WorkItem ResumeItem => WorkItem.FromStatic(&ResumeCallback, this, null);

    private static void ResumeCallback(object target, object? state) => ((Coroutine)target).ResumeFromWait();

    internal void Begin()
    {
        _state = CoroutineState.Scheduled;
        if (_loop.IsDebug)
        {
            Cold.StartedAt = _loop.Now;
        }

        if (_cold is { CancellationToken.CanBeCanceled: true } cold)
        {
            // Runs on the cancelling thread: queue the stop, never run it there.
            cold.Registration = cold.CancellationToken.UnsafeRegister(
                static self => ((Coroutine)self!)._loop.TryScheduleFromAnyThread(((Coroutine)self!).StopItem),
                this);
        }

        _loop.ScheduleLocal(ResumeItem);
    }

    /// <summary>Resumes a coroutine whose wait is over. Called from the loop's dispatch (never from user code).</summary>
    internal void ResumeFromWait()
    {
        if (_state is not (CoroutineState.Waiting or CoroutineState.Scheduled))
        {
            return; // stopped meanwhile, or a late wake-up from a wait that already ended
        }

        // Only task and coroutine waits have an outcome to check; the common waits (null, timers, conditions,
        // frames) leave no target and go straight to the step.
        if (_waitTarget is not null && !TryTakeWaitOutcome(out var failure, out var canceled))
        {
            Finish(canceled ? FinishKind.Stopped : FinishKind.Faulted, failure);
            return;
        }

        Step();
    }

    /// <summary>Fails a waiting coroutine (its condition threw). Called from the loop's dispatch.</summary>
    internal void FailWhileWaiting(Exception error)
    {
        if (_state == CoroutineState.Waiting)
        {
            Finish(FinishKind.Faulted, error);
        }
    }

    private void Step()
    {
        _state = CoroutineState.Stepping;
        ClearWait();
        while (true)
        {
            bool moved;
            Wait wait = default;
            try
            {
                moved = _current.MoveNext();
                if (moved && !_stopRequested)
                {
                    if (_currentIsTyped)
                    {
                        wait = Unsafe.As<IEnumerator<Wait>>(_current).Current;
                    }
                    else
                    {
                        var yielded = _current.Current;
                        if (yielded is null)
                        {
                            // `yield return null`, the commonest instruction: the wait fields are already clear, so
                            // suspend without building a Wait.
                            SuspendUntilNextIteration();
                            return;
                        }

                        wait = ToWait(yielded);
                    }
                }
            }
            catch (Exception exception)
            {
                Finish(FinishKind.Faulted, exception);
                return;
            }

            if (_stopRequested)
            {
                Finish(FinishKind.Stopped, null);
                return;
            }

            if (!moved)
            {
                if (_depth == 0)
                {
                    Finish(FinishKind.Completed, null);
                    return;
                }

                // The nested iterator finished: its parent resumes in this same step. Pop it before disposing it, so
                // that if its Dispose throws (a hand-written IEnumerator may), Finish disposes only the levels below.
                var finished = _current;
                var parents = _cold!.Parents!;
                SetCurrent(parents[--_depth]);
                parents[_depth] = null!;
                try
                {
                    (finished as IDisposable)?.Dispose();
                }
                catch (Exception exception)
                {
                    Finish(FinishKind.Faulted, exception);
                    return;
                }

                continue;
            }

            if (!TrySuspend(wait))
            {
                return;
            }
        }
    }

    private Wait ToWait(object yielded) => yielded switch
    {
        Wait wait => wait,
        IEnumerator nested => Wait.Run(nested),
        Task task => task,
        ValueTask valueTask => valueTask,
        Coroutine coroutine => coroutine,
        CoroutineHandle => throw new InvalidOperationException(
            $"Coroutine {Describe()} yielded a CoroutineHandle. A detached coroutine (EventLoop.StartDetached) cannot be " +
            "waited on: start it with EventLoop.Start and yield the Coroutine it returns, or wait with " +
            "Wait.While(() => handle.IsRunning)."),
        var other => throw new InvalidOperationException(
            $"Coroutine {Describe()} yielded a {other.GetType()}, which it cannot wait on. A coroutine may yield null " +
            "(next iteration), a Wait (Wait.Seconds, Wait.For, Wait.Until, Wait.While, Wait.Frames, Wait.NextFrame, " +
            "Wait.Return), a nested IEnumerator, a Task, a ValueTask (use AsTask() for a ValueTask<T>), or a Coroutine."),
    };

    /// <summary>Acts on one yielded instruction.</summary>
    /// <returns>True to keep stepping now (the instruction needed no waiting), false once suspended or finished.</returns>
    private bool TrySuspend(in Wait wait)
    {
        switch (wait.Kind)
        {
            case WaitKind.NextIteration:
                SuspendUntilNextIteration();
                return false;

            case WaitKind.Duration:
                Suspend(WaitKind.Duration, null, wait.Value);
                var timer = Cold.Timer ??= new CoroutineTimer(this);
                _loop.ScheduleTimer(timer, _loop.DeadlineAfter(TimeSpan.FromTicks(wait.Value), "duration"));
                return false;

            case WaitKind.Until:
            case WaitKind.While:
                // _waitValue holds the iteration in which the wait started (see AddConditionWaiter).
                Suspend(wait.Kind, wait.Target, _loop.AddConditionWaiter(this));
                return false;

            case WaitKind.Frames:
                if (_loop.FrameTicker is null)
                {
                    Finish(FinishKind.Faulted, new InvalidOperationException(
                        $"Coroutine {Describe()} yielded {wait}, but its loop has no frame clock. Create the loop with " +
                        "EventLoopOptions.FrameRate to use frame waits, or wait with Wait.For/Wait.Seconds instead."));
                    return false;
                }

                Suspend(WaitKind.Frames, null, _loop.Frame + wait.Value);
                _loop.AddFrameWaiter(this);
                return false;

            case WaitKind.Routine:
                return TryPush((IEnumerator)wait.Target!);

            case WaitKind.Task:
                return WaitForTask((Task)wait.Target!);

            case WaitKind.Coroutine:
                return WaitForCoroutine((Coroutine)wait.Target!);

            default:
                Cold.Returned = wait.Target;
                Finish(FinishKind.Returned, null);
                return false;
        }
    }

    private bool WaitForTask(Task task)
    {
        Suspend(WaitKind.Task, task, 0);
        if (task.IsCompleted)
        {
            // Already done: no need to give up the step; its outcome is checked like any other.
            return TryContinueAfterWait();
        }

        task.ContinueWith(
            static (_, self) => ((Coroutine)self!).OnAwaitedTaskCompleted(),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return false;
    }

    private void OnAwaitedTaskCompleted()
    {
        // Inline on whatever thread completed the task: never resume here (that could be inside user code, or
        // another thread). Queue the step; a closed loop already stopped this coroutine.
        _loop.TryScheduleFromAnyThread(ResumeItem);
    }

    private bool WaitForCoroutine(Coroutine other)
    {
        if (ReferenceEquals(other, this))
        {
            Finish(FinishKind.Faulted, new InvalidOperationException(
                $"Coroutine {Describe()} yielded itself: a coroutine cannot wait for its own end."));
            return false;
        }

        if (!ReferenceEquals(other._loop, _loop))
        {
            // Registering with it would let the other loop resume this coroutine on its own thread (or never, if it
            // does not run); its fields are not ours to touch either.
            Finish(FinishKind.Faulted, new InvalidOperationException(
                $"Coroutine {Describe()} yielded coroutine {other.Describe()}, which runs on another event loop. A coroutine " +
                "can wait only for coroutines of its own loop; to wait across loops, have the other loop complete a " +
                "TaskCompletionSource and yield its Task."));
            return false;
        }

        other._observed = true;
        Suspend(WaitKind.Coroutine, other, 0);
        if (other.IsCompleted)
        {
            return TryContinueAfterWait();
        }

        other.AddDependent(this);
        return false;
    }

    private bool TryContinueAfterWait()
    {
        if (TryTakeWaitOutcome(out var failure, out var canceled))
        {
            _state = CoroutineState.Stepping;
            ClearWait();
            return true;
        }

        Finish(canceled ? FinishKind.Stopped : FinishKind.Faulted, failure);
        return false;
    }

    /// <summary>For task and coroutine waits: false (with the reason) when what was awaited failed or was cancelled.</summary>
    private bool TryTakeWaitOutcome(out Exception? failure, out bool canceled)
    {
        failure = null;
        canceled = false;
        switch (_waitTarget)
        {
            case Task { IsFaulted: true } task:
                failure = SpawnedTask.SingleOrAggregate(task.Exception!);
                return false;
            case Task { IsCanceled: true }:
                canceled = true;
                return false;
            case Coroutine { Error: { } error }:
                failure = error;
                return false;
            case Coroutine { Canceled: true }:
                canceled = true;
                return false;
            default:
                return true;
        }
    }

    private void Suspend(WaitKind kind, object? target, long value)
    {
        EnterWait();
        _waitKind = kind;
        _waitTarget = target;
        _waitValue = value;
    }

    /// <summary>Suspends until the next iteration. The wait fields must be clear (<see cref="ClearWait"/>), as they are during a step.</summary>
    private void SuspendUntilNextIteration()
    {
        EnterWait();
        _loop.ScheduleLocal(ResumeItem);
    }

    private void EnterWait()
    {
        _state = CoroutineState.Waiting;
        if (_loop.IsDebug)
        {
            // Only debug mode records when a wait began (a clock read per wait, and a field every coroutine would carry).
            Cold.WaitSince = _loop.Now;
        }
    }

    private void ClearWait()
    {
        _waitKind = WaitKind.NextIteration;
        _waitTarget = null;
        _waitValue = 0;
    }

    /// <summary>Withdraws from whatever the coroutine waits on (Stop while waiting).</summary>
    private void AbandonWait()
    {
        if (_state == CoroutineState.Waiting && _waitKind == WaitKind.Duration)
        {
            _loop.CancelTimer(_cold!.Timer!);
        }

        // Condition and frame waiters are dropped lazily by their scans; task and coroutine wake-ups find the
        // coroutine finished and do nothing.
    }

    internal bool IsWaitingOnCondition => _state == CoroutineState.Waiting && _waitKind is WaitKind.Until or WaitKind.While;

    internal bool IsWaitingOnFrame => _state == CoroutineState.Waiting && _waitKind == WaitKind.Frames;

    /// <summary>The frame at which a frame wait ends.</summary>
    internal long FrameTarget => _waitValue;

    /// <summary>For a condition wait: the loop iteration in which it started.</summary>
    internal long ConditionWaitStarted => _waitValue;

    /// <summary>Evaluates the condition of a Wait.Until/Wait.While. May throw (the caller fails the coroutine).</summary>
    internal bool ConditionHolds()
    {
        var holds = ((Func<bool>)_waitTarget!)();
        return _waitKind == WaitKind.Until ? holds : !holds;
    }

    /// <summary>Pushes a nested iterator, unless it is already on this stack.</summary>
    /// <returns>True to keep stepping (into the nested iterator); false once the coroutine has failed.</returns>
    private bool TryPush(IEnumerator nested)
    {
        // An iterator that is already running here would be resumed re-entrantly by its own yield, and one that keeps
        // yielding itself would grow the stack without end inside one step, hanging the loop. O(depth), and nesting is
        // shallow.
        var onStack = ReferenceEquals(nested, _current);
        for (var i = 0; i < _depth && !onStack; i++)
        {
            onStack = ReferenceEquals(nested, _cold!.Parents![i]);
        }

        if (onStack)
        {
            Finish(FinishKind.Faulted, new InvalidOperationException(
                $"Coroutine {Describe()} yielded an iterator that is already running on its stack (an iterator that yields " +
                "itself or one of its callers). An iterator runs once: call the iterator method again for a new one."));
            return false;
        }

        Push(nested);
        return true;
    }

    private void Push(IEnumerator nested)
    {
        var cold = Cold;
        cold.Parents ??= new IEnumerator[4];
        if (_depth == cold.Parents.Length)
        {
            Array.Resize(ref cold.Parents, _depth * 2);
        }

        cold.Parents[_depth++] = _current;
        SetCurrent(nested);
    }

    private void SetCurrent(IEnumerator routine)
    {
        _current = routine;
        _currentIsTyped = routine is IEnumerator<Wait>;
    }

    // ───────────────────────────── Finishing ─────────────────────────────

    private void Finish(FinishKind kind, Exception? failure)
    {
        // Ended by its own step (it returned, threw, or stopped itself), as opposed to from outside (Stop while it
        // waits, a failed wait, shutdown): then nothing in the loop still refers to it (see OnFinishedInOwnStep).
        var inOwnStep = _state == CoroutineState.Stepping;
        _state = CoroutineState.Finishing;
        var errors = failure is null ? null : new List<Exception> { failure };

        // Innermost first, so each level's finally blocks run before its caller's.
        DisposeQuietly(_current, ref errors);
        while (_depth > 0)
        {
            var parents = _cold!.Parents!;
            DisposeQuietly(parents[--_depth], ref errors);
            parents[_depth] = null!;
        }

        _current = EmptyRoutine.Instance;
        _currentIsTyped = false;
        ClearWait();

        if (errors is null && kind == FinishKind.Completed && RequiresReturnValue)
        {
            errors = new List<Exception>
            {
                new InvalidOperationException(
                    $"Coroutine {Describe()} was started as a Coroutine<T> but ended without yield return Wait.Return(value)."),
            };
        }
        else if (errors is null && kind == FinishKind.Returned && CheckReturned(Returned!) is { } mismatch)
        {
            // Checked here, not when Completion is read: a wrong type is the coroutine's failure, so it reaches a
            // waiting coroutine, or the unhandled-exception handler when nobody looks.
            errors = new List<Exception> { mismatch };
        }

        if (errors is not null)
        {
            Cold.Error = errors.Count == 1 ? errors[0] : new AggregateException($"Coroutine {Describe()} failed more than once.", errors);
        }
        else if (kind == FinishKind.Stopped)
        {
            Cold.Canceled = true;
        }

        _state = CoroutineState.Finished;
        _loop.RemoveLiveCoroutine(this);
        _cold?.Registration.Dispose();
        PublishOutcome();
        WakeDependents();
        if (Error is not null && !_observed)
        {
            _loop.ScheduleLocal(WorkItem.From(static self => self.ReportIfStillUnobserved(), this));
        }
        else if (Error is null && inOwnStep && !_escaped)
        {
            OnFinishedInOwnStep();
        }
    }

    /// <summary>
    /// Called last in <see cref="Finish"/> when the coroutine ended in its own step without a failure, and no user code
    /// was given this object by <see cref="EventLoop.Coroutines"/>. Nothing in the loop refers to it any more then: the
    /// wake-up that started the step was consumed, it is in no waiter list, its timer is not armed, and its token
    /// registration is disposed. A detached coroutine returns to the loop's pool here.
    /// </summary>
    private protected virtual void OnFinishedInOwnStep()
    {
    }

    /// <summary>
    /// Drops what the run that just ended leaves in the side object (a <see cref="Wait.Return{T}"/> value, its token,
    /// debug timestamps), so that a pooled coroutine keeps nothing of the user's alive. Keeps the nesting buffer and
    /// the timer, so a recycled coroutine that nests or sleeps again allocates nothing for them.
    /// </summary>
    private protected void ForgetFinishedRun() => _cold?.ResetKeepingBuffers();

    /// <summary>
    /// Makes a finished coroutine ready to run <paramref name="routine"/> (a detached coroutine leaving the pool, its
    /// side object already cleared by <see cref="ForgetFinishedRun"/>).
    /// </summary>
    private protected void ResetForReuse(IEnumerator routine, string? name, CancellationToken cancellationToken)
    {
        Debug.Assert(_state == CoroutineState.Finished && _depth == 0 && !_escaped, "Only a finished, unshared coroutine is reused.");
        SetCurrent(routine);
        _routineType = routine.GetType();
        Name = name;
        _stopRequested = false;
        _observed = false;
        if (cancellationToken.CanBeCanceled)
        {
            Cold.CancellationToken = cancellationToken;
        }
    }

    /// <summary>Completes <see cref="Completion"/>, if anyone asked for it, on the next iteration.</summary>
    private unsafe void PublishOutcome()
    {
        if (CompletionSource is not { } completionSource)
        {
            return; // nobody waits on it; GetCompletionTask completes it when first asked
        }

        if (_loop.IsStoppingCoroutines)
        {
            // Shutdown: the loop itself is the caller, with no user frames to re-enter, and few iterations are left.
            SetOutcome(completionSource);
            return;
        }

        // Not inline: a TaskCompletionSource completed on the loop thread runs await continuations synchronously, so an
        // awaiter's code would run inside Stop() (or a step, or a condition poll), in the middle of its caller.
        _loop.ScheduleLocal(WorkItem.FromStatic(&PublishCallback, this, null));
    }

    private static void PublishCallback(object target, object? state)
    {
        var self = (Coroutine)target;
        self.SetOutcome(self.CompletionSource!);
    }

    private static void DisposeQuietly(IEnumerator routine, ref List<Exception>? errors)
    {
        try
        {
            (routine as IDisposable)?.Dispose();
        }
        catch (Exception exception)
        {
            (errors ??= new List<Exception>()).Add(exception);
        }
    }

    private void ReportIfStillUnobserved()
    {
        if (!_observed)
        {
            _observed = true;
            _loop.ReportUnobservedFault(DescribeForDiagnostics(), Error!, UnobservedFaultAdvice);
        }
    }

    private void AddDependent(Coroutine waiter)
    {
        var cold = Cold;
        switch (cold.Dependents)
        {
            case null:
                cold.Dependents = waiter;
                break;
            case Coroutine single:
                cold.Dependents = new List<Coroutine> { single, waiter };
                break;
            default:
                ((List<Coroutine>)cold.Dependents).Add(waiter);
                break;
        }
    }

    private void WakeDependents()
    {
        // Scheduled, not run inline: a dependent's step must not run inside this coroutine's Stop() call.
        switch (_cold?.Dependents)
        {
            case Coroutine single:
                _loop.ScheduleLocal(single.ResumeItem);
                break;
            case List<Coroutine> many:
                foreach (var dependent in many)
                {
                    _loop.ScheduleLocal(dependent.ResumeItem);
                }

                break;
        }

        if (_cold is not null)
        {
            _cold.Dependents = null;
        }
    }

    // ───────────────────────────── Completion ─────────────────────────────

    /// <summary>True for <see cref="Coroutine{T}"/>: finishing without <see cref="Wait.Return{T}"/> is an error.</summary>
    private protected virtual bool RequiresReturnValue => false;

    /// <summary>The error for a <see cref="Wait.Return{T}"/> value this coroutine cannot produce, or null.</summary>
    private protected virtual Exception? CheckReturned(object returned) => null;

    private protected object? Returned => _cold?.Returned;

    private protected Exception? Error => _cold?.Error;

    private protected bool Canceled => _cold?.Canceled == true;

    private protected CancellationToken StopToken =>
        _cold is { CancellationToken.IsCancellationRequested: true } cold ? cold.CancellationToken : default;

    private protected object? CompletionSource => _cold?.CompletionSource;

    private ColdState Cold => _cold ??= new ColdState();

    private Task GetCompletionTask()
    {
        var cold = Cold;
        if (cold.CompletionSource is null)
        {
            cold.CompletionSource = CreateCompletionSource();
            if (_state == CoroutineState.Finished)
            {
                // Nothing can be waiting on a source created just now, so completing it here runs no continuation.
                // A source created before the end is completed by PublishOutcome's work item instead.
                SetOutcome(cold.CompletionSource);
            }
        }

        return CompletionTask(cold.CompletionSource);
    }

    private protected virtual object CreateCompletionSource() => new TaskCompletionSource();

    private protected virtual Task CompletionTask(object source) => ((TaskCompletionSource)source).Task;

    private protected virtual void SetOutcome(object source)
    {
        var completion = (TaskCompletionSource)source;
        if (Error is { } error)
        {
            completion.TrySetException(error);
        }
        else if (Canceled)
        {
            completion.TrySetCanceled(StopToken);
        }
        else
        {
            completion.TrySetResult();
        }
    }

    internal string Describe() => Name is null ? "(unnamed)" : $"'{Name}'";

    /// <summary>"coroutine" or "detached coroutine", first word of <see cref="DescribeForDiagnostics"/>.</summary>
    private protected virtual string KindForDiagnostics => "coroutine";

    /// <summary>What to do about a failure nobody observed, in the report; null for the loop's general advice.</summary>
    private protected virtual string? UnobservedFaultAdvice => null;

    /// <summary>"coroutine 'name' (N.T.Blink)", and the nested iterator it is in when that differs. Any thread (diagnostics).</summary>
    internal string DescribeForDiagnostics()
    {
        var outer = CallbackNames.StateMachineName(_routineType);
        var current = _current;
        var inner = current is EmptyRoutine || current.GetType() == _routineType ? null : CallbackNames.StateMachineName(current.GetType());
        return $"{KindForDiagnostics} {Describe()} ({outer}{(inner is null ? string.Empty : ", in " + inner)})";
    }

    /// <summary>A snapshot for <see cref="EventLoop.GetTaskInfos"/>. Loop thread only.</summary>
    internal TaskInfo GetInfo(TimeSpan now)
    {
        var current = _current;
        var method = CallbackNames.StateMachineName(_routineType);
        if (current is not EmptyRoutine && current.GetType() != _routineType)
        {
            method += " > " + CallbackNames.StateMachineName(current.GetType());
        }

        var waitingOn = _state == CoroutineState.Waiting && _waitKind == WaitKind.Task && _waitTarget is Task task
            ? (CallbackNames.AsyncMethodOf(task) ?? "a task") + (_depth > 0 ? $", {_depth + 1} iterators deep" : string.Empty)
            : WaitingOn;
        return new TaskInfo(
            TaskKind.Coroutine,
            Name,
            _state switch
            {
                CoroutineState.Scheduled => "scheduled",
                CoroutineState.Waiting => "waiting",
                CoroutineState.Finished => "finished",
                _ => "running",
            },
            method,
            waitingOn,
            now - _cold?.StartedAt,
            _state == CoroutineState.Waiting && _cold?.WaitSince is { } since ? now - since : null);
    }

    private string DescribeWait() => _waitKind switch
    {
        WaitKind.NextIteration => "the next iteration",
        WaitKind.Duration => $"Wait.For({TimeSpan.FromTicks(_waitValue)}) until {_cold!.Timer!.Deadline}",
        WaitKind.Until => "Wait.Until(condition)",
        WaitKind.While => "Wait.While(condition)",
        WaitKind.Frames => $"frame {_waitValue} (now {_loop.Frame})",
        WaitKind.Task => "a task",
        WaitKind.Coroutine => $"coroutine {((Coroutine)_waitTarget!).Describe()}",
        _ => "nothing",
    } + (_depth > 0 ? $", {_depth + 1} iterators deep" : string.Empty);

    private enum FinishKind
    {
        Completed,
        Returned,
        Faulted,
        Stopped,
    }

    /// <summary>The fields a coroutine needs only when it nests, sleeps, fails, is stopped, awaited or cancellable.</summary>
    private sealed class ColdState
    {
        public IEnumerator[]? Parents;
        public CoroutineTimer? Timer;
        public Exception? Error;
        public bool Canceled;
        public object? Returned;
        public object? CompletionSource;
        public object? Dependents;
        public CancellationToken CancellationToken;
        public CancellationTokenRegistration Registration;
        public TimeSpan? WaitSince;
        public TimeSpan? StartedAt;

        /// <summary>Clears the outcome, token and timestamps of a finished run; keeps the nesting buffer and the timer.</summary>
        public void ResetKeepingBuffers()
        {
            Error = null;
            Canceled = false;
            Returned = null;
            CompletionSource = null;
            Dependents = null;
            CancellationToken = default;
            Registration = default;
            WaitSince = null;
            StartedAt = null;
        }
    }

    /// <summary>Stands in for the iterator stack after a coroutine finished, so nothing keeps user iterators alive.</summary>
    private sealed class EmptyRoutine : IEnumerator
    {
        public static readonly EmptyRoutine Instance = new();

        public object? Current => null;

        public bool MoveNext() => false;

        public void Reset()
        {
        }
    }
}
