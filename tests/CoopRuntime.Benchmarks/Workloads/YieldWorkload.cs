using CoopRuntime.Benchmarks.Peers;

namespace CoopRuntime.Benchmarks.Workloads;

/// <summary>Workload 2: many async methods taking turns. The cost of one await that suspends and resumes.</summary>
internal sealed class YieldWorkload(WorkloadSizes sizes) : Workload
{
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
        new("CoopRuntime: await EventLoop.Yield()", _ => CoopRuntimePeer.YieldTasks(sizes.YieldTasks, sizes.YieldsPerTask), IsBaseline: true),
        new(AsyncContextName, _ => AsyncContextPeer.YieldTasks(sizes.YieldTasks, sizes.YieldsPerTask)),
        new("ThreadPool: await Task.Yield()", _ => ThreadPoolPeer.YieldTasks(sizes.YieldTasks, sizes.YieldsPerTask)),
    ];

    public override IEnumerable<string> Verdicts(WorkloadResult result) => [Verdict.Speedup(result, AsyncContextName, 10)];
}
