using BenchmarkDotNet.Attributes;

namespace CoopRuntime.Benchmarks.Micro;

/// <summary>
/// The other sync primitives, uncontended (the operation completes at once) and contended (two tasks hand the
/// primitive back and forth, so every wait parks and every release resumes the other task on the next iteration).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class SyncPrimitiveBenchmarks
{
    private const int Operations = 200_000;

    private EventLoop _loop = null!;
    private Func<Task> _semaphoreUncontended = null!;
    private Func<Task> _semaphoreContended = null!;
    private Func<Task> _lockContended = null!;
    private Func<Task> _autoResetPingPong = null!;
    private Func<Task> _queueUncontended = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop();
        _semaphoreUncontended = SemaphoreUncontendedAsync;
        _semaphoreContended = SemaphoreContendedAsync;
        _lockContended = LockContendedAsync;
        _autoResetPingPong = AutoResetPingPongAsync;
        _queueUncontended = QueueUncontendedAsync;
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Dispose();

    /// <summary><c>AsyncSemaphore.WaitAsync</c> + <c>Release</c> with a free slot.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void SemaphoreUncontended() => _loop.RunUntilComplete(_semaphoreUncontended);

    /// <summary>Two tasks share a one-slot semaphore, yielding while they hold it: every wait parks.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void SemaphoreContended() => _loop.RunUntilComplete(_semaphoreContended);

    /// <summary>Two tasks share an <c>AsyncLock</c>, yielding while they hold it: every acquire parks.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void LockContended() => _loop.RunUntilComplete(_lockContended);

    /// <summary>Two tasks signal each other through two <c>AsyncAutoResetEvent</c>s, per round trip.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void AutoResetEventPingPong() => _loop.RunUntilComplete(_autoResetPingPong);

    /// <summary><c>AsyncQueue.EnqueueAsync</c> + <c>DequeueAsync</c> of an item that is already there.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void QueueUncontended() => _loop.RunUntilComplete(_queueUncontended);

    private static async Task SemaphoreUncontendedAsync()
    {
        var semaphore = new AsyncSemaphore(1);
        for (var i = 0; i < Operations; i++)
        {
            await semaphore.WaitAsync();
            semaphore.Release();
        }
    }

    private static async Task SemaphoreContendedAsync()
    {
        var semaphore = new AsyncSemaphore(1);
        await Task.WhenAll(TurnsAsync(), TurnsAsync());

        async Task TurnsAsync()
        {
            for (var i = 0; i < Operations / 2; i++)
            {
                await semaphore.WaitAsync();
                await EventLoop.Yield();
                semaphore.Release();
            }
        }
    }

    private static async Task LockContendedAsync()
    {
        var gate = new AsyncLock();
        await Task.WhenAll(TurnsAsync(), TurnsAsync());

        async Task TurnsAsync()
        {
            for (var i = 0; i < Operations / 2; i++)
            {
                using (await gate.LockAsync())
                {
                    await EventLoop.Yield();
                }
            }
        }
    }

    private static async Task AutoResetPingPongAsync()
    {
        var ping = new AsyncAutoResetEvent();
        var pong = new AsyncAutoResetEvent();
        var echo = EchoAsync();
        for (var i = 0; i < Operations; i++)
        {
            ping.Set();
            await pong.WaitAsync();
        }

        await echo;

        async Task EchoAsync()
        {
            for (var i = 0; i < Operations; i++)
            {
                await ping.WaitAsync();
                pong.Set();
            }
        }
    }

    private static async Task QueueUncontendedAsync()
    {
        var queue = new AsyncQueue<int>();
        for (var i = 0; i < Operations; i++)
        {
            await queue.EnqueueAsync(i);
            _ = await queue.DequeueAsync();
        }
    }
}
