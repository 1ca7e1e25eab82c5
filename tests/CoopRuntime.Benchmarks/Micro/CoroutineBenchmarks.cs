using System.Collections;
using BenchmarkDotNet.Attributes;

namespace CoopRuntime.Benchmarks.Micro;

/// <summary>
/// Coroutine steps and coroutine start-up, the two numbers of the coroutine issue: 100,000 coroutines each yielding
/// null 100 times (10,000,000 steps: nanoseconds and bytes per step), and 100,000 empty coroutines started and
/// finished (the whole batch). One loop serves every invoke, so pools and queues are warm after the first.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class CoroutineBenchmarks
{
    private const int Coroutines = 100_000;
    private const int YieldsEach = 100;

    private EventLoop _loop = null!;
    private Func<Task> _stepMany = null!;
    private Func<Task> _startEmpty = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop();
        _stepMany = () => RunAll(static () => YieldNull(YieldsEach));
        _startEmpty = () => RunAll(static () => Empty());
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Dispose();

    /// <summary>Per step: 100,000 coroutines × 100 <c>yield return null</c>.</summary>
    [Benchmark(OperationsPerInvoke = Coroutines * YieldsEach)]
    public void NullStep() => _loop.RunUntilComplete(_stepMany);

    /// <summary>The whole batch: 100,000 empty coroutines started and run to their end.</summary>
    [Benchmark]
    public void StartAndFinish100kEmpty() => _loop.RunUntilComplete(_startEmpty);

    private async Task RunAll(Func<IEnumerator> routine)
    {
        Coroutine last = null!;
        for (var i = 0; i < Coroutines; i++)
        {
            last = _loop.Start(routine());
        }

        // Coroutines step in start order, so the last one started finishes last.
        await last;
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
}
