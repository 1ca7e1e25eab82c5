using CoopRuntime.Benchmarks.Compare;
using CoopRuntime.Benchmarks.OutOfProcess;

namespace CoopRuntime.Benchmarks.Workloads;

/// <summary>
/// A scenario run on every peer: what it does, how many operations one run performs, how its variants run, which
/// metric the ratio column compares, and which targets it checks.
/// </summary>
internal abstract class Workload
{
    public abstract string Title { get; }

    /// <summary>What one run does, on each peer, in a sentence or two.</summary>
    public abstract string Description { get; }

    /// <summary>The unit of the per-operation column ("post", "yield", "timer", "task").</summary>
    public abstract string OperationName { get; }

    /// <summary>Operations in one run: the per-operation column divides by this.</summary>
    public abstract long Operations { get; }

    public virtual RatioMetric RatioMetric => RatioMetric.Wall;

    /// <summary>False for allocation-only workloads, whose runs include unmeasured warm-up work.</summary>
    public virtual bool ShowTiming => true;

    public virtual IReadOnlyList<ExtraColumn> ExtraColumns => [];

    public abstract IReadOnlyList<Variant> Variants { get; }

    /// <summary>The same workload on the out-of-process peers (Node.js, asyncio, uvloop), or null if it has no such counterpart.</summary>
    public virtual ScriptWorkload? Scripts => null;

    /// <summary>Sentences printed under the table: what the columns mean here, caveats.</summary>
    public virtual IEnumerable<string> Notes => [];

    public virtual IEnumerable<string> Verdicts(WorkloadResult result) => [];

    /// <summary>A run slower than this is treated as hung (the slowest full-size peer run takes a few seconds).</summary>
    public virtual TimeSpan WatchdogLimit => TimeSpan.FromMinutes(2);

    public static IReadOnlyList<Workload> All(WorkloadSizes sizes) =>
    [
        new PostChainWorkload(sizes),
        new YieldWorkload(sizes),
        new TimerWorkload(sizes),
        new WaitingTasksWorkload(sizes),

        new WaitingTaskMemoryWorkload(sizes),
        new WaitingTaskPartsWorkload(sizes),
        new SteadyStateAllocationWorkload(sizes),
        new PingPongWorkload(sizes),
        new CoroutineStepsWorkload(sizes),
    ];
}
