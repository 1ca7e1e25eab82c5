using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace CoopRuntime;

/// <summary>
/// A single-threaded event loop: it runs callbacks, timers and <c>await</c> continuations one at a time, on the one
/// thread that runs it, in the order they were scheduled.
/// </summary>
/// <remarks>
/// <para>Start a program with <see cref="Run(Func{Task}, EventLoopOptions?)"/> (like Python's <c>asyncio.run</c>):
/// it creates a loop on the calling thread, runs the main function until its task completes, shuts the loop down
/// and returns the result or throws the error. While a loop runs, its <see cref="LoopSynchronizationContext"/> is
/// installed, so every <c>await</c> in code it started resumes on the loop thread.</para>
/// <para>Thread rule: everything here is for the loop's own thread, except the members documented as thread-safe
/// (<see cref="CallSoonThreadSafe(Action)"/>, <see cref="Stop"/>, <see cref="SynchronizationContext"/>,
/// <see cref="TaskScheduler"/>, <see cref="IsRunning"/>, <see cref="IsClosed"/>). Calling the others from another
/// thread throws <see cref="WrongThreadException"/>. Until it first runs, the loop belongs to the thread that
/// created it; each run binds it to the running thread.</para>
/// </remarks>
[DebuggerDisplay("EventLoop {StateName,nq}, ready = {ReadyCount}, timers = {PendingTimerCount}")]
public sealed partial class EventLoop : IDisposable
{
    private const int Idle = 0;
    private const int Running = 1;
    private const int ShuttingDown = 2;
    private const int Closed = 3;

    // Pooled CallLater nodes kept beyond this are left to the GC: enough for steady state, bounded after a burst.
    private const int MaxPooledCallbackTimers = 1 << 16;

    // While callbacks are ready the loop does not block, and it asks the driver for ready I/O only after this many
    // callbacks have run (Tokio's "event interval"): a poll is a system call, and a chain of one-callback iterations
    // must not pay one per callback. I/O still cannot starve: at most this many callbacks run between polls.
    private const int CallbacksBetweenIoPolls = 64;

    [ThreadStatic]
    private static EventLoop? t_current;

    private readonly IClock _clock;
    private readonly VirtualClock? _virtualClock;
    private readonly Action<Exception>? _unhandledExceptionHandler;
    private readonly TimeSpan _shutdownTimeout;

    // Only the loop thread touches these four.
    private readonly ReadyQueue _ready = new();
    private readonly TimerQueue _timers = new();
    private readonly Stack<CallbackTimer> _callbackTimerPool = new();
    private readonly List<Exception> _errors = new();

    private readonly Inbox _inbox = new();
    private readonly IIoDriver _driver;
    private readonly LoopSynchronizationContext _synchronizationContext;
    private readonly LoopTaskScheduler _taskScheduler;
    private LoopTimeProvider? _timeProvider;

    private int _state;
    private volatile int _ownerThreadId;
    private volatile bool _stopRequested;
    private int _wakeRequested;
    private bool _shutdownTimedOut;
    private Task? _awaitedTask;

    // Frame clock (EventLoopOptions.FrameRate) and the once-per-iteration poller; loop thread only.
    private readonly FrameTicker? _frameTicker;
    private readonly TimeSpan _pollInterval;
    private Action? _iterationPoller;
    private bool _pollerJustArmed;
    private int _callbacksSinceIoPoll;

    /// <summary>Creates a loop. It does nothing until one of the run methods is called.</summary>
    /// <param name="options">Clock, error handling and shutdown settings; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="EventLoopOptions.ShutdownTimeout"/> or
    /// <see cref="EventLoopOptions.MaxPooledCoroutines"/> is negative.</exception>
    /// <exception cref="ArgumentException">The <see cref="VirtualClock"/> in <paramref name="options"/> already drives another loop.</exception>
    public EventLoop(EventLoopOptions? options = null)
    {
        options ??= new EventLoopOptions();
        if (options.ShutdownTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                options.ShutdownTimeout,
                "EventLoopOptions.ShutdownTimeout must be zero or positive.");
        }

        if (options.MaxPooledCoroutines < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                options.MaxPooledCoroutines,
                "EventLoopOptions.MaxPooledCoroutines must be zero (no pooling) or positive.");
        }

        if (options.PollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.PollInterval, "EventLoopOptions.PollInterval must be positive.");
        }

        if (options.FrameRate is { } rate && (!double.IsFinite(rate) || rate <= 0 || TimeSpan.TicksPerSecond / rate < 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                rate,
                "EventLoopOptions.FrameRate must be a positive, finite number of ticks per second (at most 10,000,000).");
        }

        _driver = CreateDriver(options.IoDriver);
        _clock = options.Clock ?? new MonotonicClock();
        _pollInterval = options.PollInterval;
        _virtualClock = _clock as VirtualClock;
        _virtualClock?.Attach(this);
        _unhandledExceptionHandler = options.UnhandledException;
        _shutdownTimeout = options.ShutdownTimeout;
        _maxPooledCoroutines = options.MaxPooledCoroutines;
        _ownerThreadId = Environment.CurrentManagedThreadId;
        InitializeDiagnostics(options);
        _synchronizationContext = new LoopSynchronizationContext(this);
        _taskScheduler = new LoopTaskScheduler(this);
        if (options.FrameRate is { } frameRate)
        {
            _frameTicker = new FrameTicker(this, TimeSpan.FromTicks((long)Math.Round(TimeSpan.TicksPerSecond / frameRate)));
            _frameTicker.Start();
        }
    }

    private IIoDriver CreateDriver(IoDriverKind kind) => kind switch
    {
        IoDriverKind.Automatic => EpollDriver.IsSupported ? new EpollDriver(this) : new PortableDriver(this),
        IoDriverKind.Epoll when EpollDriver.IsSupported => new EpollDriver(this),
        IoDriverKind.Epoll => throw new PlatformNotSupportedException(
            "EventLoopOptions.IoDriver is IoDriverKind.Epoll, which needs Linux on x86-64 or arm64. Use IoDriverKind.Automatic " +
            "to pick the best driver for this machine."),
        IoDriverKind.Portable => new PortableDriver(this),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "EventLoopOptions.IoDriver is not one of the IoDriverKind values."),
    };

    /// <summary>The loop running on the calling thread, or null when this thread runs none.</summary>
    public static EventLoop? Current => t_current;

    /// <summary>True while one of the run methods is executing. Thread-safe.</summary>
    public bool IsRunning => Volatile.Read(ref _state) == Running;

    /// <summary>True once the loop has been disposed; nothing can be scheduled on it any more. Thread-safe.</summary>
    public bool IsClosed => Volatile.Read(ref _state) == Closed;

    /// <summary>The current reading of the loop's clock (see <see cref="EventLoopOptions.Clock"/>).</summary>
    public TimeSpan Now => _clock.Now;

    /// <summary>The loop's clock.</summary>
    public IClock Clock => _clock;

    /// <summary>
    /// A <see cref="System.TimeProvider"/> on loop time: its timers are loop timers whose callbacks run on the loop
    /// thread, so <c>Task.Delay(t, loop.TimeProvider)</c>, <c>new CancellationTokenSource(t, loop.TimeProvider)</c>
    /// and <c>task.WaitAsync(t, loop.TimeProvider)</c> follow a <see cref="VirtualClock"/>.
    /// </summary>
    public TimeProvider TimeProvider => _timeProvider ??= new LoopTimeProvider(this);

    /// <summary>The loop's <see cref="System.Threading.SynchronizationContext"/>, installed on the loop thread while it runs. Thread-safe.</summary>
    public LoopSynchronizationContext SynchronizationContext => _synchronizationContext;

    /// <summary>A <see cref="System.Threading.Tasks.TaskScheduler"/> that runs tasks on this loop, one at a time. Thread-safe.</summary>
    public TaskScheduler TaskScheduler => _taskScheduler;

    /// <summary>
    /// How many ticks the frame clock has counted (see <see cref="EventLoopOptions.FrameRate"/>); zero without one.
    /// </summary>
    public long Frame => _frameTicker?.Frame ?? 0;

    internal FrameTicker? FrameTicker => _frameTicker;

    /// <summary>How many iterations the loop has begun; lets "not before the next iteration" rules compare numbers.</summary>
    internal long Iteration { get; private set; }

    internal int ReadyCount => _ready.Count;

    /// <summary>The I/O driver this loop waits on; the networking layer gets its sockets from it.</summary>
    internal IIoDriver Driver => _driver;

    /// <summary>Which I/O driver this loop uses (see <see cref="EventLoopOptions.IoDriver"/>).</summary>
    public IoDriverKind IoDriver => _driver is EpollDriver ? IoDriverKind.Epoll : IoDriverKind.Portable;

    internal int PendingTimerCount => _timers.LiveCount;

    private string StateName => Volatile.Read(ref _state) switch
    {
        Idle => "idle",
        Running => "running",
        ShuttingDown => "shutting down",
        _ => "closed",
    };

    // ───────────────────────────── Running ─────────────────────────────

    /// <summary>
    /// Runs <paramref name="main"/> on a new loop on this thread until its task completes, then shuts the loop down
    /// (spawned tasks are cancelled and awaited) and closes it. Like Python's <c>asyncio.run</c>.
    /// </summary>
    /// <param name="main">The program. It starts on the loop thread, and its awaits resume there.</param>
    /// <param name="options">Loop settings; null for the defaults.</param>
    /// <exception cref="InvalidOperationException">This thread already runs a loop.</exception>
    /// <exception cref="KeyboardInterruptException">Ctrl+C (SIGINT) interrupted the run (see
    /// <see cref="Run(Func{CancellationToken, Task}, EventLoopOptions?)"/>, whose main can observe it).</exception>
    /// <remarks>Throws what <paramref name="main"/> throws, with its original stack trace. If shutdown also reports
    /// errors, they are thrown together as an <see cref="AggregateException"/>, main's error first.</remarks>
    public static void Run(Func<Task> main, EventLoopOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        RunProgram(options, interrupt => UntilInterrupted(main, interrupt));
    }

    /// <summary>Like <see cref="Run(Func{Task}, EventLoopOptions?)"/>, returning main's result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="main">The program. It starts on the loop thread, and its awaits resume there.</param>
    /// <param name="options">Loop settings; null for the defaults.</param>
    /// <returns>What <paramref name="main"/>'s task returned.</returns>
    /// <exception cref="InvalidOperationException">This thread already runs a loop.</exception>
    public static T Run<T>(Func<Task<T>> main, EventLoopOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        var task = (Task<T>)RunProgram(options, interrupt => UntilInterrupted(main, interrupt));
        return task.Result;
    }

    private static Task RunThenClose(EventLoop loop, Func<Task> main)
    {
        Task task;
        try
        {
            task = loop.RunUntilCompleteCore(main, null);
        }
        catch (Exception mainFailure)
        {
            var shutdownErrors = loop.Close();
            if (shutdownErrors.Count == 0)
            {
                throw;
            }

            shutdownErrors.Insert(0, mainFailure);
            throw new AggregateException("The loop's main function failed, and shutdown reported more errors.", shutdownErrors);
        }

        ThrowIfAny(loop.Close());
        return task;
    }

    /// <summary>Runs the loop until the task that <paramref name="main"/> returns completes.</summary>
    /// <param name="main">Called on the loop thread once the loop runs.</param>
    /// <exception cref="InvalidOperationException">The loop is already running, this thread runs another loop,
    /// or <see cref="Stop"/> ended the run before the task completed.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void RunUntilComplete(Func<Task> main)
    {
        ArgumentNullException.ThrowIfNull(main);
        RunUntilCompleteCore(main, null);
    }

    /// <summary>Runs the loop until the task that <paramref name="main"/> returns completes, and returns its result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="main">Called on the loop thread once the loop runs.</param>
    /// <returns>The task's result.</returns>
    /// <exception cref="InvalidOperationException">The loop is already running, this thread runs another loop,
    /// or <see cref="Stop"/> ended the run before the task completed.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public T RunUntilComplete<T>(Func<Task<T>> main)
    {
        ArgumentNullException.ThrowIfNull(main);
        return ((Task<T>)RunUntilCompleteCore(main, null)).Result;
    }

    /// <summary>Runs the loop until <paramref name="task"/> completes; rethrows its exception if it failed.</summary>
    /// <param name="task">The task to wait for; it may have been started anywhere.</param>
    /// <exception cref="InvalidOperationException">The loop is already running, this thread runs another loop,
    /// or <see cref="Stop"/> ended the run before the task completed.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void RunUntilComplete(Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        RunUntilCompleteCore(null, task);
    }

    /// <summary>Runs the loop until <see cref="Stop"/> is called (or an unhandled error stops it).</summary>
    /// <exception cref="InvalidOperationException">The loop is already running, or this thread runs another loop.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void RunForever()
    {
        var previousContext = EnterRun(nameof(RunForever), Running);
        try
        {
            RunIterations();
        }
        finally
        {
            ExitRun(previousContext, Idle);
        }

        ThrowIfAny(TakeErrors());
    }

    /// <summary>
    /// Asks the loop to return from the run method once the current iteration ends. Thread-safe. A stop requested
    /// while the loop is not running makes the next run do one iteration and return.
    /// </summary>
    public void Stop()
    {
        _stopRequested = true;
        if (!IsOnLoopThread)
        {
            // On the loop thread the next wait sees the flag and does not block; elsewhere the loop may be blocked.
            WakeFromAnyThread();
        }
    }

    private Task RunUntilCompleteCore(Func<Task>? main, Task? task)
    {
        var previousContext = EnterRun(nameof(RunUntilComplete), Running);
        try
        {
            task ??= StartMain(main!);
            if (!task.IsCompleted)
            {
                // Published before the continuation is registered, so a task that completes on another thread in
                // between still finds itself awaited and stops the run.
                Volatile.Write(ref _awaitedTask, task);
                // Inline on whatever thread completes the task (an awaiter would be bounced through the thread pool
                // while the loop's context is current, and the loop would run on past main's end). Stop is
                // thread-safe; the check keeps a continuation from an earlier run from stopping a later one.
                task.ContinueWith(
                    static (completed, loop) =>
                    {
                        var self = (EventLoop)loop!;
                        if (ReferenceEquals(Volatile.Read(ref self._awaitedTask), completed))
                        {
                            self.Stop();
                        }
                    },
                    this,
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
                RunIterations();
            }
        }
        finally
        {
            Volatile.Write(ref _awaitedTask, null);
            ExitRun(previousContext, Idle);
        }

        var errors = TakeErrors();
        if (errors.Count > 0)
        {
            if (task.IsFaulted)
            {
                errors.Insert(0, task.Exception!.InnerException!);
            }

            ThrowIfAny(errors);
        }

        if (!task.IsCompleted)
        {
            throw new InvalidOperationException(
                "The loop was stopped before the task passed to RunUntilComplete completed. " +
                "Call RunUntilComplete again to keep waiting for it, or do not call Stop() while it runs.");
        }

        task.GetAwaiter().GetResult();
        return task;
    }

    private static Task StartMain(Func<Task> main)
    {
        try
        {
            return main() ?? throw new InvalidOperationException("The main function returned null instead of a Task.");
        }
        catch (Exception exception)
        {
            return Task.FromException(exception);
        }
    }

    private SynchronizationContext? EnterRun(string member, int newState)
    {
        if (t_current is not null)
        {
            throw new InvalidOperationException(
                $"{member} was called on a thread that is already running an EventLoop. Loops do not nest: " +
                "await the work instead of running a loop inside a loop callback, or run the second loop on another thread.");
        }

        var previous = Interlocked.CompareExchange(ref _state, newState, Idle);
        if (previous != Idle)
        {
            if (previous == Closed)
            {
                ThrowClosed();
            }

            throw new InvalidOperationException($"{member} was called while the loop is already running; a loop runs on one thread at a time.");
        }

        _ownerThreadId = Environment.CurrentManagedThreadId;
        t_current = this;
        var previousContext = System.Threading.SynchronizationContext.Current;
        System.Threading.SynchronizationContext.SetSynchronizationContext(_synchronizationContext);
        return previousContext;
    }

    private void ExitRun(SynchronizationContext? previousContext, int newState)
    {
        System.Threading.SynchronizationContext.SetSynchronizationContext(previousContext);
        t_current = null;
        _stopRequested = false;
        Volatile.Write(ref _state, newState);
    }

    private void RunIterations()
    {
        do
        {
            RunOnce();
        }
        while (!_stopRequested);
    }

    /// <summary>
    /// One iteration of the loop. This method is the event loop; everything else schedules work for it.
    /// </summary>
    private void RunOnce()
    {
        Iteration++;

        // 1. Wait for something to do: not at all when work is ready (then only collect ready I/O, every
        //    CallbacksBetweenIoPolls callbacks); otherwise until the next timer is due, another thread posts, or the
        //    driver reports I/O (a zero wait when a stop is pending or a virtual clock is about to jump: I/O that is
        //    ready still counts). Completed I/O queues its continuations for this iteration's batch.
        var timeout = ComputeWaitTimeout();
        if (_ready.Count == 0 || (_callbacksSinceIoPoll >= CallbacksBetweenIoPolls && _driver.HasPendingIo))
        {
            _callbacksSinceIoPoll = 0;
            if (_diagnostics is not { } diagnostics)
            {
                _driver.Wait(timeout);
            }
            else
            {
                WaitWithDiagnostics(diagnostics, timeout);
            }
        }

        // Clear the wake flag before draining: a post that lands after the drain sees the flag clear and signals
        // the driver again, so the next wait returns at once. A post before the drain is drained now.
        Volatile.Write(ref _wakeRequested, 0);
        _inbox.DrainInto(_ready);

        // 2. Move due timers into the ready queue, in (deadline, scheduling order).
        var idle = _ready.Count == 0 && !_pollerJustArmed;
        _pollerJustArmed = false;
        if (_timers.LiveCount > 0)
        {
            var now = _clock.Now;
            if (idle && _virtualClock is { AutoAdvance: true } && _timers.TryPeekDeadline(out var next) && next > now)
            {
                // Idle under a virtual clock: nothing can happen before the next timer, so jump to it (or, while
                // conditions are polled, by at most one poll interval so they are re-checked as often as in real time).
                if (_iterationPoller is not null && next - now > _pollInterval)
                {
                    next = now + _pollInterval;
                }

                _virtualClock.AdvanceTo(next);
                now = next;
            }

            _timers.MoveDue(now, _ready);
        }
        else if (idle && _iterationPoller is not null && _virtualClock is { AutoAdvance: true })
        {
            _virtualClock.AdvanceTo(_clock.Now + _pollInterval);
        }

        // Things that are checked once per iteration (coroutine conditions) go last in this batch.
        if (_iterationPoller is { } poller)
        {
            _ready.Enqueue(WorkItem.From(poller));
        }

        // 3. Run exactly the callbacks that are ready now. What they schedule waits for the next iteration, so a
        //    callback that keeps rescheduling itself cannot starve timers, other threads or I/O (asyncio's rule).
        _callbacksSinceIoPoll += _ready.Count;
        if (_diagnostics is not { } batchDiagnostics)
        {
            RunBatch(_ready.Count);
        }
        else
        {
            // Timed, published for the watchdog, or both (Diagnostics/EventLoop.Diagnostics.cs).
            RunBatchWithDiagnostics(batchDiagnostics, _ready.Count);
        }
    }

    private TimeSpan ComputeWaitTimeout()
    {
        if (_ready.Count > 0 || _stopRequested || _inbox.HasPending || _pollerJustArmed)
        {
            return TimeSpan.Zero;
        }

        if (!_timers.TryPeekDeadline(out var deadline))
        {
            if (_iterationPoller is null)
            {
                return Timeout.InfiniteTimeSpan;
            }

            deadline = _clock.Now + _pollInterval;
        }

        var remaining = deadline - _clock.Now;
        if (_iterationPoller is not null && remaining > _pollInterval)
        {
            // Polled conditions are re-checked at least once per poll interval, never in a busy loop.
            remaining = _pollInterval;
        }

        if (remaining <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        if (_virtualClock is null)
        {
            return remaining;
        }

        // Virtual time does not pass while we block: either give other threads the configured real-time grace
        // before jumping, or (manual mode) wait until Advance wakes us.
        return _virtualClock.AutoAdvance ? _virtualClock.AutoAdvanceThreshold : Timeout.InfiniteTimeSpan;
    }

    private void RunBatch(int count)
    {
        while (count > 0)
        {
            // The try block is outside the inner loop: entering it costs nothing per callback, and after an
            // exception the batch resumes with the next callback.
            try
            {
                do
                {
                    count--;
                    _ready.Dequeue().Invoke();
                }
                while (count > 0);
            }
            catch (Exception exception)
            {
                ReportUnhandledException(exception);
            }
        }
    }

    /// <summary>
    /// Hands an exception that nobody else can observe to <see cref="EventLoopOptions.UnhandledException"/>, or by
    /// default records it and stops the loop so that the run method throws it. Loop thread only.
    /// </summary>
    internal void ReportUnhandledException(Exception exception, bool logged = false)
    {
        if (!logged)
        {
            LogUnhandledException(exception);
        }

        if (_unhandledExceptionHandler is { } handler)
        {
            try
            {
                handler(exception);
                return;
            }
            catch (Exception handlerFailure)
            {
                exception = handlerFailure;
            }
        }

        _errors.Add(exception);
        _stopRequested = true;
    }

    private List<Exception> TakeErrors()
    {
        var errors = new List<Exception>(_errors);
        _errors.Clear();
        return errors;
    }

    private static void ThrowIfAny(List<Exception> errors)
    {
        if (errors.Count == 1)
        {
            ExceptionDispatchInfo.Throw(errors[0]);
        }

        if (errors.Count > 1)
        {
            throw new AggregateException("The event loop stopped on more than one unhandled exception.", errors);
        }
    }

    // ───────────────────────────── Scheduling ─────────────────────────────

    /// <summary>Schedules <paramref name="callback"/> to run on the next iteration, after everything already scheduled.</summary>
    /// <param name="callback">What to run on the loop thread.</param>
    /// <exception cref="WrongThreadException">Called off the loop thread; use <see cref="CallSoonThreadSafe(Action)"/> there.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void CallSoon(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        VerifyThreadAndOpen(nameof(CallSoon));
        _ready.Enqueue(WorkItem.From(callback));
    }

    /// <summary>
    /// Schedules <paramref name="callback"/> with <paramref name="state"/> to run on the next iteration. With a static
    /// lambda and a reference-type state this allocates nothing.
    /// </summary>
    /// <typeparam name="TState">The state's type; a value type is boxed.</typeparam>
    /// <param name="callback">What to run on the loop thread.</param>
    /// <param name="state">Passed to <paramref name="callback"/>.</param>
    /// <exception cref="WrongThreadException">Called off the loop thread; use <see cref="CallSoonThreadSafe{TState}(Action{TState}, TState)"/> there.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void CallSoon<TState>(Action<TState> callback, TState state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        VerifyThreadAndOpen(nameof(CallSoon));
        _ready.Enqueue(WorkItem.From(callback, state));
    }

    /// <summary>Schedules <paramref name="callback"/> from any thread, waking the loop if it is waiting. Thread-safe.</summary>
    /// <param name="callback">What to run on the loop thread.</param>
    /// <exception cref="ObjectDisposedException">The loop is closed: the callback will never run.</exception>
    public void CallSoonThreadSafe(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ScheduleFromAnyThread(WorkItem.From(callback));
    }

    /// <summary>Schedules <paramref name="callback"/> with <paramref name="state"/> from any thread, waking the loop. Thread-safe.</summary>
    /// <typeparam name="TState">The state's type; a value type is boxed.</typeparam>
    /// <param name="callback">What to run on the loop thread.</param>
    /// <param name="state">Passed to <paramref name="callback"/>.</param>
    /// <exception cref="ObjectDisposedException">The loop is closed: the callback will never run.</exception>
    public void CallSoonThreadSafe<TState>(Action<TState> callback, TState state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ScheduleFromAnyThread(WorkItem.From(callback, state));
    }

    /// <summary>Schedules <paramref name="callback"/> to run once <paramref name="delay"/> of loop time has passed.</summary>
    /// <param name="delay">Zero or positive; zero runs it on the next iteration's timer pass.</param>
    /// <param name="callback">What to run on the loop thread.</param>
    /// <returns>A handle that cancels the callback in O(1).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative (including <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public TimerHandle CallLater(TimeSpan delay, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        VerifyThreadAndOpen(nameof(CallLater));
        return ScheduleCallback(DeadlineAfter(delay, nameof(delay)), WorkItem.From(callback));
    }

    /// <summary>Schedules <paramref name="callback"/> with <paramref name="state"/> to run once <paramref name="delay"/> has passed.</summary>
    /// <typeparam name="TState">The state's type; a value type is boxed.</typeparam>
    /// <param name="delay">Zero or positive.</param>
    /// <param name="callback">What to run on the loop thread.</param>
    /// <param name="state">Passed to <paramref name="callback"/>.</param>
    /// <returns>A handle that cancels the callback in O(1).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public TimerHandle CallLater<TState>(TimeSpan delay, Action<TState> callback, TState state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        VerifyThreadAndOpen(nameof(CallLater));
        return ScheduleCallback(DeadlineAfter(delay, nameof(delay)), WorkItem.From(callback, state));
    }

    /// <summary>Schedules <paramref name="callback"/> to run when the loop clock reaches <paramref name="deadline"/>.</summary>
    /// <param name="deadline">A reading of <see cref="Now"/>; a deadline in the past runs on the next timer pass.</param>
    /// <param name="callback">What to run on the loop thread.</param>
    /// <returns>A handle that cancels the callback in O(1).</returns>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public TimerHandle CallAt(TimeSpan deadline, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        VerifyThreadAndOpen(nameof(CallAt));
        return ScheduleCallback(deadline, WorkItem.From(callback));
    }

    /// <summary>Schedules <paramref name="callback"/> with <paramref name="state"/> to run when the loop clock reaches <paramref name="deadline"/>.</summary>
    /// <typeparam name="TState">The state's type; a value type is boxed.</typeparam>
    /// <param name="deadline">A reading of <see cref="Now"/>; a deadline in the past runs on the next timer pass.</param>
    /// <param name="callback">What to run on the loop thread.</param>
    /// <param name="state">Passed to <paramref name="callback"/>.</param>
    /// <returns>A handle that cancels the callback in O(1).</returns>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public TimerHandle CallAt<TState>(TimeSpan deadline, Action<TState> callback, TState state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        VerifyThreadAndOpen(nameof(CallAt));
        return ScheduleCallback(deadline, WorkItem.From(callback, state));
    }

    private TimerHandle ScheduleCallback(TimeSpan deadline, in WorkItem work)
    {
        var node = _callbackTimerPool.Count > 0 ? _callbackTimerPool.Pop() : new CallbackTimer(this);
        node.Arm(work);
        _timers.Schedule(node, deadline);
        return new TimerHandle(node);
    }

    internal void ReturnCallbackTimer(CallbackTimer node)
    {
        if (_callbackTimerPool.Count < MaxPooledCallbackTimers)
        {
            _callbackTimerPool.Push(node);
        }
    }

    /// <summary>The deadline <paramref name="delay"/> from now, saturating instead of overflowing.</summary>
    internal TimeSpan DeadlineAfter(TimeSpan delay, string parameterName)
    {
        if (delay < TimeSpan.Zero)
        {
            ThrowNegativeDelay(delay, parameterName);
        }

        var now = _clock.Now;
        return delay > TimeSpan.MaxValue - now ? TimeSpan.MaxValue : now + delay;
    }

    /// <summary>
    /// Sets (or clears, with null) the one callback the loop runs at the end of every iteration's batch. While one is
    /// set, the loop never blocks longer than <see cref="EventLoopOptions.PollInterval"/>. Loop thread only.
    /// </summary>
    internal void SetIterationPoller(Action? poller)
    {
        // A newly armed poller runs on the very next iteration, without the loop first blocking or jumping time:
        // what it checks may already hold.
        _pollerJustArmed = poller is not null && _iterationPoller is null;
        _iterationPoller = poller;
    }

    /// <summary>Adds a runtime timer node (sleeps, TimeProvider timers). Loop thread only.</summary>
    internal void ScheduleTimer(TimerNode node, TimeSpan deadline) => _timers.Schedule(node, deadline);

    /// <summary>Cancels a runtime timer node in O(1). Loop thread only.</summary>
    internal bool CancelTimer(TimerNode node) => _timers.Cancel(node);

    /// <summary>Enqueues work for the next iteration. Loop thread only; the caller has checked the thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void ScheduleLocal(in WorkItem work) => _ready.Enqueue(work);

    /// <summary>Enqueues work from any thread: directly when already on the loop thread, otherwise through the inbox.</summary>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    internal void ScheduleFromAnyThread(in WorkItem work)
    {
        if (!TryScheduleFromAnyThread(work))
        {
            ThrowClosed();
        }
    }

    /// <summary>Like <see cref="ScheduleFromAnyThread"/>, but reports a closed loop by returning false.</summary>
    internal bool TryScheduleFromAnyThread(in WorkItem work)
    {
        if (Environment.CurrentManagedThreadId == _ownerThreadId && Volatile.Read(ref _state) != Closed)
        {
            _ready.Enqueue(work);
            return true;
        }

        if (!_inbox.TryEnqueue(work))
        {
            return false;
        }

        WakeFromAnyThread();
        return true;
    }

    /// <summary>Makes a waiting loop return from its wait. Thread-safe; a burst of calls costs one driver signal.</summary>
    internal void WakeFromAnyThread()
    {
        if (Interlocked.Exchange(ref _wakeRequested, 1) == 0)
        {
            _driver.Wake();
        }
    }

    /// <summary>True when the caller is on the thread that owns this loop.</summary>
    internal bool IsOnLoopThread => Environment.CurrentManagedThreadId == _ownerThreadId;

    /// <summary>Throws <see cref="WrongThreadException"/> unless called on the loop's thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void VerifyThread(string member)
    {
        if (Environment.CurrentManagedThreadId != _ownerThreadId)
        {
            ThrowWrongThread(member);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void VerifyThreadAndOpen(string member)
    {
        if (Environment.CurrentManagedThreadId != _ownerThreadId)
        {
            ThrowWrongThread(member);
        }

        if (Volatile.Read(ref _state) == Closed)
        {
            ThrowClosed();
        }
    }

    /// <summary>Like <see cref="VerifyThread(string)"/>, for members of other loop-bound types; the name is only formatted on failure.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void VerifyThread(string typeName, string member)
    {
        if (Environment.CurrentManagedThreadId != _ownerThreadId)
        {
            ThrowWrongThread(member, typeName);
        }
    }

    [DoesNotReturn]
    private void ThrowWrongThread(string member, string typeName = nameof(EventLoop)) =>
        throw new WrongThreadException(
            $"{typeName}.{member} was called from thread {Environment.CurrentManagedThreadId}, but this loop belongs to thread " +
            $"{_ownerThreadId}. From other threads use loop.CallSoonThreadSafe(...), loop.SynchronizationContext.Post(...), " +
            "or Task.Factory.StartNew(..., loop.TaskScheduler).");

    [DoesNotReturn]
    internal static void ThrowClosed() =>
        throw new ObjectDisposedException(
            nameof(EventLoop),
            "The event loop is closed: nothing can be scheduled on it any more. Schedule work before the loop shuts down, " +
            "or create a new EventLoop.");

    [DoesNotReturn]
    private static void ThrowNegativeDelay(TimeSpan delay, string parameterName) =>
        throw new ArgumentOutOfRangeException(
            parameterName,
            delay,
            "The delay must be zero or positive. Use TimeSpan.Zero to run on the next iteration.");

    /// <summary>The loop running on this thread, or a clear error naming the member that needed it.</summary>
    internal static EventLoop RequireCurrent(string member) =>
        t_current ?? throw new InvalidOperationException(
            $"{member} needs an EventLoop running on this thread, and there is none. Call it from code the loop runs " +
            "(inside EventLoop.Run(...)), or from a thread with a running loop.");

    // ───────────────────────────── Shutdown ─────────────────────────────

    /// <summary>
    /// Shuts the loop down and closes it: spawned tasks are cancelled and awaited (up to
    /// <see cref="EventLoopOptions.ShutdownTimeout"/> of loop time), pending <c>async void</c> methods are waited for
    /// within the same bound, the last cross-thread posts run, and everything later is refused. Calling it again
    /// does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">The loop is running; call <see cref="Stop"/> and dispose it after the run returns.</exception>
    /// <remarks>Errors reported during shutdown (a task that failed while being cancelled, tasks that ignored
    /// cancellation) are thrown from here, as the run methods would, unless an
    /// <see cref="EventLoopOptions.UnhandledException"/> handler takes them.</remarks>
    public void Dispose() => ThrowIfAny(Close());

    private List<Exception> Close()
    {
        if (Volatile.Read(ref _state) == Closed)
        {
            return new List<Exception>();
        }

        if (t_current == this)
        {
            throw new InvalidOperationException(
                "Dispose was called from code running on the loop itself. Call Stop() there, and dispose the loop after its run method returns.");
        }

        var previousContext = EnterRun(nameof(Dispose), ShuttingDown);
        try
        {
            WaitForLeftoverWork();
        }
        finally
        {
            CloseSignalHandlers();

            // The last posts from other threads still run; from here on, every post is refused loudly.
            _inbox.Close();
            _inbox.DrainInto(_ready);
            RunBatch(_ready.Count);
            if (_ready.Count > 0)
            {
                ReportUnhandledException(new InvalidOperationException(
                    $"{_ready.Count} callback(s) were scheduled while the loop was closing and never ran. " +
                    "Work that must finish should be awaited by main or by a spawned task before the loop closes."));
                _ready.Clear();
            }

            ExitRun(previousContext, Closed);
            _driver.Dispose();
            _detachedPool.Clear(); // a closed loop starts no more coroutines
            _virtualClock?.Detach(this);
            ShutdownDiagnostics();
        }

        return TakeErrors();
    }

    private void WaitForLeftoverWork()
    {
        StopAllCoroutines();
        CancelAllSpawnedTasks();
        if (!HasLeftoverWork)
        {
            return;
        }

        _shutdownTimedOut = false;
        var guard = ScheduleCallback(DeadlineAfter(_shutdownTimeout, nameof(EventLoopOptions.ShutdownTimeout)), WorkItem.From(
            static loop => loop._shutdownTimedOut = true,
            this));
        while (HasLeftoverWork && !_shutdownTimedOut)
        {
            // Errors during shutdown are collected, not a reason to stop waiting for the rest.
            _stopRequested = false;
            RunOnce();
        }

        guard.Cancel();
        if (HasLeftoverWork)
        {
            ReportUnhandledException(new TimeoutException(
                $"Shutdown gave up after {_shutdownTimeout} of loop time; still running after cancellation: {DescribeLeftoverWork()}. " +
                "Make long-running work observe its CancellationToken, or raise EventLoopOptions.ShutdownTimeout."));
        }
    }

    private bool IsShuttingDown => Volatile.Read(ref _state) == ShuttingDown;

    private bool HasLeftoverWork => LiveTaskCount > 0 || _synchronizationContext.OutstandingOperations > 0;

    private string DescribeLeftoverWork()
    {
        var parts = new List<string>();
        if (LiveTaskCount > 0)
        {
            parts.Add($"{LiveTaskCount} spawned task(s) ({DescribeLiveTasks()})");
        }

        if (_synchronizationContext.OutstandingOperations > 0)
        {
            parts.Add($"{_synchronizationContext.OutstandingOperations} async void method(s)");
        }

        return string.Join(" and ", parts);
    }
}
