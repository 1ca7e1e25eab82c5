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
}
