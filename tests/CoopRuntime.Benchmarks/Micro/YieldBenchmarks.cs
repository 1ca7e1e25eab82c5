using BenchmarkDotNet.Attributes;
using CoopRuntime.Benchmarks.Peers;

namespace CoopRuntime.Benchmarks.Micro;

/// <summary>
/// <c>await EventLoop.Yield()</c>: suspend, queue the continuation, resume on the next iteration. One async method
/// yields many times per invoke, so its own Task and the run's bookkeeping divide away.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class YieldBenchmarks
{
    private const int Operations = 100_000;

    private EventLoop _loop = null!;
    private Func<Task> _yieldMany = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop();
        _yieldMany = static () => CoopRuntimePeer.YieldMany(Operations);
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Dispose();

    [Benchmark(OperationsPerInvoke = Operations)]
    public void AwaitYield() => _loop.RunUntilComplete(_yieldMany);
}
