using Microsoft.Extensions.Logging;

namespace CoopRuntime;

/// <summary>Settings for an <see cref="EventLoop"/>. Read once, when the loop is created.</summary>
public sealed class EventLoopOptions
{
    /// <summary>
    /// The loop's clock. Null (the default) means a new <see cref="MonotonicClock"/>. Pass a
    /// <see cref="VirtualClock"/> to make time-based code run instantly and deterministically in tests.
    /// </summary>
    public IClock? Clock { get; init; }

    /// <summary>
    /// Called on the loop thread with every exception that escapes a callback, an <c>async void</c> method, or a
    /// spawned task that nobody observed. The loop keeps running after the handler returns.
    /// Null (the default) means: stop the loop and make <c>Run</c>/<c>RunUntilComplete</c> throw the exception
    /// with its original stack trace. If the handler itself throws, that exception is treated the default way.
    /// </summary>
    public Action<Exception>? UnhandledException { get; init; }

    /// <summary>
    /// How long, in loop time, shutdown waits for cancelled spawned tasks and pending <c>async void</c> methods to
    /// finish before it gives up and reports the stragglers. Five seconds by default; must be zero or positive.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Ticks per second of the loop's fixed frame clock, for game and simulation loops: <see cref="EventLoop.Frame"/>
    /// counts ticks and coroutines can wait with <see cref="Wait.Frames(int)"/>. Null (the default) means no frame
    /// clock. Must be positive and finite.
    /// </summary>
    public double? FrameRate { get; init; }

    /// <summary>
    /// How often, at most, an otherwise idle loop re-checks conditions that are polled every iteration
    /// (<see cref="Wait.Until(Func{bool})"/>, <see cref="Wait.While(Func{bool})"/>). While the loop has other work
    /// they are checked once per iteration; when it has none, once per interval, so a waiting condition never spins a
    /// core. 10 ms by default; must be positive.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How many finished detached coroutines (<see cref="EventLoop.StartDetached"/>) the loop keeps for reuse, so that
    /// starting one allocates nothing but its iterator. Unbounded by default (<see cref="int.MaxValue"/>): the pool
    /// grows to the largest number of detached coroutines that ran at once, about 100 bytes each (more for those that
    /// nested or slept: each keeps its nesting buffer and timer), and goes with the loop. Set a bound to cap what a
    /// burst leaves behind; 0 turns pooling off. Must not be negative.
    /// </summary>
    public int MaxPooledCoroutines { get; init; } = int.MaxValue;

    /// <summary>
    /// Which I/O driver the loop waits on. <see cref="IoDriverKind.Automatic"/> (the default) picks
    /// <see cref="IoDriverKind.Epoll"/> on Linux and <see cref="IoDriverKind.Portable"/> elsewhere; both run the same
    /// networking API. Asking for <see cref="IoDriverKind.Epoll"/> where it is not available throws
    /// <see cref="PlatformNotSupportedException"/> when the loop is created.
    /// </summary>
    public IoDriverKind IoDriver { get; init; }

    /// <summary>
    /// Whether the static <see cref="EventLoop.Run(Func{CancellationToken, Task}, EventLoopOptions?)"/> and its overloads
    /// handle Ctrl+C (SIGINT) like Python's <c>asyncio.run</c>: the first Ctrl+C cancels main (the token it was given,
    /// or, for a main without one, the wait for it), the loop shuts down cleanly and <c>Run</c> throws
    /// <see cref="KeyboardInterruptException"/>; a second Ctrl+C ends the process at once. True by default. Loops
    /// created with <c>new EventLoop(...)</c> never handle Ctrl+C; add a handler with
    /// <see cref="EventLoop.AddSignalHandler(System.Runtime.InteropServices.PosixSignal, Action)"/> there.
    /// </summary>
    public bool HandleCtrlC { get; init; } = true;

    /// <summary>
    /// The loop's name in diagnostics: log messages, stall reports, task dumps, and the <c>loop</c> tag of its metrics.
    /// Null (the default) means <c>loop-N</c>, with N counting the loops this process created.
    /// </summary>
    public string? Name { get; init; }

    /// <summary>
    /// Debug mode (like asyncio's): the loop times every callback and reports those that run longer than
    /// <see cref="SlowCallbackThreshold"/>, names spawned tasks and coroutines that faulted with nobody awaiting them,
    /// records how long coroutines wait, turns on the <see cref="StallWatchdog"/> unless it is set to false, and makes a
    /// blocking wait on the loop thread (<c>task.Result</c>, <c>task.Wait()</c>) that lasts longer than
    /// <see cref="StallThreshold"/> throw an <see cref="InvalidOperationException"/> that explains the deadlock instead
    /// of hanging. Off by default: it costs a clock read per callback. See docs/guides/diagnostics.md.
    /// </summary>
    public bool Debug { get; init; }

    /// <summary>
    /// In <see cref="Debug"/> mode, a callback (or an <c>await</c> continuation, a coroutine step, the start of a spawned
    /// task) that runs longer than this is reported as slow, by name. 100 ms by default; must be positive.
    /// </summary>
    public TimeSpan SlowCallbackThreshold { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Whether a background thread watches this loop for stalls: the loop thread stuck inside one callback (not waiting
    /// for I/O or timers) for longer than <see cref="StallThreshold"/>. The report names what was running and is sent to
    /// <see cref="Logger"/> and <see cref="DiagnosticReported"/>, from the watchdog thread. Null (the default) means on in
    /// <see cref="Debug"/> mode and off otherwise. While it is on, the loop publishes the callback it runs (one field
    /// write per callback).
    /// </summary>
    public bool? StallWatchdog { get; init; }

    /// <summary>
    /// How long the loop thread may stay inside one callback before the <see cref="StallWatchdog"/> reports a stall, and
    /// (in <see cref="Debug"/> mode) how long a blocking wait on the loop thread may last before it throws. One second by
    /// default; must be positive.
    /// </summary>
    public TimeSpan StallThreshold { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Where the loop logs: unhandled exceptions (Error), faulted tasks and coroutines nobody awaited (Error), slow
    /// callbacks and stalls (Warning). Null (the default) logs nothing. Stall reports are logged from the watchdog
    /// thread, everything else from the loop thread.
    /// </summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// Called with every diagnostic the loop reports (slow callbacks, stalls, unobserved faults, blocking waits), the
    /// same reports that go to <see cref="Logger"/>. Stall reports arrive on the watchdog thread (the end of a stall that
    /// lasts until the loop closes, on the thread that closes it), the rest on the loop thread; an exception thrown by the
    /// handler is ignored. Null (the default) means none.
    /// </summary>
    public Action<LoopDiagnostic>? DiagnosticReported { get; init; }
}
