using CoopRuntime.Tests.Support;
using static CoopRuntime.Tests.Sync.SyncTestSupport;

namespace CoopRuntime.Tests.Sync;

[Collection(AllocationMeasurements.Name)]
public class AsyncEventTests
{
    [Fact]
    public void WaitAsync_EventSet_CompletesSynchronouslyUntilCleared()
    {
        Run(() =>
        {
            var ready = new AsyncEvent(initialState: true);
            Assert.True(ready.IsSet);
            Assert.True(ready.WaitAsync().IsCompletedSuccessfully);
            Assert.True(ready.WaitAsync().IsCompletedSuccessfully);

            ready.Clear();
            Assert.False(ready.IsSet);
            Assert.False(ready.WaitAsync().IsCompleted);
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void Set_WithWaiters_WakesAllInWaitOrderAfterSetReturns()
    {
        var order = new List<int>();
        var ranInsideSet = false;

        Run(async () =>
        {
            var ready = new AsyncEvent();
            var waiters = Enumerable.Range(0, 5).Select(WaitAsync).ToArray();
            ready.Set();
            ranInsideSet = order.Count > 0;
            await Task.WhenAll(waiters);

            async Task WaitAsync(int id)
            {
                await ready.WaitAsync();
                order.Add(id);
            }
        });

        Assert.False(ranInsideSet);
        Assert.Equal(Enumerable.Range(0, 5), order);
    }

    [Fact]
    public void Clear_RightAfterSet_DoesNotTakeTheWakeUpBack()
    {
        var woke = 0;

        Run(async () =>
        {
            var ready = new AsyncEvent();
            var waiters = Enumerable.Range(0, 3).Select(async _ => { await ready.WaitAsync(); woke++; }).ToArray();
            ready.Set();
            ready.Clear();
            var late = ready.WaitAsync();
            await Task.WhenAll(waiters);
            Assert.False(late.IsCompleted);
            ready.Set();
            await late;
        });

        Assert.Equal(3, woke);
    }

    [Fact]
    public void WaitAsync_CancelThenSetInTheSameCallback_OnlyThatWaiterIsCanceled()
    {
        var outcomes = new List<string>();

        Run(async () =>
        {
            var ready = new AsyncEvent();
            using var cts = new CancellationTokenSource();
            var first = OutcomeAsync(() => ready.WaitAsync());
            var canceled = OutcomeAsync(() => ready.WaitAsync(cts.Token));
            var third = OutcomeAsync(() => ready.WaitAsync());

            cts.Cancel();
            ready.Set();
            outcomes.AddRange(await Task.WhenAll(first, canceled, third));
        });

        Assert.Equal(new[] { "completed", "canceled", "completed" }, outcomes);
    }

    [Fact]
    public void WaitAsync_SetThenCancelInTheSameCallback_TheWaitCompletes()
    {
        string? outcome = null;

        Run(async () =>
        {
            var ready = new AsyncEvent();
            using var cts = new CancellationTokenSource();
            var wait = OutcomeAsync(() => ready.WaitAsync(cts.Token));
            ready.Set();
            cts.Cancel();
            outcome = await wait;
        });

        Assert.Equal("completed", outcome);
    }

    [Fact]
    public void Set_100000Waiters_ResumesThemInOrderOnLaterIterations()
    {
        var ready = new AsyncEvent();
        AssertReleasedInOrderOnLaterIterations(() => ready.WaitAsync(), ready.Set);
    }

    [Fact]
    public void Set_FromAnotherThread_ThrowsWrongThreadException()
    {
        Exception? error = null;

        TestLoops.RunVirtual(async () =>
        {
            var ready = new AsyncEvent();
            _ = ready.WaitAsync();
            error = await ThrownOnAnotherThreadAsync(ready.Set);
            Assert.False(ready.IsSet);
            ready.Set();
        });

        AssertWrongThread(error, "AsyncEvent.Set");
    }

    [Fact]
    public void WaitAsync_WithNoLoopRunning_ThrowsInvalidOperationException()
    {
        AssertNeedsARunningLoop(() => new AsyncEvent().WaitAsync(), "AsyncEvent.WaitAsync");
    }

    [Fact]
    public void WaitAsync_SetEventInSteadyState_AllocatesNothing()
    {
        var probe = new AllocationProbe();

        Run(async () =>
        {
            var ready = new AsyncEvent(initialState: true);
            while (!probe.Done)
            {
                await ready.WaitAsync();
                probe.Count();
            }
        });

        probe.AssertAllocatedNothing();
    }

    [Fact]
    public void WaitAsync_PingPongInSteadyState_AllocatesNothing()
    {
        var probe = new AllocationProbe();

        Run(async () =>
        {
            var ping = new AsyncEvent();
            var pong = new AsyncEvent();
            using var cts = new CancellationTokenSource();
            var waiters = Enumerable.Range(0, 3).Select(_ => PingedAsync()).ToArray();
            while (!probe.Done)
            {
                ping.Set();
                ping.Clear();
                await pong.WaitAsync(cts.Token);
                pong.Clear();
                probe.Count();
            }

            ping.Set();
            await Task.WhenAll(waiters);

            async Task PingedAsync()
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
}
