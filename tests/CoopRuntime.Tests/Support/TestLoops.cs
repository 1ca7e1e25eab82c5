namespace CoopRuntime.Tests.Support;

/// <summary>Loop options for deterministic tests.</summary>
internal static class TestLoops
{
    /// <summary>Options with a fresh auto-advancing <see cref="VirtualClock"/>.</summary>
    public static EventLoopOptions Virtual() => new() { Clock = new VirtualClock() };

    /// <summary>Options with the given clock.</summary>
    public static EventLoopOptions With(IClock clock) => new() { Clock = clock };

    /// <summary>Runs <paramref name="main"/> on a loop with a virtual clock and returns the loop's thread id.</summary>
    public static void RunVirtual(Func<Task> main) => EventLoop.Run(main, Virtual());
}
