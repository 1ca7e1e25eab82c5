using CoopRuntime.Benchmarks.OutOfProcess;
using CoopRuntime.Benchmarks.Peers;

namespace CoopRuntime.Benchmarks.Workloads;

/// <summary>Workload 1: each callback schedules the next. Pure scheduling cost: queue, dispatch, nothing else.</summary>
internal sealed class PostChainWorkload(WorkloadSizes sizes) : Workload
{
    private const string CoopName = "CoopRuntime: CallSoon(static, state)";
    private const string AsyncContextName = "AsyncContext: SynchronizationContext.Post";

    public override string Title => "1. Post chain";

    public override string Description =>
        $"A chain of {sizes.PostChain:N0} callbacks, each scheduling the next, on a fresh runtime per run. " +
        "CoopRuntime: `loop.CallSoon(static method, state)`; AsyncContext: `SynchronizationContext.Post` inside " +
        "`AsyncContext.Run`; ThreadPool: `ThreadPool.UnsafeQueueUserWorkItem(static, state, preferLocal: true)`.";

    public override string OperationName => "post";

    public override long Operations => sizes.PostChain;

    public override IReadOnlyList<Variant> Variants =>
    [
        new(CoopName, _ => CoopRuntimePeer.PostChain(sizes.PostChain), IsBaseline: true),
        new(AsyncContextName, _ => AsyncContextPeer.PostChain(sizes.PostChain)),
        new("ThreadPool: UnsafeQueueUserWorkItem", _ => ThreadPoolPeer.PostChain(sizes.PostChain)),
    ];

    public override ScriptWorkload Scripts => new(
        "post-chain",
        [ScriptWorkload.Number(sizes.PostChain)],
        [
            new(ScriptLanguage.Node, "setimmediate", "setImmediate chain (one callback per loop turn, like CallSoon)", CoopName),
            new(ScriptLanguage.Node, "microtask", "queueMicrotask chain (no loop turn: I/O waits until the chain ends)", CoopName),
            new(ScriptLanguage.Python, "call-soon", "loop.call_soon chain", CoopName),
        ]);

    public override IEnumerable<string> Verdicts(WorkloadResult result) => [Verdict.Speedup(result, AsyncContextName, 20)];
}
