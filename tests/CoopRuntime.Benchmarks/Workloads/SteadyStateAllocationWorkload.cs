using CoopRuntime.Benchmarks.Compare;
using CoopRuntime.Benchmarks.Peers;

namespace CoopRuntime.Benchmarks.Workloads;

/// <summary>
/// Workload 5: the hot paths should allocate nothing per operation once warm. Each variant warms up, then runs N and
/// 2N operations; the difference divided by N is the exact cost per operation, with every fixed per-run cost
/// (the run's own task, a closure) cancelled out.
/// </summary>
internal sealed class SteadyStateAllocationWorkload(WorkloadSizes sizes) : Workload
{
    private const string CoopCallSoon = "CoopRuntime: CallSoon(static, state)";
    private const string CoopYield = "CoopRuntime: await EventLoop.Yield()";
    private const string CoopSleep = "CoopRuntime: await EventLoop.Sleep(1 ms), VirtualClock";

    private int N => sizes.SteadyStateOperations;

    public override string Title => "5. Steady-state allocation per operation";

    public override string Description =>
        $"On a warm runtime: bytes allocated by N = {N:N0} operations and by 2N, every thread counted " +
        "(`GC.GetTotalAllocatedBytes(true)`). Per operation = (bytes(2N) − bytes(N)) / N.";

    public override string OperationName => "op";

    public override long Operations => 3L * N;

    public override RatioMetric RatioMetric => RatioMetric.None;

    public override bool ShowTiming => false;

    public override IReadOnlyList<ExtraColumn> ExtraColumns =>
    [
        new("Bytes for N", s => s.BytesBetween(MarkNames.FirstStart, MarkNames.FirstEnd), Format.Bytes),
        new("Bytes for 2N", s => s.BytesBetween(MarkNames.DoubleStart, MarkNames.DoubleEnd), Format.Bytes),
        new("Per operation", PerOperation, Format.BytesPerOp),
    ];

    public override IReadOnlyList<Variant> Variants =>
    [
        new(CoopCallSoon, p => OnLoop(null, loop => n => CoopRuntimePeer.RunPostChain(loop, n), p), IsBaseline: true),
        new(CoopYield, p => OnLoop(null, loop => n => loop.RunUntilComplete(() => CoopRuntimePeer.YieldMany(n)), p)),
        new(CoopSleep, p => OnLoop(new VirtualClock(), loop => n => loop.RunUntilComplete(() => CoopRuntimePeer.SleepMany(n)), p)),
        new("CoopRuntime: CallLater(1 ms, static, state) + fire, VirtualClock", p => OnLoop(new VirtualClock(), loop => n => CoopRuntimePeer.RunTimerChain(loop, n), p)),
        new("CoopRuntime: CallSoonThreadSafe(static, state) from another thread", p => OnLoop(null, loop => n => CoopRuntimePeer.RunCrossThreadPosts(loop, n), p)),
        new("AsyncContext: SynchronizationContext.Post", p => Measure(AsyncContextPeer.PostChain, p)),
        new("AsyncContext: await Task.Yield()", p => Measure(n => AsyncContextPeer.YieldTasks(1, n), p)),
    ];

    public override IEnumerable<string> Notes =>
    [
        "The cross-thread row counts the producer thread's allocations too (starting it is a fixed cost and cancels out). If the producer ever gets further ahead of the loop than in the warm-up, the inbox grows once and that run shows it.",
        "AsyncContext rows create a context per run; that fixed cost cancels out the same way.",
    ];

    public override IEnumerable<string> Verdicts(WorkloadResult result) =>
        new[] { CoopCallSoon, CoopYield, CoopSleep }.Select(name =>
            Verdict.AtMost($"{name}: bytes per operation", result.Median(name, PerOperation), 0, Format.BytesPerOp));

    private double PerOperation(Sample s) =>
        (double)(s.BytesBetween(MarkNames.DoubleStart, MarkNames.DoubleEnd) - s.BytesBetween(MarkNames.FirstStart, MarkNames.FirstEnd)) / N;

    private void OnLoop(IClock? clock, Func<EventLoop, Action<int>> operations, Probe probe)
    {
        using var loop = new EventLoop(new EventLoopOptions { Clock = clock });
        Measure(operations(loop), probe);
    }

    private void Measure(Action<int> operations, Probe probe)
    {
        // Warm-up at the largest size measured: JIT, pools and queue capacities reach their steady state before
        // anything is counted. Several rounds because the inbox has two buffers that swap, and a producer thread
        // that races ahead can grow either one.
        for (var round = 0; round < 3; round++)
        {
            operations(2 * N);
        }

        probe.Mark(MarkNames.FirstStart);
        operations(N);
        probe.Mark(MarkNames.FirstEnd);
        probe.Mark(MarkNames.DoubleStart);
        operations(2 * N);
        probe.Mark(MarkNames.DoubleEnd);
    }
}
