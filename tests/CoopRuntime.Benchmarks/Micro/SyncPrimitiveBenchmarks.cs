using BenchmarkDotNet.Attributes;

namespace CoopRuntime.Benchmarks.Micro;

/// <summary>
/// Every sync primitive, uncontended (the operation completes at once) and contended (two tasks hand the
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
    private Func<Task> _queueContended = null!;
    private Func<Task> _autoResetUncontended = null!;
    private Func<Task> _eventUncontended = null!;
    private Func<Task> _eventPingPong = null!;
    private Func<Task> _conditionUncontended = null!;
    private Func<Task> _conditionPingPong = null!;
    private Func<Task> _barrierUncontended = null!;
    private Func<Task> _barrierContended = null!;
    private Func<Task> _countdownUncontended = null!;
    private Func<Task> _countdownContended = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop();
        _semaphoreUncontended = SemaphoreUncontendedAsync;
        _semaphoreContended = SemaphoreContendedAsync;
        _lockContended = LockContendedAsync;
        _autoResetPingPong = AutoResetPingPongAsync;
        _queueUncontended = QueueUncontendedAsync;
        _queueContended = QueueContendedAsync;
        _autoResetUncontended = AutoResetUncontendedAsync;
        _eventUncontended = EventUncontendedAsync;
        _eventPingPong = EventPingPongAsync;
        _conditionUncontended = ConditionUncontendedAsync;
        _conditionPingPong = ConditionPingPongAsync;
        _barrierUncontended = BarrierUncontendedAsync;
        _barrierContended = BarrierContendedAsync;
        _countdownUncontended = CountdownUncontendedAsync;
        _countdownContended = CountdownContendedAsync;
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

    /// <summary>A producer and a consumer through a bounded(1) <c>AsyncQueue</c>: every dequeue parks, per item.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void QueueContended() => _loop.RunUntilComplete(_queueContended);

    /// <summary><c>AsyncAutoResetEvent.Set</c> then <c>WaitAsync</c>, which completes at once.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void AutoResetEventUncontended() => _loop.RunUntilComplete(_autoResetUncontended);

    /// <summary><c>AsyncEvent.WaitAsync</c> on a set event: completes at once.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void EventUncontended() => _loop.RunUntilComplete(_eventUncontended);

    /// <summary>Two tasks signal each other through two manual-reset <c>AsyncEvent</c>s (set, wait, clear), per round trip.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void EventPingPong() => _loop.RunUntilComplete(_eventPingPong);

    /// <summary>Lock, <c>AsyncCondition.WaitForAsync</c> of a predicate that already holds, unlock: nothing parks.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void ConditionUncontended() => _loop.RunUntilComplete(_conditionUncontended);

    /// <summary>Two tasks take turns through one <c>AsyncCondition</c> (each waits for its turn, flips it, notifies), per round trip.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void ConditionPingPong() => _loop.RunUntilComplete(_conditionPingPong);

    /// <summary><c>AsyncBarrier.SignalAndWaitAsync</c> with one participant: every phase completes at once.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void BarrierUncontended() => _loop.RunUntilComplete(_barrierUncontended);

    /// <summary>Two participants meet at an <c>AsyncBarrier</c>: the first to arrive parks, per phase.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void BarrierContended() => _loop.RunUntilComplete(_barrierContended);

    /// <summary><c>AsyncCountdown.Reset(1)</c>, <c>Signal</c>, then <c>WaitAsync</c>, which completes at once.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void CountdownUncontended() => _loop.RunUntilComplete(_countdownUncontended);

    /// <summary>A task waits on an <c>AsyncCountdown</c> of 1 that another task signals: the wait parks, per round.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void CountdownContended() => _loop.RunUntilComplete(_countdownContended);

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

    private static async Task QueueContendedAsync()
    {
        var queue = new AsyncQueue<int>(1);
        var consumer = ConsumeAsync();
        for (var i = 0; i < Operations; i++)
        {
            await queue.EnqueueAsync(i);
        }

        await consumer;

        async Task ConsumeAsync()
        {
            for (var i = 0; i < Operations; i++)
            {
                _ = await queue.DequeueAsync();
            }
        }
    }

    private static async Task AutoResetUncontendedAsync()
    {
        var signal = new AsyncAutoResetEvent();
        for (var i = 0; i < Operations; i++)
        {
            signal.Set();
            await signal.WaitAsync();
        }
    }

    private static async Task EventUncontendedAsync()
    {
        var open = new AsyncEvent(initialState: true);
        for (var i = 0; i < Operations; i++)
        {
            await open.WaitAsync();
        }
    }

    private static async Task EventPingPongAsync()
    {
        var ping = new AsyncEvent();
        var pong = new AsyncEvent();
        var echo = EchoAsync();
        for (var i = 0; i < Operations; i++)
        {
            ping.Set();
            await pong.WaitAsync();
            pong.Clear();
        }

        await echo;

        async Task EchoAsync()
        {
            for (var i = 0; i < Operations; i++)
            {
                await ping.WaitAsync();
                ping.Clear();
                pong.Set();
            }
        }
    }

    private static async Task ConditionUncontendedAsync()
    {
        var condition = new AsyncCondition();
        Func<bool> always = static () => true;
        for (var i = 0; i < Operations; i++)
        {
            using (await condition.Lock.LockAsync())
            {
                await condition.WaitForAsync(always);
            }
        }
    }

    private static async Task ConditionPingPongAsync()
    {
        var condition = new AsyncCondition();
        var firstsTurn = true;
        Func<bool> first = () => firstsTurn;
        Func<bool> second = () => !firstsTurn;
        await Task.WhenAll(TurnsAsync(first, false), TurnsAsync(second, true));

        async Task TurnsAsync(Func<bool> myTurn, bool next)
        {
            for (var i = 0; i < Operations; i++)
            {
                using (await condition.Lock.LockAsync())
                {
                    await condition.WaitForAsync(myTurn);
                    firstsTurn = next;
                    condition.Notify();
                }
            }
        }
    }

    private static async Task BarrierUncontendedAsync()
    {
        var barrier = new AsyncBarrier(1);
        for (var i = 0; i < Operations; i++)
        {
            await barrier.SignalAndWaitAsync();
        }
    }

    private static async Task BarrierContendedAsync()
    {
        var barrier = new AsyncBarrier(2);
        await Task.WhenAll(PhasesAsync(), PhasesAsync());

        async Task PhasesAsync()
        {
            for (var i = 0; i < Operations; i++)
            {
                await barrier.SignalAndWaitAsync();
            }
        }
    }

    private static async Task CountdownUncontendedAsync()
    {
        var countdown = new AsyncCountdown(1);
        for (var i = 0; i < Operations; i++)
        {
            countdown.Reset(1);
            countdown.Signal();
            await countdown.WaitAsync();
        }
    }

    private static async Task CountdownContendedAsync()
    {
        var countdown = new AsyncCountdown(1);
        var signalled = new AsyncAutoResetEvent();
        var signaller = SignalAsync();
        for (var i = 0; i < Operations; i++)
        {
            await countdown.WaitAsync();
            countdown.Reset(1);
            signalled.Set();
        }

        await signaller;

        async Task SignalAsync()
        {
            for (var i = 0; i < Operations; i++)
            {
                countdown.Signal();
                await signalled.WaitAsync();
            }
        }
    }
}
