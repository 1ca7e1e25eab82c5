using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CoopRuntime;

/// <summary>
/// A loop's diagnostic state: settings, the sinks reports go to, and the few fields the loop thread publishes for the
/// stall watchdog and the metrics collector. It exists only while something needs it (debug mode, the watchdog, or a
/// metrics collection that asked for timings); without it the loop runs its plain paths.
/// </summary>
/// <remarks>
/// Thread rule: the loop thread writes <see cref="CurrentCallback"/>, <see cref="CurrentState"/>,
/// <see cref="Progress"/> and <see cref="InDriverWait"/> (volatile); the watchdog thread only reads them. Timing totals
/// are written by the loop thread and read, possibly a little stale, by metrics collection.
/// </remarks>
internal sealed class LoopDiagnostics
{
    private readonly WeakReference<EventLoop> _loop;
    private long _progress;
    private volatile object? _currentCallback;
    private volatile object? _currentState;
    private volatile bool _inDriverWait;
    private long _ioWaitTicks;
    private long _iterationStart;

    public LoopDiagnostics(EventLoop loop, DiagnosticSinks sinks, bool debug, TimeSpan slowCallbackThreshold, bool watchdog, TimeSpan stallThreshold)
    {
        _loop = new WeakReference<EventLoop>(loop);
        Sinks = sinks;
        Debug = debug;
        SlowCallbackTicks = debug ? ToStopwatchTicks(slowCallbackThreshold) : long.MaxValue;
        Watchdog = watchdog;
        StallThreshold = stallThreshold;
        PerCallback = debug || watchdog;
        _iterationStart = Stopwatch.GetTimestamp();
    }

    public DiagnosticSinks Sinks { get; }

    public bool Debug { get; }

    /// <summary>True when each callback is timed or published (debug mode or the watchdog), not just each iteration.</summary>
    public bool PerCallback { get; }

    public long SlowCallbackTicks { get; }

    public bool Watchdog { get; }

    public TimeSpan StallThreshold { get; }

    public EventLoop? Loop => _loop.TryGetTarget(out var loop) ? loop : null;

    /// <summary>Moves on whenever the loop thread starts a callback or enters or leaves the driver's wait.</summary>
    public long Progress => Volatile.Read(ref _progress);

    public object? CurrentCallback => _currentCallback;

    public object? CurrentState => _currentState;

    public bool InDriverWait => _inDriverWait;

    /// <summary>Total time the loop spent blocked in the driver's wait, in <see cref="Stopwatch"/> ticks.</summary>
    public long IoWaitTicks => Volatile.Read(ref _ioWaitTicks);

    // ── Loop thread only ──

    public void EnterDriverWait()
    {
        _inDriverWait = true;
        Volatile.Write(ref _progress, _progress + 1);
    }

    public void ExitDriverWait(long waitedTicks)
    {
        Volatile.Write(ref _ioWaitTicks, _ioWaitTicks + waitedTicks);
        _inDriverWait = false;
        Volatile.Write(ref _progress, _progress + 1);
    }

    /// <summary>Marks where the current iteration's busy part began (the end of the wait, or of the previous batch).</summary>
    public void BeginIteration(long timestamp) => _iterationStart = timestamp;

    public long IterationStart => _iterationStart;

    public void EnterCallback(object? callback, object? state)
    {
        _currentCallback = callback;
        _currentState = state;
        Volatile.Write(ref _progress, _progress + 1);
    }

    public void ExitCallbacks()
    {
        _currentCallback = null;
        _currentState = null;
    }

    public static long ToStopwatchTicks(TimeSpan time) =>
        time.Ticks >= long.MaxValue / Stopwatch.Frequency ? long.MaxValue : time.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;

    public static TimeSpan FromStopwatchTicks(long ticks) => TimeSpan.FromTicks((long)(ticks * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
}

/// <summary>Where a loop's reports go: its logger and its <see cref="EventLoopOptions.DiagnosticReported"/> handler.</summary>
internal sealed class DiagnosticSinks
{
    private readonly Action<LoopDiagnostic>? _handler;

    public DiagnosticSinks(string loopName, ILogger? logger, Action<LoopDiagnostic>? handler)
    {
        LoopName = loopName;
        Logger = logger;
        _handler = handler;
    }

    public string LoopName { get; }

    public ILogger? Logger { get; }

    public bool IsEmpty => Logger is null && _handler is null;

    /// <summary>Logs and hands out one report. Thread-safe as far as the sinks are; never throws.</summary>
    public void Report(LogLevel level, LoopDiagnosticKind kind, string message, string? subject, TimeSpan duration, Exception? exception)
    {
        if (Logger is { } logger)
        {
            try
            {
                if (logger.IsEnabled(level))
                {
                    logger.Log(level, new EventId(100 + (int)kind, kind.ToString()), exception, "{LoopDiagnostic}", message);
                }
            }
            catch (Exception)
            {
                // A failing logger must not take the loop (or the watchdog thread) down with it.
            }
        }

        if (_handler is { } handler)
        {
            try
            {
                handler(new LoopDiagnostic(kind, LoopName, message, subject, duration, exception));
            }
            catch (Exception)
            {
                // Documented: the handler's exceptions are ignored.
            }
        }
    }
}
