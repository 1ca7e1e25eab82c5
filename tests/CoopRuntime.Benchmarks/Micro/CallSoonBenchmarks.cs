using BenchmarkDotNet.Attributes;
using CoopRuntime.Benchmarks.Peers;

namespace CoopRuntime.Benchmarks.Micro;

/// <summary>
/// <c>loop.CallSoon(static lambda, state)</c>: the cheapest way to run something on the loop. Per operation, so the
/// per-invoke cost of entering and leaving a run (a few dozen bytes) disappears in the division.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class CallSoonBenchmarks
{
    private const int Operations = 100_000;

    private EventLoop _loop = null!;
    private Counter _counter = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop();
        _counter = new Counter();
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Dispose();

    /// <summary>Each callback schedules the next: one callback per loop iteration, so this includes the iteration's own overhead.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void ChainOnePerIteration() => CoopRuntimePeer.RunPostChain(_loop, Operations);

    /// <summary>All callbacks scheduled up front and run in one iteration: the ready queue's enqueue, dequeue and invoke.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void BatchInOneIteration()
    {
        for (var i = 0; i < Operations; i++)
        {
            _loop.CallSoon(static c => c.Value++, _counter);
        }

        // A stop requested before the run makes it do exactly one iteration: the batch.
        _loop.Stop();
        _loop.RunForever();
    }

    private sealed class Counter
    {
        public long Value;
    }
}
