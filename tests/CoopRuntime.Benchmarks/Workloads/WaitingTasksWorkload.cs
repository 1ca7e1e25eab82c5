using CoopRuntime.Benchmarks.Compare;
using CoopRuntime.Benchmarks.OutOfProcess;
using CoopRuntime.Benchmarks.Peers;

namespace CoopRuntime.Benchmarks.Workloads;

/// <summary>
/// Workload 4: a crowd of tasks waiting on one event (a shared TaskCompletionSource), then released together. Shows
/// what it costs the runtime to keep a task that waits, and to wake and finish many at once.
/// </summary>
internal sealed class WaitingTasksWorkload(WorkloadSizes sizes) : Workload
{
    private const string CoopAsync = "CoopRuntime: Spawn, async body";

    public override string Title => "4. Spawned tasks waiting on one event";

    public override string Description =>
        $"{sizes.WaitingTasks:N0} tasks started on a fresh runtime, all waiting on one shared `TaskCompletionSource`, " +
        "then released with one `SetResult` and run to completion. CoopRuntime: `loop.Spawn(body)`; AsyncContext: " +
        "`AsyncContext.Factory.Run(body)` (queued on the context and tracked, like Spawn); ThreadPool: `Task.Run(body)`. " +
        "\"sync body\" is `ct => gate.Task` (no async state machine of the user's); \"async body\" is " +
        "`async ct => await gate.Task` (the user's lambda is an async state machine).";

    public override string OperationName => "task";

    public override long Operations => sizes.WaitingTasks;

    public override IReadOnlyList<ExtraColumn> ExtraColumns => [SpawnToParked];

    /// <summary>
    /// Compared with the async-body row: Node's and asyncio's waiters are async functions too. The bytes column holds
    /// what each runtime can count: .NET bytes allocated from the first spawn until all wait, V8's heapUsed growth
    /// over the same span, and tracemalloc's traced-memory growth (in a separate unmeasured asyncio run).
    /// </summary>
    public override ScriptWorkload Scripts => new(
        "waiters",
        [ScriptWorkload.Number(sizes.WaitingTasks)],
        [
            new(ScriptLanguage.Node, "await-shared-promise", "async functions awaiting one shared promise", CoopAsync),
            new(ScriptLanguage.Python, "create-task-event-wait", "create_task, each awaiting one asyncio.Event", CoopAsync),
        ],
        SpawnToParked);

    private ExtraColumn SpawnToParked => ExtraColumn.BytesBetween("Spawn→parked per task", MarkNames.Start(0), MarkNames.Parked(0), sizes.WaitingTasks);

    public override IReadOnlyList<Variant> Variants =>
    [
        new("CoopRuntime: Spawn, sync body", p => CoopRuntimePeer.WaitingTasks(sizes.WaitingTasks, asyncBody: false, bursts: 1, p), IsBaseline: true),
        new(CoopAsync, p => CoopRuntimePeer.WaitingTasks(sizes.WaitingTasks, asyncBody: true, bursts: 1, p)),
        new("AsyncContext: Factory.Run, sync body", p => AsyncContextPeer.WaitingTasks(sizes.WaitingTasks, asyncBody: false, bursts: 1, p)),
        new("AsyncContext: Factory.Run, async body", p => AsyncContextPeer.WaitingTasks(sizes.WaitingTasks, asyncBody: true, bursts: 1, p)),
        new("ThreadPool: Task.Run, sync body", p => ThreadPoolPeer.WaitingTasks(sizes.WaitingTasks, asyncBody: false, bursts: 1, p)),
        new("ThreadPool: Task.Run, async body", p => ThreadPoolPeer.WaitingTasks(sizes.WaitingTasks, asyncBody: true, bursts: 1, p)),
    ];

    public override IEnumerable<string> Notes =>
    [
        "\"per task\" is the whole run's allocation divided by the task count: spawning, waiting, waking, finishing, and the growth of the runtime's queues from empty.",
        "\"Spawn→parked per task\" counts only from the first spawn until every task is waiting on the gate. On a fresh runtime it includes the one-off growth of its queues; the next table measures a warm runtime.",
        "ThreadPool rows keep their tasks in an array (8 B a task) because the pool has no other way to wait for them.",
    ];
}
