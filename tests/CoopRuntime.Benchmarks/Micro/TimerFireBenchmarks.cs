using BenchmarkDotNet.Attributes;

namespace CoopRuntime.Benchmarks.Micro;

/// <summary>
/// Timers firing while 1,000, 100,000 or 1,000,000 are pending, under an auto-advancing VirtualClock: each timer that fires
/// schedules itself again with another random delay, so the heap stays at its size and every operation is one
/// pop, one callback and one push (plus a loop iteration when no other timer is due at the same instant).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class TimerFireBenchmarks
{
    private const int Operations = 100_000;

    private EventLoop _loop = null!;
    private TimeSpan[] _delays = null!;
    private int _next;
    private int _budget;

    [Params(1_000, 100_000, 1_000_000)]
    public int PendingTimers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop(new EventLoopOptions { Clock = new VirtualClock() });
        _delays = TimerDelays.Uniform(TimeSpan.FromMilliseconds(100), seed: 2);
        for (var i = 0; i < PendingTimers; i++)
        {
            _loop.CallLater(_delays[_next++ & TimerDelays.Mask], Fire, this);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Dispose();

    [Benchmark(OperationsPerInvoke = Operations)]
    public void FireAndReschedule()
    {
        _budget = Operations;
        _loop.RunForever();
    }

    private static void Fire(TimerFireBenchmarks benchmark)
    {
        // Always reschedule, even past the budget, so the pending count never drops.
        benchmark._loop.CallLater(benchmark._delays[benchmark._next++ & TimerDelays.Mask], Fire, benchmark);
        if (--benchmark._budget == 0)
        {
            benchmark._loop.Stop();
        }
    }
}
