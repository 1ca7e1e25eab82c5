using CoopRuntime.Tests.Support;
using static CoopRuntime.Tests.Sync.SyncTestSupport;

namespace CoopRuntime.Tests.Sync;

[Collection(AllocationMeasurements.Name)]
public class AsyncLockTests
{
    [Fact]
    public void LockAsync_Uncontended_CompletesSynchronouslyAndDisposeReleases()
    {
        var states = new List<bool>();

        Run(() =>
        {
            var gate = new AsyncLock();
            states.Add(gate.IsLocked);
            var take = gate.LockAsync();
            Assert.True(take.IsCompletedSuccessfully);
            using (take.Result)
            {
                states.Add(gate.IsLocked);
            }

            states.Add(gate.IsLocked);
            return Task.CompletedTask;
        });

        Assert.Equal(new[] { false, true, false }, states);
    }

    [Fact]
    public void LockAsync_ManyContenders_GrantsInRequestOrderOneAtATime()
    {
        var order = new List<int>();
        var inside = 0;
        var maxInside = 0;

        Run(async () =>
        {
            var gate = new AsyncLock();
            async Task WorkAsync(int id)
            {
                using (await gate.LockAsync())
                {
                    inside++;
                    maxInside = Math.Max(maxInside, inside);
                    order.Add(id);
                    await EventLoop.Yield();
                    await EventLoop.Sleep(TimeSpan.FromMilliseconds(5 - id % 5));
                    inside--;
                }
            }

            await Task.WhenAll(Enumerable.Range(0, 20).Select(WorkAsync));
        });

        Assert.Equal(Enumerable.Range(0, 20), order);
        Assert.Equal(1, maxInside);
    }

    [Fact]
    public void LockAsync_CalledWhileWaitersAreQueued_QueuesBehindThemEvenRightAfterARelease()
    {
        var order = new List<string>();

        Run(async () =>
        {
            var gate = new AsyncLock();
            var held = await gate.LockAsync();
            var waiter = TakeAsync(gate, "waiter", order);

            held.Dispose();                 // hands the lock to the waiter...
            Assert.True(gate.IsLocked);     // ...so it never looks free to a newcomer
            var newcomer = gate.LockAsync();
            Assert.False(newcomer.IsCompleted);

            await waiter;
            using (await newcomer)
            {
                order.Add("newcomer");
            }
        });

        Assert.Equal(new[] { "waiter", "newcomer" }, order);
    }

    private static async Task TakeAsync(AsyncLock gate, string name, List<string> order, CancellationToken cancellationToken = default)
    {
        using (await gate.LockAsync(cancellationToken))
        {
            order.Add(name);
        }
    }

    [Fact]
    public void Release_WithAWaiter_ResumesItOnALaterIterationNotInsideDispose()
    {
        var resumed = false;
        var resumedInsideDispose = true;

        Run(async () =>
        {
            var gate = new AsyncLock();
            var held = await gate.LockAsync();
            var waiter = Take();
            held.Dispose();
            resumedInsideDispose = resumed;
            await waiter;

            async Task Take()
            {
                using (await gate.LockAsync())
                {
                    resumed = true;
                }
            }
        });

        Assert.True(resumed);
        Assert.False(resumedInsideDispose);
    }

    [Fact]
    public void LockAsync_WaiterCanceled_LeavesTheQueueAndTheOthersKeepTheirOrder()
    {
        var order = new List<string>();
        string? canceledOutcome = null;

        Run(async () =>
        {
            var gate = new AsyncLock();
            using var cts = new CancellationTokenSource();
            var held = await gate.LockAsync();
            var first = TakeAsync(gate, "first", order);
            var canceled = OutcomeAsync(async () => { using (await gate.LockAsync(cts.Token)) { order.Add("canceled"); } });
            var third = TakeAsync(gate, "third", order);

            cts.Cancel();
            await EventLoop.Yield();        // the cancel item runs: the middle waiter leaves the queue
            held.Dispose();
            await Task.WhenAll(first, third);
            canceledOutcome = await canceled;
            Assert.False(gate.IsLocked);
        });

        Assert.Equal(new[] { "first", "third" }, order);
        Assert.Equal("canceled", canceledOutcome);
    }

    [Theory]
    [InlineData(true, "canceled", new[] { "next" })]
    [InlineData(false, "completed", new[] { "waiter", "next" })]
    public void LockAsync_CancelAndReleaseInTheSameCallback_WhicheverTheLoopSeesFirstWins(
        bool cancelFirst, string expectedOutcome, string[] expectedOrder)
    {
        var order = new List<string>();
        string? outcome = null;

        Run(async () =>
        {
            var gate = new AsyncLock();
            using var cts = new CancellationTokenSource();
            var held = await gate.LockAsync();
            var waiter = OutcomeAsync(async () => { using (await gate.LockAsync(cts.Token)) { order.Add("waiter"); } });
            var next = TakeAsync(gate, "next", order);

            if (cancelFirst)
            {
                cts.Cancel();       // its cancel item has not run yet, but the release sees the cancellation...
                held.Dispose();     // ...and passes the lock on
            }
            else
            {
                held.Dispose();     // the lock is handed over first...
                cts.Cancel();       // ...so the cancellation comes too late to matter: the waiter keeps the lock
            }

            outcome = await waiter;
            await next;
            Assert.False(gate.IsLocked);
        });

        Assert.Equal(expectedOutcome, outcome);
        Assert.Equal(expectedOrder, order);
    }

    [Fact]
    public void LockAsync_TokenAlreadyCanceled_ThrowsWithoutTakingAFreeLock()
    {
        Run(async () =>
        {
            var gate = new AsyncLock();
            var task = gate.LockAsync(new CancellationToken(canceled: true));
            Assert.True(task.IsCanceled);
            Assert.False(gate.IsLocked);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await task);
        });
    }

    [Fact]
    public void Releaser_DisposedTwiceOrThroughACopy_ReleasesOnlyItsOwnHold()
    {
        Run(async () =>
        {
            var gate = new AsyncLock();
            var first = await gate.LockAsync();
            var copy = first;
            first.Dispose();
            var second = await gate.LockAsync();

            first.Dispose();    // stale: the lock now belongs to the second hold
            copy.Dispose();
            Assert.True(gate.IsLocked);

            second.Dispose();
            Assert.False(gate.IsLocked);
            default(AsyncLock.Releaser).Dispose();
        });
    }

    [Fact]
    public void LockAsync_ContendedValueTaskAwaitedTwice_ThrowsAClearError()
    {
        InvalidOperationException? error = null;

        Run(async () =>
        {
            var gate = new AsyncLock();
            var held = await gate.LockAsync();
            var take = gate.LockAsync();
            held.Dispose();
            (await take).Dispose();
            error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await take);
        });

        Assert.Contains("already awaited", error!.Message);
    }

    [Fact]
    public void LockAsync_100000Waiters_AllGetTheLockInOrderWithoutNesting()
    {
        const int Count = 100_000;
        var order = new List<int>(Count);
        var maxDepth = 0;
        var depth = 0;

        Run(async () =>
        {
            var gate = new AsyncLock();
            var held = await gate.LockAsync();
            var waiters = new Task[Count];
            for (var i = 0; i < Count; i++)
            {
                waiters[i] = Take(i);
            }

            held.Dispose();
            await Task.WhenAll(waiters);

            async Task Take(int id)
            {
                using (await gate.LockAsync())
                {
                    depth++;
                    maxDepth = Math.Max(maxDepth, depth);
                    order.Add(id);
                    depth--;
                }
            }
        });

        Assert.Equal(Enumerable.Range(0, Count), order);
        Assert.Equal(1, maxDepth);
    }

    [Fact]
    public void LockAsync_FromAnotherThread_ThrowsWrongThreadException()
    {
        Exception? lockError = null;
        Exception? releaseError = null;

        TestLoops.RunVirtual(async () =>
        {
            var gate = new AsyncLock();
            var held = await gate.LockAsync();
            lockError = await ThrownOnAnotherThreadAsync(() => gate.LockAsync());
            releaseError = await ThrownOnAnotherThreadAsync(() => held.Dispose());
            Assert.True(gate.IsLocked);
            held.Dispose();
        });

        AssertWrongThread(lockError, "AsyncLock.LockAsync");
        AssertWrongThread(releaseError, "AsyncLock.Releaser.Dispose");
    }

    [Fact]
    public void LockAsync_WithNoLoopRunning_ThrowsInvalidOperationException()
    {
        AssertNeedsARunningLoop(() => new AsyncLock().LockAsync(), "AsyncLock.LockAsync");
    }

    [Fact]
    public void LockAsync_FromASecondLoopOnTheSameThread_ThrowsWrongThreadException()
    {
        var gate = new AsyncLock();
        TestLoops.RunVirtual(async () => (await gate.LockAsync()).Dispose());

        Exception? error = null;
        TestLoops.RunVirtual(() =>
        {
            error = Record.Exception(() => gate.LockAsync());
            return Task.CompletedTask;
        });

        Assert.IsType<WrongThreadException>(error);
        Assert.Contains("different EventLoop", error!.Message);
        Assert.Contains("now closed", error.Message);
    }

    [Fact]
    public void LockAsync_ConstructedOffTheLoop_BindsToTheLoopOfFirstUse()
    {
        var gate = new AsyncLock();

        Run(async () =>
        {
            using (await gate.LockAsync())
            {
                Assert.True(gate.IsLocked);
            }
        });

        Assert.False(gate.IsLocked);
    }

    [Fact]
    public void LockAsync_UncontendedInSteadyState_AllocatesNothing()
    {
        var probe = new AllocationProbe();

        Run(async () =>
        {
            var gate = new AsyncLock();
            while (!probe.Done)
            {
                using (await gate.LockAsync())
                {
                    probe.Count();
                }
            }
        });

        probe.AssertAllocatedNothing();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LockAsync_ContendedInSteadyState_AllocatesNothing(bool cancellable)
    {
        var probe = new AllocationProbe();
        var handOffs = 0;

        Run(async () =>
        {
            var gate = new AsyncLock();
            using var cts = new CancellationTokenSource();
            var token = cancellable ? cts.Token : CancellationToken.None;
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => WorkAsync()));

            async Task WorkAsync()
            {
                while (!probe.Done)
                {
                    var take = gate.LockAsync(token);
                    if (probe.Measuring && !take.IsCompleted)
                    {
                        handOffs++;
                    }

                    using (await take)
                    {
                        probe.Count();
                        await EventLoop.Yield();
                    }
                }
            }
        });

        probe.AssertAllocatedNothing();
        Assert.True(handOffs >= AllocationProbe.Measured / 2, $"Only {handOffs} of the measured acquisitions waited.");
    }
}
