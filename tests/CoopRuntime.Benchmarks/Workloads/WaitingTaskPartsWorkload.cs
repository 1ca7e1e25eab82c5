using CoopRuntime.Benchmarks.Compare;
using CoopRuntime.Benchmarks.Peers;

namespace CoopRuntime.Benchmarks.Workloads;

/// <summary>
/// Workload 4, broken down: the bytes behind one waiting task, piece by piece, so the 4b numbers can be explained
/// and the gap to the target costed (see <see cref="WaitingTaskParts"/>).
/// </summary>
internal sealed class WaitingTaskPartsWorkload(WorkloadSizes sizes) : Workload
{
    public override string Title => "4c. Where a waiting task's bytes go";

    public override string Description =>
        $"Each piece of a waiting task measured alone, {sizes.WaitingTasks:N0} times, on a warm runtime (second round " +
        "measured). Every row that registers on the gate includes the gate's continuation-list slot (first row).";

    public override string OperationName => "task";

    public override long Operations => sizes.WaitingTasks;

    public override RatioMetric RatioMetric => RatioMetric.None;

    public override bool ShowTiming => false;

    public override IReadOnlyList<ExtraColumn> ExtraColumns =>
    [
        ExtraColumn.BytesBetween("Bytes per task", MarkNames.Start(1), MarkNames.Parked(1), sizes.WaitingTasks),
    ];

    public override IReadOnlyList<Variant> Variants =>
    [
        new("Gate continuation-list slot (one cached delegate, registered again and again)", p => WaitingTaskParts.ContinuationSlot(sizes.WaitingTasks, p), IsBaseline: true),
        new("Spawn(ct => Task.CompletedTask): the spawned task's own object", p => WaitingTaskParts.SpawnCompleted(sizes.WaitingTasks, p)),
        new("Spawn(ct => gate.Task), parked: the spawned task + its hook (WorkCompletionSignal) + the gate slot", p => CoopRuntimePeer.WaitingTasks(sizes.WaitingTasks, asyncBody: false, bursts: 2, p)),
        new("Completion hook before WorkCompletionSignal: ContinueWith(static, state, ExecuteSynchronously)", p => WaitingTaskParts.ContinueWithState(sizes.WaitingTasks, p)),
        new("Completion hook before dbb0089: bound delegate, ConfigureAwait(false) awaiter", p => WaitingTaskParts.BoundDelegate(sizes.WaitingTasks, p)),
        new("Loop-context awaiter wrapper (cached delegate, context captured)", p => WaitingTaskParts.LoopContextWrapper(sizes.WaitingTasks, p)),
        new("User's async lambda awaiting the gate, no context", p => WaitingTaskParts.AsyncLambdaNoContext(sizes.WaitingTasks, p)),
        new("User's async lambda awaiting the gate, on the loop", p => WaitingTaskParts.AsyncLambdaOnLoop(sizes.WaitingTasks, p)),
    ];

    public override IEnumerable<string> Notes =>
    [
        "A spawned task with the sync body costs its own object + the completion hook + one gate slot (the third row; the hook is the third row minus the first two); the async body adds the user's async lambda on the loop (which brings its own gate slot instead of the hook's).",
    ];
}
