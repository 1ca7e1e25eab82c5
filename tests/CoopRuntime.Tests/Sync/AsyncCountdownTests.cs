using CoopRuntime.Tests.Support;
using static CoopRuntime.Tests.Sync.SyncTestSupport;

namespace CoopRuntime.Tests.Sync;

[Collection(AllocationMeasurements.Name)]
public class AsyncCountdownTests
{
    [Fact]
    public void Constructor_NegativeCount_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsyncCountdown(-1));
    }

    [Fact]
    public void WaitAsync_InitialCountZero_CompletesSynchronously()
    {
        Run(() =>
        {
            var countdown = new AsyncCountdown(0);
            Assert.True(countdown.IsSet);
            Assert.True(countdown.WaitAsync().IsCompletedSuccessfully);
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void Signal_UntilZero_ReleasesEveryWaiterInOrderOnlyAtZero()
    {
        var order = new List<string>();

        Run(async () =>
        {
            var countdown = new AsyncCountdown(3);
            var waiters = Enumerable.Range(0, 3).Select(WaitAsync).ToArray();

            Assert.False(countdown.Signal());
            Assert.False(countdown.Signal());
            await EventLoop.Yield();
            order.Add($"count {countdown.CurrentCount}");
            Assert.True(countdown.Signal());
            Assert.Equal(new[] { "count 1" }, order);   // nobody resumed inside Signal
            await Task.WhenAll(waiters);
            Assert.True(countdown.WaitAsync().IsCompletedSuccessfully);

            async Task WaitAsync(int id)
            {
                await countdown.WaitAsync();
                order.Add($"waiter {id}");
            }
        });

        Assert.Equal(new[] { "count 1", "waiter 0", "waiter 1", "waiter 2" }, order);
    }

    [Fact]
    public void Signal_SeveralAtOnce_CountsThemAll()
    {
        Run(() =>
        {
            var countdown = new AsyncCountdown(5);
            Assert.False(countdown.Signal(3));
            Assert.Equal(2, countdown.CurrentCount);
            Assert.True(countdown.Signal(2));
            Assert.True(countdown.IsSet);
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void Signal_BelowZero_ThrowsAndLeavesTheCount()
    {
        InvalidOperationException? error = null;

        Run(() =>
        {
            var countdown = new AsyncCountdown(1);
            error = Assert.Throws<InvalidOperationException>(() => countdown.Signal(2));
            Assert.Equal(1, countdown.CurrentCount);
            Assert.Throws<ArgumentOutOfRangeException>(() => countdown.Signal(0));
            countdown.Signal();
            Assert.Throws<InvalidOperationException>(() => countdown.Signal());
            return Task.CompletedTask;
        });

        Assert.Contains("below zero", error!.Message);
    }

    [Fact]
    public void AddCount_BeforeZero_NeedsMoreSignalsAndAfterZeroThrows()
    {
        var released = false;
        InvalidOperationException? error = null;

        Run(async () =>
        {
            var countdown = new AsyncCountdown(1);
            var waiter = WaitAsync();
            countdown.AddCount(2);
            countdown.Signal();
            countdown.Signal();
            await EventLoop.Yield();
            Assert.False(released);
            countdown.Signal();
            await waiter;
            error = Assert.Throws<InvalidOperationException>(() => countdown.AddCount());

            async Task WaitAsync()
            {
                await countdown.WaitAsync();
                released = true;
            }
        });

        Assert.True(released);
        Assert.Contains("after the count reached zero", error!.Message);
    }

    [Fact]
    public void Reset_AfterZero_StartsANewRoundAndResetToZeroReleasesWaiters()
    {
        var rounds = new List<int>();

        Run(async () =>
        {
            var countdown = new AsyncCountdown(1);
            countdown.Signal();
            countdown.Reset(2);
            Assert.False(countdown.IsSet);
            var waiter = WaitAsync(1);
            countdown.Signal(2);
            await waiter;

            countdown.Reset(5);
            waiter = WaitAsync(2);
            countdown.Reset(0);
            await waiter;
            Assert.Throws<ArgumentOutOfRangeException>(() => countdown.Reset(-1));

            async Task WaitAsync(int round)
            {
                await countdown.WaitAsync();
                rounds.Add(round);
            }
        });

        Assert.Equal(new[] { 1, 2 }, rounds);
    }

    [Fact]
    public void WaitAsync_CancelThenReachZeroInTheSameCallback_OnlyThatWaiterIsCanceled()
    {
        var outcomes = new List<string>();

        Run(async () =>
        {
            var countdown = new AsyncCountdown(1);
            using var cts = new CancellationTokenSource();
            var canceled = OutcomeAsync(() => countdown.WaitAsync(cts.Token));
            var other = OutcomeAsync(() => countdown.WaitAsync());

            cts.Cancel();
            countdown.Signal();
            outcomes.AddRange(await Task.WhenAll(canceled, other));
            Assert.Equal(0, countdown.CurrentCount);
        });

        Assert.Equal(new[] { "canceled", "completed" }, outcomes);
    }

    [Fact]
    public void Signal_100000WaitersReleasedAtZero_ResumeInOrderOnLaterIterations()
    {
        var countdown = new AsyncCountdown(1);
        AssertReleasedInOrderOnLaterIterations(() => countdown.WaitAsync(), () => Assert.True(countdown.Signal()));
    }

    [Fact]
    public void Signal_FromAnotherThread_ThrowsWrongThreadException()
    {
        Exception? error = null;

        TestLoops.RunVirtual(async () =>
        {
            var countdown = new AsyncCountdown(2);
            countdown.Signal();
            error = await ThrownOnAnotherThreadAsync(() => countdown.Signal());
            Assert.Equal(1, countdown.CurrentCount);
        });

        AssertWrongThread(error, "AsyncCountdown.Signal");
    }

    [Fact]
    public void WaitAsync_WithNoLoopRunning_ThrowsInvalidOperationException()
    {
        AssertNeedsARunningLoop(() => new AsyncCountdown(1).WaitAsync(), "AsyncCountdown.WaitAsync");
    }

    [Fact]
    public void WaitAsync_RoundsOfWaitersInSteadyState_AllocatesNothing()
    {
        var probe = new AllocationProbe();

        Run(async () =>
        {
            var countdown = new AsyncCountdown(2);
            using var cts = new CancellationTokenSource();
            var waiters = Enumerable.Range(0, 4).Select(_ => WaitRoundsAsync()).ToArray();
            while (!probe.Done)
            {
                await EventLoop.Yield();
                countdown.Signal();
                if (countdown.Signal())
                {
                    countdown.Reset(2);     // the released waiters resume, then wait for the next round
                }
            }

            countdown.Reset(0);
            await Task.WhenAll(waiters);

            async Task WaitRoundsAsync()
            {
                while (!probe.Done)
                {
                    await countdown.WaitAsync(cts.Token);
                    probe.Count();
                }
            }
        });

        probe.AssertAllocatedNothing();
    }

    [Fact]
    public void WaitAsync_AlreadySetInSteadyState_AllocatesNothing()
    {
        var probe = new AllocationProbe();

        Run(async () =>
        {
            var countdown = new AsyncCountdown(0);
            while (!probe.Done)
            {
                await countdown.WaitAsync();
                probe.Count();
            }
        });

        probe.AssertAllocatedNothing();
    }
}
