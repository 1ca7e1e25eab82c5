using CoopRuntime.Benchmarks.OutOfProcess;
using CoopRuntime.Benchmarks.Peers;

namespace CoopRuntime.Benchmarks.Workloads;

/// <summary>Workload 2: many async methods taking turns. The cost of one await that suspends and resumes.</summary>
internal sealed class YieldWorkload(WorkloadSizes sizes) : Workload
{
    private const string CoopName = "CoopRuntime: await EventLoop.Yield()";
    private const string AsyncContextName = "AsyncContext: await Task.Yield()";

    public override string Title => "2. Tasks × yields";

    public override string Description =>
        $"{sizes.YieldTasks:N0} async methods, each awaiting a yield {sizes.YieldsPerTask:N0} times " +
        $"({Operations:N0} yields), awaited with `Task.WhenAll`. CoopRuntime: `await EventLoop.Yield()` inside " +
        "`EventLoop.Run`; AsyncContext: `await Task.Yield()` inside `AsyncContext.Run`; ThreadPool: `await Task.Yield()` " +
        "with no context (continuations run on any pool thread).";

    public override string OperationName => "yield";

    public override long Operations => (long)sizes.YieldTasks * sizes.YieldsPerTask;

    public override IReadOnlyList<Variant> Variants =>
    [
        new(CoopName, _ => CoopRuntimePeer.YieldTasks(sizes.YieldTasks, sizes.YieldsPerTask), IsBaseline: true),
        new(AsyncContextName, _ => AsyncContextPeer.YieldTasks(sizes.YieldTasks, sizes.YieldsPerTask)),
        new("ThreadPool: await Task.Yield()", _ => ThreadPoolPeer.YieldTasks(sizes.YieldTasks, sizes.YieldsPerTask)),
    ];

    public override ScriptWorkload Scripts => new(
        "yields",
        [ScriptWorkload.Number(sizes.YieldTasks), ScriptWorkload.Number(sizes.YieldsPerTask)],
        [
            new(ScriptLanguage.Node, "setimmediate", "await new Promise(r => setImmediate(r)) (a loop turn, like EventLoop.Yield)", CoopName),
            new(ScriptLanguage.Node, "await-null", "await null (microtask only: no loop turn, not the same thing)", CoopName),
            new(ScriptLanguage.Python, "sleep0", "await asyncio.sleep(0), tasks gathered", CoopName),
        ]);

    public override IEnumerable<string> Verdicts(WorkloadResult result) => [Verdict.Speedup(result, AsyncContextName, 10)];
}
