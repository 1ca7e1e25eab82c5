using BenchmarkDotNet.Attributes;

namespace CoopRuntime.Benchmarks.Micro;

/// <summary>
/// <c>loop.Spawn(body)</c> until the task has finished and left the loop's live set: the per-task bookkeeping.
/// "Completed" bodies return a finished task (the spawn cost alone); "yielding" bodies await one
/// <c>EventLoop.Yield()</c>, so the task finishes later through the completion callback path.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class SpawnBenchmarks
{
    private const int Operations = 10_000;

    private static readonly Func<CancellationToken, Task> CompletedBody = static _ => Task.CompletedTask;
    private static readonly Func<CancellationToken, Task> YieldingBody = static async _ => await EventLoop.Yield();

    private EventLoop _loop = null!;
    private Func<Task> _spawnCompleted = null!;
    private Func<Task> _spawnYielding = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop();
        _spawnCompleted = () => SpawnAndDrain(CompletedBody);
        _spawnYielding = () => SpawnAndDrain(YieldingBody);
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Dispose();

    [Benchmark(OperationsPerInvoke = Operations)]
    public void SpawnCompletedBody() => _loop.RunUntilComplete(_spawnCompleted);

    [Benchmark(OperationsPerInvoke = Operations)]
    public void SpawnYieldingBody() => _loop.RunUntilComplete(_spawnYielding);

    private async Task SpawnAndDrain(Func<CancellationToken, Task> body)
    {
        for (var i = 0; i < Operations; i++)
        {
            _ = _loop.Spawn(body);
        }

        // LiveTaskCount (internal, visible to this assembly) drops to zero once every task has finished.
        while (_loop.LiveTaskCount > 0)
        {
            await EventLoop.Yield();
        }
    }
}
