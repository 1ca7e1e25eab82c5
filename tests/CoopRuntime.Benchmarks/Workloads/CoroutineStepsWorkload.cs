using CoopRuntime.Benchmarks.Compare;
using CoopRuntime.Benchmarks.OutOfProcess;
using CoopRuntime.Benchmarks.Peers;

namespace CoopRuntime.Benchmarks.Workloads;

/// <summary>
/// Workload 7: Unity-style IEnumerator coroutines, each step one loop iteration. No .NET peer drives IEnumerator
/// coroutines on an event loop, so the comparison is with the closest thing elsewhere: a task resuming on the next
/// loop turn (asyncio tasks awaiting <c>asyncio.sleep(0)</c>, Node async functions awaiting setImmediate).
/// </summary>
internal sealed class CoroutineStepsWorkload(WorkloadSizes sizes) : Workload
{
    private const string CoopName = "CoopRuntime: IEnumerator coroutines, yield return null";
    private const double TargetNanosecondsPerStep = 20;

    public override string Title => "7. Coroutine steps";

    public override string Description =>
        $"{sizes.Coroutines:N0} coroutines, each taking {sizes.StepsPerCoroutine:N0} steps ({Operations:N0} steps), on a fresh " +
        "runtime per run. CoopRuntime: `loop.Start(IEnumerator)` with `yield return null` (resume on the next loop " +
        "iteration), next to the same count of async methods awaiting `EventLoop.Yield()`.";

    public override string OperationName => "step";

    public override long Operations => (long)sizes.Coroutines * sizes.StepsPerCoroutine;

    public override IReadOnlyList<Variant> Variants =>
    [
        new(CoopName, _ => CoopRuntimePeer.CoroutineSteps(sizes.Coroutines, sizes.StepsPerCoroutine), IsBaseline: true),
        new("CoopRuntime: async methods, await EventLoop.Yield()", _ => CoopRuntimePeer.YieldTasks(sizes.Coroutines, sizes.StepsPerCoroutine)),
    ];

    /// <summary>The yields workload's script variants, under this table: asyncio and Node have tasks, not a coroutine driver.</summary>
    public override ScriptWorkload Scripts => new(
        "yields",
        [ScriptWorkload.Number(sizes.Coroutines), ScriptWorkload.Number(sizes.StepsPerCoroutine)],
        [
            new(ScriptLanguage.Node, "setimmediate", "async functions awaiting setImmediate (tasks, not coroutines)", CoopName),
            new(ScriptLanguage.Python, "sleep0", "tasks awaiting asyncio.sleep(0) (tasks, not generators)", CoopName),
        ]);

    public override IEnumerable<string> Notes =>
    [
        "Python generators driven by a hand-written scheduler would be faster than asyncio but are not an event loop (no I/O, no timers), so they are not a peer; the asyncio and Node.js rows run the same script as table 2, at this table's sizes.",
    ];

    public override IEnumerable<string> Verdicts(WorkloadResult result)
    {
        var perStep = result.Median(CoopName, s => s.Wall.TotalMilliseconds) * 1e6 / Operations;
        yield return Verdict.AtMost($"{CoopName}: wall time per step", perStep, TargetNanosecondsPerStep, Format.Nanoseconds);
    }
}
