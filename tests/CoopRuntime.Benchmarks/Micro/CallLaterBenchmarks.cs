using BenchmarkDotNet.Attributes;

namespace CoopRuntime.Benchmarks.Micro;

/// <summary>
/// <c>loop.CallLater(delay, static lambda, state)</c> immediately followed by <c>handle.Cancel()</c>, with 1,000,
/// 100,000 or 1,000,000 other timers pending: the life of a timeout that never fires. Insert is O(log n); cancel is lazy (O(1),
/// with an occasional O(n) compaction that is amortized over the cancels that caused it).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class CallLaterBenchmarks
{
    private const int Operations = 100_000;

    private EventLoop _loop = null!;
    private TimeSpan[] _delays = null!;

    [Params(1_000, 100_000, 1_000_000)]
    public int PendingTimers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // The loop never runs here: CallLater and Cancel only need the owner thread, so nothing ever fires.
        _loop = new EventLoop(new EventLoopOptions { Clock = new VirtualClock() });
        _delays = TimerDelays.Uniform(TimeSpan.FromHours(1), seed: 1);
        for (var i = 0; i < PendingTimers; i++)
        {
            _loop.CallLater(_delays[i & TimerDelays.Mask], static _ => { }, this);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Dispose();

    [Benchmark(OperationsPerInvoke = Operations)]
    public void InsertThenCancel()
    {
        for (var i = 0; i < Operations; i++)
        {
            var handle = _loop.CallLater(_delays[(i * 7) & TimerDelays.Mask], static _ => { }, this);
            handle.Cancel();
        }
    }
}
