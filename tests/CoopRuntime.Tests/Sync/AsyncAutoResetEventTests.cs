using CoopRuntime.Tests.Support;
using static CoopRuntime.Tests.Sync.SyncTestSupport;

namespace CoopRuntime.Tests.Sync;

[Collection(AllocationMeasurements.Name)]
public class AsyncAutoResetEventTests
{
    [Fact]
    public void WaitAsync_EventSet_ConsumesTheSignalOnce()
    {
        Run(() =>
        {
            var signal = new AsyncAutoResetEvent(initialState: true);
            Assert.True(signal.WaitAsync().IsCompletedSuccessfully);
            Assert.False(signal.IsSet);
            Assert.False(signal.WaitAsync().IsCompleted);
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void Set_WithNobodyWaitingTwice_IsConsumedByOneWaitOnly()
    {
        Run(() =>
        {
            var signal = new AsyncAutoResetEvent();
            signal.Set();
            signal.Set();
            Assert.True(signal.WaitAsync().IsCompletedSuccessfully);
            Assert.False(signal.WaitAsync().IsCompleted);
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void Reset_PendingSignal_IsDropped()
    {
        Run(() =>
        {
            var signal = new AsyncAutoResetEvent(initialState: true);
            signal.Reset();
            Assert.False(signal.IsSet);
            Assert.False(signal.WaitAsync().IsCompleted);
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void Set_WithWaiters_ReleasesOneWaiterPerSetInWaitOrder()
    {
        var order = new List<int>();

        Run(async () =>
        {
            var signal = new AsyncAutoResetEvent();
            var waiters = Enumerable.Range(0, 4).Select(WaitAsync).ToArray();

            signal.Set();
            Assert.False(signal.IsSet);         // the signal went to a waiter, not to the event
            await EventLoop.Yield();
            Assert.Equal(new[] { 0 }, order);

            var newcomer = WaitAsync(99);       // queues behind the three still waiting
            for (var i = 0; i < 4; i++)
            {
                signal.Set();
            }

            await Task.WhenAll(waiters.Append(newcomer));

            async Task WaitAsync(int id)
            {
                await signal.WaitAsync();
                order.Add(id);
            }
        });

        Assert.Equal(new[] { 0, 1, 2, 3, 99 }, order);
    }

    [Fact]
    public void WaitAsync_CancelThenSetInTheSameCallback_SignalGoesToTheNextWaiter()
    {
        var outcomes = new List<string>();

        Run(async () =>
        {
            var signal = new AsyncAutoResetEvent();
            using var cts = new CancellationTokenSource();
            var canceled = OutcomeAsync(() => signal.WaitAsync(cts.Token));
            var next = OutcomeAsync(() => signal.WaitAsync());

            cts.Cancel();
            signal.Set();
            outcomes.AddRange(await Task.WhenAll(canceled, next));
            Assert.False(signal.IsSet);
        });

        Assert.Equal(new[] { "canceled", "completed" }, outcomes);
    }

    [Fact]
    public void WaitAsync_OnlyWaiterCanceledThenSet_TheEventStaysSet()
    {
        Run(async () =>
        {
            var signal = new AsyncAutoResetEvent();
            using var cts = new CancellationTokenSource();
            var canceled = OutcomeAsync(() => signal.WaitAsync(cts.Token));

            cts.Cancel();
            signal.Set();
            Assert.True(signal.IsSet);
            Assert.Equal("canceled", await canceled);
        });
    }

    [Fact]
    public void WaitAsync_SetThenCancelInTheSameCallback_TheWaiterKeepsTheSignal()
    {
        var outcomes = new List<string>();

        Run(async () =>
        {
            var signal = new AsyncAutoResetEvent();
            using var cts = new CancellationTokenSource();
            var granted = OutcomeAsync(() => signal.WaitAsync(cts.Token));
            var next = signal.WaitAsync();

            signal.Set();
            cts.Cancel();
            outcomes.Add(await granted);
            outcomes.Add(next.IsCompleted ? "next completed" : "next waiting");
            signal.Set();
            await next;
        });

        Assert.Equal(new[] { "completed", "next waiting" }, outcomes);
    }

    [Fact]
    public void Set_100000TimesWith100000Waiters_ResumesThemInOrderOnLaterIterations()
    {
        var signal = new AsyncAutoResetEvent();
        AssertReleasedInOrderOnLaterIterations(
            () => signal.WaitAsync(),
            () =>
            {
                for (var i = 0; i < 100_000; i++)
                {
                    signal.Set();
                }
            });
        Assert.False(signal.IsSet);
    }

    [Fact]
    public void Set_FromAnotherThread_ThrowsWrongThreadException()
    {
        Exception? error = null;

        TestLoops.RunVirtual(async () =>
        {
            var signal = new AsyncAutoResetEvent();
            signal.Reset();
            error = await ThrownOnAnotherThreadAsync(signal.Set);
            Assert.False(signal.IsSet);
        });

        AssertWrongThread(error, "AsyncAutoResetEvent.Set");
    }

    [Fact]
    public void Set_WithNoLoopRunning_ThrowsInvalidOperationException()
    {
        AssertNeedsARunningLoop(() => new AsyncAutoResetEvent().Set(), "AsyncAutoResetEvent.Set");
    }

    [Fact]
    public void WaitAsync_PingPongInSteadyState_AllocatesNothing()
    {
        var probe = new AllocationProbe();

        Run(async () =>
        {
            var ping = new AsyncAutoResetEvent();
            var pong = new AsyncAutoResetEvent();
            using var cts = new CancellationTokenSource();
            var other = PongAsync();
            while (!probe.Done)
            {
                ping.Set();
                await pong.WaitAsync(cts.Token);
                probe.Count();
            }

            ping.Set();
            await other;

            async Task PongAsync()
            {
                while (!probe.Done)
                {
                    await ping.WaitAsync(cts.Token);
                    pong.Set();
                }
            }
        });

        probe.AssertAllocatedNothing();
    }

    [Fact]
    public void WaitAsync_SignalPendingInSteadyState_AllocatesNothing()
    {
        var probe = new AllocationProbe();

        Run(async () =>
        {
            var signal = new AsyncAutoResetEvent();
            while (!probe.Done)
            {
                signal.Set();
                await signal.WaitAsync();
                probe.Count();
            }
        });

        probe.AssertAllocatedNothing();
    }
}
