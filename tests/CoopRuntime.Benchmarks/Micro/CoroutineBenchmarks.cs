using System.Collections;
using BenchmarkDotNet.Attributes;

namespace CoopRuntime.Benchmarks.Micro;

/// <summary>
/// Coroutine steps and coroutine start-up, the two numbers of the coroutine issue: 100,000 coroutines each yielding
/// null 100 times (10,000,000 steps: nanoseconds and bytes per step), and 100,000 empty coroutines started and
/// finished (the whole batch), with <c>Start</c> (an awaitable <c>Coroutine</c> object each) and with
/// <c>StartDetached</c> (pooled coroutine state, a <c>CoroutineHandle</c> struct each); plus timed steps (<c>Wait.For</c> on a virtual clock) and nested steps (a nested iterator
/// pushed and popped per step). One loop serves every invoke, so pools and queues are warm after the first.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class CoroutineBenchmarks
{
    private const int Coroutines = 100_000;
    private const int YieldsEach = 100;

    private const int TimedOrNestedCoroutines = 10_000;
    private const int StepsEach = 10;

    private EventLoop _loop = null!;
    private EventLoop _virtualLoop = null!;
    private Func<Task> _stepMany = null!;
    private Func<Task> _startEmpty = null!;
    private Func<Task> _startEmptyDetached = null!;
    private Func<Task> _timedSteps = null!;
    private Func<Task> _nestedSteps = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop();
        _stepMany = () => RunAll(static () => YieldNull(YieldsEach));
        _startEmpty = () => RunAll(static () => Empty());
        _startEmptyDetached = () => RunAllDetached(_loop, Coroutines);

        // Timed waits run on a virtual clock: the benchmark measures the timer path, not the waiting.
        _virtualLoop = new EventLoop(new EventLoopOptions { Clock = new VirtualClock() });
        _timedSteps = () => RunAll(_virtualLoop, TimedOrNestedCoroutines, static () => WaitMilliseconds(StepsEach));
        _nestedSteps = () => RunAll(_loop, TimedOrNestedCoroutines, static () => Nested(StepsEach));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _loop.Dispose();
        _virtualLoop.Dispose();
    }

    /// <summary>Per step: 100,000 coroutines × 100 <c>yield return null</c>.</summary>
    [Benchmark(OperationsPerInvoke = Coroutines * YieldsEach)]
    public void NullStep() => _loop.RunUntilComplete(_stepMany);

    /// <summary>The whole batch: 100,000 empty coroutines started and run to their end.</summary>
    [Benchmark]
    public void StartAndFinish100kEmpty() => _loop.RunUntilComplete(_startEmpty);

    /// <summary>
    /// The whole batch: 100,000 empty detached coroutines started and run to their end. The loop's default
    /// <c>EventLoopOptions.MaxPooledCoroutines</c> (unbounded) keeps every one for reuse, so after the first batch only the
    /// iterators are new.
    /// </summary>
    [Benchmark]
    public void StartAndFinish100kEmptyDetached() => _loop.RunUntilComplete(_startEmptyDetached);

    /// <summary>Per step: 10,000 coroutines × 10 <c>yield return Wait.For(1 ms)</c> on a virtual clock.</summary>
    [Benchmark(OperationsPerInvoke = TimedOrNestedCoroutines * StepsEach)]
    public void TimedStep() => _virtualLoop.RunUntilComplete(_timedSteps);

    /// <summary>Per step: 10,000 coroutines × 10 nested iterators (push, one <c>yield return null</c>, pop).</summary>
    [Benchmark(OperationsPerInvoke = TimedOrNestedCoroutines * StepsEach)]
    public void NestedStep() => _loop.RunUntilComplete(_nestedSteps);

    private Task RunAll(Func<IEnumerator> routine) => RunAll(_loop, Coroutines, routine);

    private static async Task RunAll(EventLoop loop, int count, Func<IEnumerator> routine)
    {
        Coroutine last = null!;
        for (var i = 0; i < count; i++)
        {
            last = loop.Start(routine());
        }

        // Coroutines step in start order, so the last one started finishes last.
        await last;
    }

    private static async Task RunAllDetached(EventLoop loop, int count)
    {
        var last = default(CoroutineHandle);
        for (var i = 0; i < count; i++)
        {
            last = loop.StartDetached(Empty());
        }

        // A detached coroutine cannot be awaited; they step in start order, so this yield resumes after the last one
        // ran (the loop is not idle meanwhile, so checking costs one iteration).
        while (last.IsRunning)
        {
            await EventLoop.Yield();
        }
    }

    private static IEnumerator YieldNull(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return null;
        }
    }

    private static IEnumerator Empty()
    {
        yield break;
    }

    private static IEnumerator WaitMilliseconds(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Wait.For(TimeSpan.FromMilliseconds(1));
        }
    }

    private static IEnumerator Nested(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Inner();
        }

        static IEnumerator Inner()
        {
            yield return null;
        }
    }
}
