using CoopRuntime.Benchmarks.Compare;
using CoopRuntime.Benchmarks.Peers;

namespace CoopRuntime.Benchmarks.Workloads;

/// <summary>
/// Workload 4, memory detail: the same crowd of waiting tasks twice on one runtime, so the second burst shows what a
/// waiting task costs once the runtime's queues have grown (the steady state of a long-running server).
/// </summary>
internal sealed class WaitingTaskMemoryWorkload(WorkloadSizes sizes) : Workload
{
    private const string CoopSync = "CoopRuntime: Spawn, sync body";
    private const string CoopAsync = "CoopRuntime: Spawn, async body";
    private const double TargetBytesPerTask = 200;

    public override string Title => "4b. Bytes per waiting task, warm runtime";

    public override string Description =>
        $"Two bursts of {sizes.WaitingTasks:N0} waiting tasks (as in 4) on the same runtime. \"Cold\" is the first " +
        "burst on a fresh runtime, \"warm\" the second; both count bytes from the first spawn until every task waits.";

    public override string OperationName => "task";

    public override long Operations => 2L * sizes.WaitingTasks;

    public override RatioMetric RatioMetric => RatioMetric.None;

    public override bool ShowTiming => false;

    public override IReadOnlyList<ExtraColumn> ExtraColumns =>
    [
        ExtraColumn.BytesBetween("Cold: bytes per waiting task", MarkNames.Start(0), MarkNames.Parked(0), sizes.WaitingTasks),
        ExtraColumn.BytesBetween("Warm: bytes per waiting task", MarkNames.Start(1), MarkNames.Parked(1), sizes.WaitingTasks),
    ];

    public override IReadOnlyList<Variant> Variants =>
    [
        new(CoopSync, p => CoopRuntimePeer.WaitingTasks(sizes.WaitingTasks, asyncBody: false, bursts: 2, p), IsBaseline: true),
        new(CoopAsync, p => CoopRuntimePeer.WaitingTasks(sizes.WaitingTasks, asyncBody: true, bursts: 2, p)),
        new("AsyncContext: Factory.Run, sync body", p => AsyncContextPeer.WaitingTasks(sizes.WaitingTasks, asyncBody: false, bursts: 2, p)),
        new("AsyncContext: Factory.Run, async body", p => AsyncContextPeer.WaitingTasks(sizes.WaitingTasks, asyncBody: true, bursts: 2, p)),
        new("ThreadPool: Task.Run, sync body", p => ThreadPoolPeer.WaitingTasks(sizes.WaitingTasks, asyncBody: false, bursts: 2, p)),
        new("ThreadPool: Task.Run, async body", p => ThreadPoolPeer.WaitingTasks(sizes.WaitingTasks, asyncBody: true, bursts: 2, p)),
    ];

    public override IEnumerable<string> Notes =>
    [
        "The async-body row minus the sync-body row is the user's own async lambda: its state machine box and the continuation object its `await` registers on the gate.",
        "The target applies to the sync body: that row is what the runtime itself costs per waiting task. The async body adds what the C# compiler and the BCL allocate for the user's `async` lambda (see 4c), the same on any runtime with a SynchronizationContext.",
    ];

    public override IEnumerable<string> Verdicts(WorkloadResult result)
    {
        var warm = ExtraColumns[1].Value;
        yield return Verdict.AtMost($"{CoopSync}, warm: bytes per waiting task", result.Median(CoopSync, warm), TargetBytesPerTask, Format.BytesPerOp);
    }
}
