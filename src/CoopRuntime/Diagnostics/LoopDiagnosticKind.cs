namespace CoopRuntime;

/// <summary>What a <see cref="LoopDiagnostic"/> reports.</summary>
public enum LoopDiagnosticKind
{
    /// <summary>A callback ran longer than <see cref="EventLoopOptions.SlowCallbackThreshold"/> (debug mode).</summary>
    SlowCallback,

    /// <summary>The loop thread has been inside one callback for longer than <see cref="EventLoopOptions.StallThreshold"/>.</summary>
    Stall,

    /// <summary>A stall reported earlier is over: the loop thread left the callback.</summary>
    StallEnded,

    /// <summary>A spawned task or coroutine failed and nothing awaited it.</summary>
    UnobservedFault,

    /// <summary>Debug mode stopped a blocking wait (<c>.Result</c>, <c>.Wait()</c>, a contended lock) on the loop thread.</summary>
    BlockingWait,
}
