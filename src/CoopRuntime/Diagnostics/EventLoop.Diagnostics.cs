using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CoopRuntime;

// Diagnostics on the loop: its name, debug mode (slow callbacks, named unobserved faults, blocking waits), the stall
// watchdog's view, metrics counters and the task dump. Kept apart from Loop/EventLoop.cs: the core only calls in here
// when _diagnostics is set, once per iteration, so without diagnostics the loop runs exactly its plain paths.
public sealed partial class EventLoop
{
    private static int s_loopCount;

    private string _name = string.Empty;
    private DiagnosticSinks _sinks = null!;
    private TimeSpan _slowCallbackThreshold;
    private TimeSpan _stallThreshold;
    private bool _debug;

    // Null unless debug mode, the watchdog, or a metrics collection needs it. RunOnce reads it twice per iteration (a
    // plain read: a collector thread may set it, and the loop picks that up on a later iteration).
    private LoopDiagnostics? _diagnostics;

    // Callbacks run, counted per batch on the diagnostics path only (from the first metrics collection on, or from the
    // start in debug mode or under the watchdog), so the plain path does not even pay an addition per iteration.
    private long _callbacksRun;

    /// <summary>
    /// The loop's name (<see cref="EventLoopOptions.Name"/>, or <c>loop-N</c>): used in diagnostics, logs and the
    /// <c>loop</c> tag of its metrics. Thread-safe.
    /// </summary>
    public string Name => _name;

    /// <summary>True in debug mode (<see cref="EventLoopOptions.Debug"/>). Thread-safe.</summary>
    public bool IsDebug => _debug;

    /// <summary>True while the loop runs iterations: a run method or shutdown. Thread-safe.</summary>
    internal bool IsActive => Volatile.Read(ref _state) is Running or ShuttingDown;

    internal long CallbacksRun => Volatile.Read(ref _callbacksRun);

    internal int LiveCoroutineCount => _liveCoroutines.Count;

    internal int OpenSocketCount => _driver.OpenSocketCount;

    internal double IoWaitSeconds =>
        Volatile.Read(ref _diagnostics) is { } diagnostics ? LoopDiagnostics.FromStopwatchTicks(diagnostics.IoWaitTicks).TotalSeconds : 0;

    /// <summary>Blocking waits on the loop thread longer than this throw (debug mode); -1 when they are not watched.</summary>
    internal int BlockingWaitLimitMilliseconds { get; private set; } = -1;

    /// <summary>True when the loop thread is inside the driver's wait (only tracked while diagnostics are on).</summary>
    internal bool IsInDriverWait => Volatile.Read(ref _diagnostics) is { InDriverWait: true };

    private void InitializeDiagnostics(EventLoopOptions options)
    {
        if (options.SlowCallbackThreshold <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SlowCallbackThreshold, "EventLoopOptions.SlowCallbackThreshold must be positive.");
        }

        if (options.StallThreshold <= TimeSpan.Zero || options.StallThreshold.TotalMilliseconds >= int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.StallThreshold, "EventLoopOptions.StallThreshold must be positive and below 24 days.");
        }

        _name = options.Name ?? $"loop-{Interlocked.Increment(ref s_loopCount)}";
        _sinks = new DiagnosticSinks(_name, options.Logger, options.DiagnosticReported);
        _debug = options.Debug;
        _slowCallbackThreshold = options.SlowCallbackThreshold;
        _stallThreshold = options.StallThreshold;
        var watchdog = options.StallWatchdog ?? options.Debug;
        if (options.Debug)
        {
            BlockingWaitLimitMilliseconds = (int)Math.Ceiling(options.StallThreshold.TotalMilliseconds);
        }

        if (options.Debug || watchdog)
        {
            _diagnostics = new LoopDiagnostics(this, _sinks, options.Debug, options.SlowCallbackThreshold, watchdog, options.StallThreshold);
            if (watchdog)
            {
                StallWatchdog.Add(_diagnostics);
            }
        }

        LoopMetrics.Add(this);
    }

    /// <summary>Called by a metrics collection (any thread): from now on the loop measures I/O wait and iteration time.</summary>
    internal void EnableTimingsFromAnyThread()
    {
        if (Volatile.Read(ref _diagnostics) is null)
        {
            Interlocked.CompareExchange(
                ref _diagnostics,
                new LoopDiagnostics(this, _sinks, debug: false, _slowCallbackThreshold, watchdog: false, _stallThreshold),
                null);
        }
    }

    private void ShutdownDiagnostics()
    {
        LoopMetrics.Remove(this);
        if (Volatile.Read(ref _diagnostics) is { Watchdog: true } diagnostics)
        {
            StallWatchdog.Remove(diagnostics);
        }
    }

    // ───────────────────────────── The instrumented paths ─────────────────────────────

    private void WaitWithDiagnostics(LoopDiagnostics diagnostics, TimeSpan timeout)
    {
        diagnostics.EnterDriverWait();
        var start = Stopwatch.GetTimestamp();
        try
        {
            _driver.Wait(timeout);
        }
        finally
        {
            var end = Stopwatch.GetTimestamp();
            diagnostics.ExitDriverWait(end - start);
            diagnostics.BeginIteration(end);
        }
    }

    /// <summary>
    /// <see cref="RunBatch"/> with diagnostics: in debug mode or under the watchdog every callback is published (so a
    /// stall report can name it) and, in debug mode, timed; then the iteration's duration goes to the histogram.
    /// </summary>
    private void RunBatchWithDiagnostics(LoopDiagnostics diagnostics, int count)
    {
        _callbacksRun += count;
        if (!diagnostics.PerCallback)
        {
            RunBatch(count);
        }
        else
        {
            while (count > 0)
            {
                try
                {
                    do
                    {
                        count--;
                        RunOneWithDiagnostics(diagnostics, _ready.Dequeue());
                    }
                    while (count > 0);
                }
                catch (Exception exception)
                {
                    ReportUnhandledException(exception);
                }
            }

            diagnostics.ExitCallbacks();
        }

        var end = Stopwatch.GetTimestamp();
        if (LoopMetrics.IterationDuration is { Enabled: true } histogram)
        {
            histogram.Record(
                LoopDiagnostics.FromStopwatchTicks(end - diagnostics.IterationStart).TotalSeconds,
                new KeyValuePair<string, object?>(LoopMetrics.LoopTag, _name));
        }

        diagnostics.BeginIteration(end);
    }

    private void RunOneWithDiagnostics(LoopDiagnostics diagnostics, WorkItem item)
    {
        // Timer items would forget their callback when they fire: look through them first.
        var callback = item.Callback;
        var state = item.State;
        if (callback is TimerNode node)
        {
            node.GetTarget(out var target, out state);
            callback = target ?? node;
        }

        diagnostics.EnterCallback(callback, state);
        var start = Stopwatch.GetTimestamp();
        item.Invoke();
        var elapsed = Stopwatch.GetTimestamp() - start;
        if (elapsed > diagnostics.SlowCallbackTicks)
        {
            ReportSlowCallback(callback, state, LoopDiagnostics.FromStopwatchTicks(elapsed));
        }
    }

    private void ReportSlowCallback(object? callback, object? state, TimeSpan elapsed)
    {
        var what = CallbackNames.Describe(callback, state);
        _sinks.Report(
            LogLevel.Warning,
            LoopDiagnosticKind.SlowCallback,
            $"Loop '{_name}': {what} ran for {elapsed.TotalMilliseconds:F1} ms (the slow-callback threshold is " +
            $"{_slowCallbackThreshold.TotalMilliseconds:F0} ms). Nothing else on this loop could run meanwhile: split the work " +
            "with 'await EventLoop.Yield()', or move CPU-bound or blocking work off the loop with 'await Task.Run(...)'.",
            what,
            elapsed,
            null);
    }

    // ───────────────────────────── Reports from other layers ─────────────────────────────

    /// <summary>Reports a spawned task's or coroutine's fault that nothing awaited, by name, then handles it as unhandled.</summary>
    internal void ReportUnobservedFault(string what, Exception exception, string? advice = null)
    {
        if (!_sinks.IsEmpty)
        {
            _sinks.Report(
                LogLevel.Error,
                LoopDiagnosticKind.UnobservedFault,
                $"Loop '{_name}': {what} failed and nothing awaited it: {exception.GetType().Name}: {exception.Message} " +
                (advice ?? "Await its handle, read its Completion, or start it in a TaskGroup to handle the failure where it belongs."),
                what,
                TimeSpan.Zero,
                exception);
        }

        ReportUnhandledException(exception, logged: true);
    }

    private void LogUnhandledException(Exception exception)
    {
        if (_sinks.Logger is { } logger)
        {
            try
            {
                logger.Log(LogLevel.Error, new EventId(1, "UnhandledException"), exception, "Loop '{LoopName}': unhandled exception.", _name);
            }
            catch (Exception)
            {
                // A failing logger must not change how the loop handles the error itself.
            }
        }
    }

    /// <summary>The error a blocking wait on the loop thread throws in debug mode, reported as a diagnostic too.</summary>
    internal InvalidOperationException BlockingWaitError(int waitedMilliseconds)
    {
        var diagnostics = Volatile.Read(ref _diagnostics);
        var what = diagnostics?.CurrentCallback is { } callback ? CallbackNames.Describe(callback, diagnostics.CurrentState) : "the loop itself";
        var message =
            $"A blocking wait on the thread of loop '{_name}' has lasted {waitedMilliseconds} ms (in {what}), and debug mode stops it " +
            "here instead of letting it hang. This is the classic deadlock: '.Result', '.Wait()' or 'GetAwaiter().GetResult()' on a " +
            "task that needs this loop to finish (an async method that resumes on the loop, EventLoop.Sleep, a loop timer, a coroutine) " +
            "can never complete, because the loop thread is the one waiting. Use 'await' instead. (A lock held by another thread, or " +
            "a slow synchronous call, also blocks the loop: move it off the loop with 'await Task.Run(...)'.)";
        _sinks.Report(LogLevel.Error, LoopDiagnosticKind.BlockingWait, message, what, TimeSpan.FromMilliseconds(waitedMilliseconds), null);
        return new InvalidOperationException(message);
    }
}

// The task dump.
public sealed partial class EventLoop
{
    /// <summary>
    /// A snapshot of every live spawned task and coroutine: name, state, code, what it waits on and for how long (loop
    /// time). Spawned tasks come first, in the order they were spawned, then coroutines in the order they started.
    /// </summary>
    /// <returns>The snapshot; empty when nothing is live.</returns>
    /// <exception cref="WrongThreadException">Called off the loop thread; from another thread, post it with
    /// <see cref="CallSoonThreadSafe(Action)"/>.</exception>
    public IReadOnlyList<TaskInfo> GetTaskInfos()
    {
        VerifyThread(nameof(GetTaskInfos));
        var now = _clock.Now;
        var infos = new List<TaskInfo>(_liveTasks.Count + _liveCoroutines.Count);
        foreach (var task in _liveTasks.ToArray())
        {
            infos.Add(task.GetInfo(now));
        }

        foreach (var coroutine in _liveCoroutines.ToArray())
        {
            infos.Add(coroutine.GetInfo(now));
        }

        return infos;
    }

    /// <summary>
    /// The task dump as text: a header line with the loop's name, time and counts, then one line per live spawned task
    /// and coroutine (see <see cref="GetTaskInfos"/> and <see cref="TaskInfo.ToString"/>).
    /// </summary>
    /// <returns>The dump, ending with a newline.</returns>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    public string DumpTasks()
    {
        var infos = GetTaskInfos();
        var text = new System.Text.StringBuilder();
        text.Append($"Loop '{_name}' at {TaskInfo.Format(_clock.Now)} loop time: {LiveTaskCount} spawned task(s), ")
            .Append($"{_liveCoroutines.Count} coroutine(s), {_ready.Count} callback(s) ready, {PendingTimerCount} timer(s) pending, ")
            .Append($"{_synchronizationContext.OutstandingOperations} async void method(s) running.\n");
        foreach (var info in infos)
        {
            text.Append("  ").Append(info.ToString()).Append('\n');
        }

        return text.ToString();
    }
}
