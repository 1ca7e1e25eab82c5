namespace CoopRuntime.Benchmarks.Workloads;

/// <summary>How big each workload is. <see cref="Full"/> is what the targets are stated for; <see cref="Smoke"/> only proves everything still runs.</summary>
internal sealed record WorkloadSizes(
    int PostChain,
    int YieldTasks,
    int YieldsPerTask,
    int Timers,
    int TimerMaxDelayMilliseconds,
    int WaitingTasks,
    int SteadyStateOperations,
    int PingPongRoundTrips,
    int Coroutines,
    int StepsPerCoroutine)
{
    public static readonly WorkloadSizes Full = new(
        PostChain: 1_000_000,
        YieldTasks: 1_000,
        YieldsPerTask: 1_000,
        Timers: 200_000,
        TimerMaxDelayMilliseconds: 100,
        WaitingTasks: 100_000,
        SteadyStateOperations: 100_000,
        PingPongRoundTrips: 200_000,
        Coroutines: 1_000,
        StepsPerCoroutine: 1_000);

    public static readonly WorkloadSizes Smoke = new(
        PostChain: 10_000,
        YieldTasks: 100,
        YieldsPerTask: 100,
        Timers: 2_000,
        TimerMaxDelayMilliseconds: 10,
        WaitingTasks: 1_000,
        SteadyStateOperations: 1_000,
        PingPongRoundTrips: 1_000,
        Coroutines: 100,
        StepsPerCoroutine: 100);
}
