using CoopRuntime.Benchmarks.OutOfProcess;
using CoopRuntime.Benchmarks.Peers;

namespace CoopRuntime.Benchmarks.Workloads;

/// <summary>Workload 6: two tasks passing a message back and forth through two bounded(1) channels. The cost of a wake-up handed from one task to another.</summary>
internal sealed class PingPongWorkload(WorkloadSizes sizes) : Workload
{
    private const string CoopName = "CoopRuntime: LoopChannel bounded(1)";
    private const string AsyncContextName = "AsyncContext: System.Threading.Channels bounded(1)";

    public override string Title => "6. Ping-pong through two channels";

    public override string Description =>
        $"{sizes.PingPongRoundTrips:N0} round trips between two tasks: the sender writes a message to one bounded(1) channel " +
        "and awaits the reply on another; an echo task reads with `await foreach (ReadAllAsync())` and writes each message " +
        "back. The same body runs on every .NET peer; only the channels and the host differ. CoopRuntime: " +
        "`LoopChannel.CreateBounded<int>(1)` inside `EventLoop.Run`; the others: `Channel.CreateBounded<int>(1)` from " +
        "System.Threading.Channels inside `AsyncContext.Run`, inside vs-threading's `SingleThreadedSynchronizationContext`, " +
        "and under `Task.Run` (thread pool).";

    public override string OperationName => "round trip";

    public override long Operations => sizes.PingPongRoundTrips;

    public override IReadOnlyList<Variant> Variants =>
    [
        new(CoopName, _ => CoopRuntimePeer.PingPong(sizes.PingPongRoundTrips), IsBaseline: true),
        new(AsyncContextName, _ => AsyncContextPeer.PingPong(sizes.PingPongRoundTrips)),
        new("vs-threading SingleThreadedSynchronizationContext: System.Threading.Channels bounded(1)", _ => VsThreadingPeer.PingPong(sizes.PingPongRoundTrips)),
        new("ThreadPool: System.Threading.Channels bounded(1)", _ => ThreadPoolPeer.PingPong(sizes.PingPongRoundTrips)),
    ];

    public override ScriptWorkload Scripts => new(
        "ping-pong",
        [ScriptWorkload.Number(sizes.PingPongRoundTrips)],
        [
            new(ScriptLanguage.Node, "promise-channel", "a tiny promise-based bounded(1) channel (wakes by microtask, no loop turn)", CoopName),
            new(ScriptLanguage.Python, "queue", "two asyncio.Queue(maxsize=1)", CoopName),
        ]);

    public override IEnumerable<string> Notes =>
    [
        "A loop channel wakes the other task on the loop's next iteration (asyncio's rule, so I/O is polled between hand-offs); Node's promise channel wakes it through the microtask queue, which never returns to the loop in between.",
    ];

    public override IEnumerable<string> Verdicts(WorkloadResult result) =>
    [
        Verdict.Speedup(result, AsyncContextName, 15),
        Verdict.Speedup(result, "Node.js:", "Node.js (promise channel)", 1),
    ];
}
