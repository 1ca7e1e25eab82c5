using CoopRuntime.Tests.Support;
using static CoopRuntime.Tests.Sync.SyncTestSupport;

namespace CoopRuntime.Tests.Sync;

[Collection(AllocationMeasurements.Name)]
public class AsyncSemaphoreTests
{
    private static async Task WaitThenRecordAsync(AsyncSemaphore semaphore, int id, List<int> order, CancellationToken cancellationToken = default)
    {
        await semaphore.WaitAsync(cancellationToken);
        order.Add(id);
    }

    [Fact]
    public void Constructor_InvalidCounts_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsyncSemaphore(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsyncSemaphore(2, maxCount: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsyncSemaphore(0, maxCount: 0));
    }

    [Fact]
    public void WaitAsync_PermitsFree_CompletesSynchronouslyAndTakesOne()
    {
        Run(() =>
        {
            var semaphore = new AsyncSemaphore(2);
            Assert.True(semaphore.WaitAsync().IsCompletedSuccessfully);
            Assert.True(semaphore.WaitAsync().IsCompletedSuccessfully);
            Assert.Equal(0, semaphore.CurrentCount);
            Assert.False(semaphore.WaitAsync().IsCompleted);
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void WaitAsync_ConcurrencyLimit_NeverMoreThanTheCountInsideAndFifoEntry()
    {
        var entered = new List<int>();
        var inside = 0;
        var maxInside = 0;

        Run(async () =>
        {
            var semaphore = new AsyncSemaphore(3);
            async Task WorkAsync(int id)
            {
                await semaphore.WaitAsync();
                try
                {
                    entered.Add(id);
                    inside++;
                    maxInside = Math.Max(maxInside, inside);
                    await EventLoop.Sleep(TimeSpan.FromMilliseconds(1 + id % 4));
                    inside--;
                }
                finally
                {
                    semaphore.Release();
                }
            }

            await Task.WhenAll(Enumerable.Range(0, 30).Select(WorkAsync));
            Assert.Equal(3, semaphore.CurrentCount);
        });

        Assert.Equal(3, maxInside);
        Assert.Equal(Enumerable.Range(0, 3), entered.Take(3));
        Assert.Equal(30, entered.Distinct().Count());
    }

    [Fact]
    public void Release_WithWaiters_ServesThemInOrderAndNewcomersQueueBehind()
    {
        var order = new List<int>();

        Run(async () =>
        {
            var semaphore = new AsyncSemaphore(0);
            var waiters = Enumerable.Range(0, 5).Select(i => WaitThenRecordAsync(semaphore, i, order)).ToArray();

            var previous = semaphore.Release(2);
            Assert.Equal(0, previous);
            Assert.Equal(0, semaphore.CurrentCount);        // the permits went to waiters, not to the count
            Assert.Empty(order);                            // and nobody ran inside Release
            var newcomer = WaitThenRecordAsync(semaphore, 99, order);

            semaphore.Release(4);                           // three waiters and the newcomer, in that order
            await Task.WhenAll(waiters.Append(newcomer));
            Assert.Equal(0, semaphore.CurrentCount);
        });

        Assert.Equal(new[] { 0, 1, 2, 3, 4, 99 }, order);
    }

    [Fact]
    public void Release_MoreThanMaxCount_ThrowsSemaphoreFullExceptionAndChangesNothing()
    {
        SemaphoreFullException? error = null;

        Run(async () =>
        {
            var semaphore = new AsyncSemaphore(1, maxCount: 1);
            await semaphore.WaitAsync();
            semaphore.Release();
            error = Assert.Throws<SemaphoreFullException>(() => semaphore.Release());
            Assert.Equal(1, semaphore.CurrentCount);
            Assert.Throws<SemaphoreFullException>(() => new AsyncSemaphore(0, maxCount: 2).Release(3));
        });

        Assert.Contains("above its maximum of 1", error!.Message);
        Assert.Contains("released more times than it was waited on", error.Message);
    }

    [Fact]
    public void Release_Unbounded_GrowsTheCountPastTheInitialCount()
    {
        Run(() =>
        {
            var semaphore = new AsyncSemaphore(1);
            semaphore.Release(5);
            Assert.Equal(6, semaphore.CurrentCount);
            Assert.Throws<ArgumentOutOfRangeException>(() => semaphore.Release(0));
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void WaitAsync_CancelThenReleaseInTheSameCallback_PermitGoesToTheNextWaiter()
    {
        var order = new List<int>();
        string? canceledOutcome = null;

        Run(async () =>
        {
            var semaphore = new AsyncSemaphore(0);
            using var cts = new CancellationTokenSource();
            var canceled = OutcomeAsync(() => semaphore.WaitAsync(cts.Token));
            var next = WaitThenRecordAsync(semaphore, 1, order);

            cts.Cancel();
            semaphore.Release();

            canceledOutcome = await canceled;
            await next;
            Assert.Equal(0, semaphore.CurrentCount);
        });

        Assert.Equal("canceled", canceledOutcome);
        Assert.Equal(new[] { 1 }, order);
    }

    [Fact]
    public void WaitAsync_ReleaseThenCancelInTheSameCallback_TheWaiterKeepsItsPermit()
    {
        string? outcome = null;
        var nextWaiting = false;

        Run(async () =>
        {
            var semaphore = new AsyncSemaphore(0);
            using var cts = new CancellationTokenSource();
            var granted = OutcomeAsync(() => semaphore.WaitAsync(cts.Token));
            var next = semaphore.WaitAsync();

            semaphore.Release();
            cts.Cancel();

            outcome = await granted;
            nextWaiting = !next.IsCompleted;
            semaphore.Release();        // the permit the granted waiter held
            await next;
        });

        Assert.Equal("completed", outcome);
        Assert.True(nextWaiting);
    }

    [Fact]
    public void WaitAsync_OnlyWaiterCanceledBeforeARelease_ThePermitIsNotLost()
    {
        Run(async () =>
        {
            var semaphore = new AsyncSemaphore(0);
            using var cts = new CancellationTokenSource();
            var canceled = OutcomeAsync(() => semaphore.WaitAsync(cts.Token));

            cts.Cancel();
            semaphore.Release();
            Assert.Equal(1, semaphore.CurrentCount);
            Assert.Equal("canceled", await canceled);

            Assert.True(semaphore.WaitAsync().IsCompletedSuccessfully);
        });
    }

    [Fact]
    public void WaitAsync_CanceledWaiterInTheMiddle_OthersKeepTheirOrder()
    {
        var order = new List<int>();

        Run(async () =>
        {
            var semaphore = new AsyncSemaphore(0);
            using var cts = new CancellationTokenSource();
            var first = WaitThenRecordAsync(semaphore, 1, order);
            var canceled = OutcomeAsync(() => semaphore.WaitAsync(cts.Token));
            var third = WaitThenRecordAsync(semaphore, 3, order);

            cts.Cancel();
            Assert.Equal("canceled", await canceled);
            semaphore.Release(2);
            await Task.WhenAll(first, third);
            Assert.Equal(0, semaphore.CurrentCount);
        });

        Assert.Equal(new[] { 1, 3 }, order);
    }

    [Fact]
    public void Release_100000WaitersAtOnce_ResumesThemInOrderOnLaterIterations()
    {
        var semaphore = new AsyncSemaphore(0);
        AssertReleasedInOrderOnLaterIterations(() => semaphore.WaitAsync(), () => semaphore.Release(100_000));
        Assert.Equal(0, semaphore.CurrentCount);
    }

    [Fact]
    public void WaitAsync_FromAnotherThread_ThrowsWrongThreadException()
    {
        Exception? waitError = null;
        Exception? releaseError = null;

        TestLoops.RunVirtual(async () =>
        {
            var semaphore = new AsyncSemaphore(1);
            await semaphore.WaitAsync();
            waitError = await ThrownOnAnotherThreadAsync(() => semaphore.WaitAsync());
            releaseError = await ThrownOnAnotherThreadAsync(() => semaphore.Release());
            Assert.Equal(0, semaphore.CurrentCount);
        });

        AssertWrongThread(waitError, "AsyncSemaphore.WaitAsync");
        AssertWrongThread(releaseError, "AsyncSemaphore.Release");
    }

    [Fact]
    public void Release_WithNoLoopRunning_ThrowsInvalidOperationException()
    {
        AssertNeedsARunningLoop(() => new AsyncSemaphore(0).Release(), "AsyncSemaphore.Release");
    }

    [Fact]
    public void WaitAsync_UncontendedInSteadyState_AllocatesNothing()
    {
        var probe = new AllocationProbe();

        Run(async () =>
        {
            var semaphore = new AsyncSemaphore(1, maxCount: 1);
            while (!probe.Done)
            {
                await semaphore.WaitAsync();
                probe.Count();
                semaphore.Release();
            }
        });

        probe.AssertAllocatedNothing();
    }

    [Fact]
    public void WaitAsync_ContendedInSteadyState_AllocatesNothing()
    {
        var probe = new AllocationProbe();
        var parked = 0;

        Run(async () =>
        {
            var semaphore = new AsyncSemaphore(2, maxCount: 2);
            using var cts = new CancellationTokenSource();
            await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => WorkAsync()));

            async Task WorkAsync()
            {
                while (!probe.Done)
                {
                    var wait = semaphore.WaitAsync(cts.Token);
                    parked += probe.Measuring && !wait.IsCompleted ? 1 : 0;
                    await wait;
                    probe.Count();
                    await EventLoop.Yield();
                    semaphore.Release();
                }
            }
        });

        probe.AssertAllocatedNothing();
        Assert.True(parked >= AllocationProbe.Measured / 2, $"Only {parked} of the measured waits parked.");
    }
}
