using CoopRuntime.Tests.Support;
using static CoopRuntime.Tests.Sync.SyncTestSupport;

namespace CoopRuntime.Tests.Sync;

[Collection(AllocationMeasurements.Name)]
public class AsyncConditionTests
{
    /// <summary>Takes the lock, waits once, and records the name while holding the lock again.</summary>
    private static async Task WaitOnceAsync(AsyncCondition condition, string name, List<string> log, CancellationToken cancellationToken = default)
    {
        using (await condition.Lock.LockAsync())
        {
            try
            {
                await condition.WaitAsync(cancellationToken);
                log.Add($"{name} woke, lock held = {condition.Lock.IsLocked}");
            }
            catch (OperationCanceledException)
            {
                log.Add($"{name} canceled, lock held = {condition.Lock.IsLocked}");
            }
        }
    }

    [Fact]
    public void Constructor_WithALock_UsesIt()
    {
        var gate = new AsyncLock();
        Assert.Same(gate, new AsyncCondition(gate).Lock);
        Assert.NotNull(new AsyncCondition().Lock);
    }

    [Fact]
    public void WaitAsync_ReleasesTheLockWhileWaitingAndHoldsItAgainWhenItReturns()
    {
        var log = new List<string>();

        Run(async () =>
        {
            var condition = new AsyncCondition();
            var waiter = WaitOnceAsync(condition, "waiter", log);
            Assert.False(condition.Lock.IsLocked);          // released while waiting

            using (await condition.Lock.LockAsync())
            {
                condition.Notify();
                await EventLoop.Yield();
                log.Add("notifier still holds the lock");   // the waiter cannot run before the notifier releases
            }

            await waiter;
            Assert.False(condition.Lock.IsLocked);
        });

        Assert.Equal(new[] { "notifier still holds the lock", "waiter woke, lock held = True" }, log);
    }

    [Fact]
    public void Notify_WakesWaitersOneAtATimeInWaitOrder()
    {
        var log = new List<string>();

        Run(async () =>
        {
            var condition = new AsyncCondition();
            var waiters = Enumerable.Range(0, 3).Select(i => WaitOnceAsync(condition, $"w{i}", log)).ToArray();
            for (var i = 0; i < 3; i++)
            {
                using (await condition.Lock.LockAsync())
                {
                    condition.Notify();
                }

                await EventLoop.Yield();
                await EventLoop.Yield();
                log.Add($"after notify {i}");
            }

            await Task.WhenAll(waiters);
        });

        Assert.Equal(
            new[]
            {
                "w0 woke, lock held = True", "after notify 0",
                "w1 woke, lock held = True", "after notify 1",
                "w2 woke, lock held = True", "after notify 2",
            },
            log);
    }

    [Fact]
    public void Notify_WithACount_WakesThatManyAndNotifyAllWakesTheRest()
    {
        var log = new List<string>();

        Run(async () =>
        {
            var condition = new AsyncCondition();
            var waiters = Enumerable.Range(0, 5).Select(i => WaitOnceAsync(condition, $"w{i}", log)).ToArray();
            using (await condition.Lock.LockAsync())
            {
                condition.Notify(2);
            }

            await Task.WhenAll(waiters.Take(2));
            await EventLoop.Yield();
            Assert.Equal(2, log.Count);
            Assert.Equal(3, condition.WaiterCount);

            using (await condition.Lock.LockAsync())
            {
                condition.NotifyAll();
                condition.Notify();     // nobody left: does nothing
            }

            await Task.WhenAll(waiters);
        });

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"w{i} woke, lock held = True"), log);
    }

    [Fact]
    public void NotifiedWaiters_QueueForTheLockBehindTasksAlreadyWaitingForIt()
    {
        var log = new List<string>();

        Run(async () =>
        {
            var condition = new AsyncCondition();
            var waiter = WaitOnceAsync(condition, "waiter", log);
            var held = await condition.Lock.LockAsync();
            var locker = LockAsync();
            condition.Notify();
            held.Dispose();
            await Task.WhenAll(waiter, locker);

            async Task LockAsync()
            {
                using (await condition.Lock.LockAsync())
                {
                    log.Add("locker");
                }
            }
        });

        Assert.Equal(new[] { "locker", "waiter woke, lock held = True" }, log);
    }

    [Fact]
    public void WaitAsync_WithoutHoldingTheLock_Throws()
    {
        InvalidOperationException? error = null;

        Run(() =>
        {
            var condition = new AsyncCondition();
            error = Assert.Throws<InvalidOperationException>(() => condition.WaitAsync());
            Assert.Throws<InvalidOperationException>(() => condition.Notify());
            Assert.Throws<InvalidOperationException>(() => condition.NotifyAll());
            Assert.Throws<InvalidOperationException>(() => condition.WaitForAsync(() => true));
            return Task.CompletedTask;
        });

        Assert.Contains("without holding the condition's lock", error!.Message);
    }

    [Fact]
    public void WaitAsync_Canceled_TakesTheLockBackBeforeThrowing()
    {
        var log = new List<string>();

        Run(async () =>
        {
            var condition = new AsyncCondition();
            using var cts = new CancellationTokenSource();
            var waiter = WaitOnceAsync(condition, "waiter", log, cts.Token);
            var held = await condition.Lock.LockAsync();
            cts.Cancel();
            await EventLoop.Yield();
            await EventLoop.Yield();
            log.Add("holder releases");                     // the canceled waiter waits for the lock first
            held.Dispose();
            await waiter;
            Assert.False(condition.Lock.IsLocked);
            Assert.Equal(0, condition.WaiterCount);
        });

        Assert.Equal(new[] { "holder releases", "waiter canceled, lock held = True" }, log);
    }

    [Fact]
    public void WaitAsync_CanceledWhileTheLockIsFree_TakesItAtOnceAndReleasesItThroughTheOuterUsing()
    {
        var log = new List<string>();

        Run(async () =>
        {
            var condition = new AsyncCondition();
            using var cts = new CancellationTokenSource();
            var waiter = WaitOnceAsync(condition, "waiter", log, cts.Token);
            cts.Cancel();
            await waiter;
            Assert.False(condition.Lock.IsLocked);
            Assert.True(condition.Lock.LockAsync().IsCompletedSuccessfully);
        });

        Assert.Equal(new[] { "waiter canceled, lock held = True" }, log);
    }

    [Fact]
    public void Notify_CancelThenNotifyInTheSameCallback_TheNotificationGoesToTheNextWaiter()
    {
        var log = new List<string>();

        Run(async () =>
        {
            var condition = new AsyncCondition();
            using var cts = new CancellationTokenSource();
            var canceled = WaitOnceAsync(condition, "canceled", log, cts.Token);
            var next = WaitOnceAsync(condition, "next", log);
            var third = WaitOnceAsync(condition, "third", log);

            using (await condition.Lock.LockAsync())
            {
                cts.Cancel();
                condition.Notify();
            }

            await Task.WhenAll(canceled, next);
            await EventLoop.Yield();
            Assert.Equal(1, condition.WaiterCount);         // the third was not notified
            using (await condition.Lock.LockAsync())
            {
                condition.Notify();
            }

            await third;
        });

        Assert.Equal(
            new[] { "canceled canceled, lock held = True", "next woke, lock held = True", "third woke, lock held = True" },
            log);
    }

    [Fact]
    public void Notify_NotifyThenCancelInTheSameCallback_TheNotifiedWaiterWakesNormally()
    {
        var log = new List<string>();

        Run(async () =>
        {
            var condition = new AsyncCondition();
            using var cts = new CancellationTokenSource();
            var notified = WaitOnceAsync(condition, "notified", log, cts.Token);
            var other = WaitOnceAsync(condition, "other", log);

            using (await condition.Lock.LockAsync())
            {
                condition.Notify();
                cts.Cancel();
            }

            await notified;
            await EventLoop.Yield();
            Assert.Equal(1, condition.WaiterCount);
            using (await condition.Lock.LockAsync())
            {
                condition.Notify();
            }

            await other;
        });

        Assert.Equal(new[] { "notified woke, lock held = True", "other woke, lock held = True" }, log);
    }

    [Fact]
    public void WaitForAsync_PredicateAlreadyTrue_CompletesSynchronously()
    {
        var checks = 0;

        Run(async () =>
        {
            var condition = new AsyncCondition();
            using (await condition.Lock.LockAsync())
            {
                var wait = condition.WaitForAsync(() => ++checks > 0);
                Assert.True(wait.IsCompletedSuccessfully);
                Assert.True(condition.Lock.IsLocked);
            }
        });

        Assert.Equal(1, checks);
    }

    [Fact]
    public void WaitForAsync_ReChecksAfterEachNotificationAndReturnsHoldingTheLock()
    {
        var checks = new List<int>();
        var heldOnReturn = false;

        Run(async () =>
        {
            var condition = new AsyncCondition();
            var items = 0;
            var consumer = ConsumeAsync();
            for (var i = 0; i < 3; i++)
            {
                using (await condition.Lock.LockAsync())
                {
                    items++;
                    condition.NotifyAll();
                }

                await EventLoop.Yield();
                await EventLoop.Yield();
            }

            await consumer;

            async Task ConsumeAsync()
            {
                using (await condition.Lock.LockAsync())
                {
                    await condition.WaitForAsync(() =>
                    {
                        checks.Add(items);
                        Assert.True(condition.Lock.IsLocked);
                        return items >= 3;
                    });
                    heldOnReturn = condition.Lock.IsLocked;
                }
            }
        });

        Assert.Equal(new[] { 0, 1, 2, 3 }, checks);
        Assert.True(heldOnReturn);
    }

    [Fact]
    public void WaitForAsync_Canceled_ThrowsHoldingTheLock()
    {
        var log = new List<string>();

        Run(async () =>
        {
            var condition = new AsyncCondition();
            using var cts = new CancellationTokenSource();
            var waiter = WaitForAsync();
            cts.Cancel();
            await waiter;
            Assert.False(condition.Lock.IsLocked);

            async Task WaitForAsync()
            {
                using (await condition.Lock.LockAsync())
                {
                    try
                    {
                        await condition.WaitForAsync(() => false, cts.Token);
                    }
                    catch (OperationCanceledException error)
                    {
                        log.Add($"canceled by our token = {error.CancellationToken == cts.Token}, lock held = {condition.Lock.IsLocked}");
                    }
                }
            }
        });

        Assert.Equal(new[] { "canceled by our token = True, lock held = True" }, log);
    }

    [Fact]
    public void WaitForAsync_PredicateThrows_TheErrorReachesTheCallerHoldingTheLock()
    {
        var log = new List<string>();

        Run(async () =>
        {
            var condition = new AsyncCondition();
            var calls = 0;
            var waiter = WaitForAsync();
            using (await condition.Lock.LockAsync())
            {
                condition.Notify();
            }

            await waiter;

            async Task WaitForAsync()
            {
                using (await condition.Lock.LockAsync())
                {
                    try
                    {
                        await condition.WaitForAsync(() => ++calls > 1 ? throw new FormatException("bad state") : false);
                    }
                    catch (FormatException error)
                    {
                        log.Add($"{error.Message}, lock held = {condition.Lock.IsLocked}");
                    }
                }
            }
        });

        Assert.Equal(new[] { "bad state, lock held = True" }, log);
    }

    [Fact]
    public void NotifyAll_100000Waiters_EachGetsTheLockBackInWaitOrderOnLaterIterations()
    {
        var condition = new AsyncCondition();
        AssertReleasedInOrderOnLaterIterations(
            async () =>
            {
                using (await condition.Lock.LockAsync())
                {
                    await condition.WaitAsync();
                    Assert.True(condition.Lock.IsLocked);
                }
            },
            () =>
            {
                var take = condition.Lock.LockAsync();
                Assert.True(take.IsCompletedSuccessfully);      // every waiter released the lock while waiting
                using (take.Result)
                {
                    condition.NotifyAll();
                }
            });
        Assert.False(condition.Lock.IsLocked);
    }

    [Fact]
    public void Run_SpawnedTasksWaitingOnTheConditionAndItsLock_AreCancelledAtShutdownAndLeaveTheLockFree()
    {
        var log = new List<string>();
        var condition = new AsyncCondition();

        Run(async () =>
        {
            var loop = EventLoop.Current!;
            _ = loop.Spawn(ct => WaitOnceAsync(condition, "condition waiter", log, ct));
            await EventLoop.Yield();
            await EventLoop.Yield();
            Assert.Equal(1, condition.WaiterCount);     // parked on the condition, the lock released
            var holder = await condition.Lock.LockAsync();
            _ = loop.Spawn(async ct =>
            {
                try
                {
                    using (await condition.Lock.LockAsync(ct))
                    {
                        log.Add("lock waiter got the lock");
                    }
                }
                catch (OperationCanceledException)
                {
                    log.Add("lock waiter canceled");
                }
            });
            await EventLoop.Yield();
            await EventLoop.Yield();
            holder.Dispose();           // handed to the lock waiter, which resumes on the next iteration
            Assert.True(condition.Lock.IsLocked);
        });

        // Main returned while the lock was being handed to the lock waiter and the condition waiter was parked.
        // Shutdown cancelled both: the lock waiter had been granted first and kept the lock; the condition waiter took
        // the lock back after it, then threw.
        Assert.Equal(new[] { "lock waiter got the lock", "condition waiter canceled, lock held = True" }, log);
        Assert.False(condition.Lock.IsLocked);
    }

    [Fact]
    public void Notify_FromAnotherThread_ThrowsWrongThreadException()
    {
        Exception? error = null;

        TestLoops.RunVirtual(async () =>
        {
            var condition = new AsyncCondition();
            using (await condition.Lock.LockAsync())
            {
                error = await ThrownOnAnotherThreadAsync(() => condition.Notify());
            }
        });

        AssertWrongThread(error, "AsyncCondition.Notify");
    }

    [Fact]
    public void WaitAsync_WithNoLoopRunning_ThrowsInvalidOperationException()
    {
        AssertNeedsARunningLoop(() => new AsyncCondition().WaitAsync(), "AsyncCondition.WaitAsync");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Wait_ProducerAndConsumersInSteadyState_AllocatesNothing(bool useWaitFor)
    {
        var probe = new AllocationProbe();

        Run(async () =>
        {
            var condition = new AsyncCondition();
            using var cts = new CancellationTokenSource();
            var items = 0;
            Func<bool> available = () => items > 0;
            var consumers = Enumerable.Range(0, 4).Select(_ => ConsumeAsync()).ToArray();
            while (!probe.Done)
            {
                using (await condition.Lock.LockAsync(cts.Token))
                {
                    items++;
                    if (useWaitFor)
                    {
                        condition.NotifyAll();      // every consumer re-checks; one takes the item, the rest wait again
                    }
                    else
                    {
                        condition.Notify();
                    }
                }

                await EventLoop.Yield();
            }

            using (await condition.Lock.LockAsync())
            {
                items = int.MaxValue / 2;
                condition.NotifyAll();
            }

            await Task.WhenAll(consumers);

            async Task ConsumeAsync()
            {
                while (!probe.Done)
                {
                    using (await condition.Lock.LockAsync(cts.Token))
                    {
                        if (useWaitFor)
                        {
                            await condition.WaitForAsync(available, cts.Token);
                        }

                        while (items == 0)
                        {
                            await condition.WaitAsync(cts.Token);
                        }

                        items--;
                        probe.Count();
                    }
                }
            }
        });

        probe.AssertAllocatedNothing();
    }
}
