using BenchmarkDotNet.Attributes;
using CoopRuntime.Benchmarks.Peers;

namespace CoopRuntime.Benchmarks.Micro;

/// <summary>
/// <c>await EventLoop.Sleep(1 ms)</c> under an auto-advancing VirtualClock: a pooled sleep operation, a timer insert,
/// the loop's jump to the deadline, the timer firing and the inline resume, with no real waiting.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class SleepBenchmarks
{
    private const int Operations = 100_000;

    private EventLoop _loop = null!;
    private Func<Task> _sleepMany = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop(new EventLoopOptions { Clock = new VirtualClock() });
        _sleepMany = static () => CoopRuntimePeer.SleepMany(Operations);
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Dispose();

    [Benchmark(OperationsPerInvoke = Operations)]
    public void AwaitSleepVirtualClock() => _loop.RunUntilComplete(_sleepMany);
}
