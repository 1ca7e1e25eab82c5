namespace CoopRuntime;

/// <summary>
/// One report from a loop's diagnostics (see <see cref="EventLoopOptions.DiagnosticReported"/>): a slow callback, a
/// stall, a fault nobody awaited, or a blocking wait on the loop thread.
/// </summary>
public sealed class LoopDiagnostic
{
    internal LoopDiagnostic(LoopDiagnosticKind kind, string loopName, string message, string? subject, TimeSpan duration, Exception? exception)
    {
        Kind = kind;
        LoopName = loopName;
        Message = message;
        Subject = subject;
        Duration = duration;
        Exception = exception;
    }

    /// <summary>What happened.</summary>
    public LoopDiagnosticKind Kind { get; }

    /// <summary>The name of the loop that reported it (<see cref="EventLoop.Name"/>).</summary>
    public string LoopName { get; }

    /// <summary>The full report, in sentences; the same text that is logged.</summary>
    public string Message { get; }

    /// <summary>
    /// What it is about: the callback, async method, spawned task or coroutine that ran (for example
    /// <c>async method MyApp.Worker.PollAsync</c> or <c>coroutine 'blink' (MyApp.Game+&lt;Blink&gt;d__3)</c>), or null.
    /// </summary>
    public string? Subject { get; }

    /// <summary>How long the callback ran, the stall has lasted, or the wait waited; zero when not applicable (loop time
    /// is not used: this is real time on the loop thread).</summary>
    public TimeSpan Duration { get; }

    /// <summary>The exception of a fault nobody awaited; null otherwise.</summary>
    public Exception? Exception { get; }

    /// <summary>Returns <see cref="Message"/>.</summary>
    /// <returns>The message.</returns>
    public override string ToString() => Message;
}
