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
}
