using CoopRuntime.Tests.Support;
using static CoopRuntime.Tests.Sync.SyncTestSupport;

namespace CoopRuntime.Tests.Sync;

/// <summary>
/// Keeps docs/guides/sync-primitives.md compiling and true: each <c>#region guide: ...</c> below is one of the guide's
/// examples, verbatim (<see cref="Guide_ContainsEveryExampleVerbatim"/> checks that), and each test runs it and asserts
/// what the guide says it does.
/// </summary>
public class GuideExamplesTests
{
    [Fact]
    public void LockExample_AppendsRunWithoutInterleaving()
    {
        var log = new List<string>();

        Run(async () =>
        {
            var ct = CancellationToken.None;
            #region guide: lock
            var gate = new AsyncLock();

            async Task AppendAsync(string name, CancellationToken ct)
            {
                using (await gate.LockAsync(ct))
                {
                    log.Add($"{name} starts");
                    await EventLoop.Sleep(TimeSpan.FromMilliseconds(10), ct);  // the others wait here, in order
                    log.Add($"{name} ends");
                }
            }

            await Task.WhenAll(AppendAsync("a", ct), AppendAsync("b", ct));
            #endregion
        });

        Assert.Equal(new[] { "a starts", "a ends", "b starts", "b ends" }, log);
    }

    [Fact]
    public void SemaphoreExample_RunsAtMostTwoDownloadsAtOnce()
    {
        var running = 0;
        var mostAtOnce = 0;
        var downloaded = 0;

        Run(async () =>
        {
            var ct = CancellationToken.None;

            async Task FetchAsync(string url, CancellationToken ct)
            {
                mostAtOnce = Math.Max(mostAtOnce, ++running);
                await EventLoop.Sleep(TimeSpan.FromMilliseconds(100), ct);
                running--;
                downloaded++;
            }

            #region guide: semaphore
            var downloads = new AsyncSemaphore(initialCount: 2, maxCount: 2);  // a third Release would throw

            async Task DownloadAsync(string url, CancellationToken ct)
            {
                await downloads.WaitAsync(ct);
                try
                {
                    await FetchAsync(url, ct);
                }
                finally
                {
                    downloads.Release();
                }
            }

            await Task.WhenAll(new[] { "u1", "u2", "u3", "u4", "u5" }.Select(url => DownloadAsync(url, ct)));
            #endregion
            Assert.Throws<SemaphoreFullException>(() => downloads.Release());
        });

        Assert.Equal(2, mostAtOnce);
        Assert.Equal(5, downloaded);
    }

    [Fact]
    public void EventExample_ReleasesEveryWaiterAtOnce()
    {
        var woke = new List<string>();

        Run(async () =>
        {
            var ct = CancellationToken.None;
            #region guide: event
            var configLoaded = new AsyncEvent();

            async Task ServeAsync(string name, CancellationToken ct)
            {
                await configLoaded.WaitAsync(ct);       // passes at once if the event is already set
                woke.Add(name);
            }

            var servers = new[] { ServeAsync("web", ct), ServeAsync("admin", ct) };
            await EventLoop.Sleep(TimeSpan.FromSeconds(1), ct);     // stands for loading the configuration
            configLoaded.Set();                                     // both resume on the next iteration
            await Task.WhenAll(servers);
            #endregion
        });

        Assert.Equal(new[] { "web", "admin" }, woke);
    }

    [Fact]
    public void AutoResetEventExample_SetsWhileNobodyWaitsAddUpToOneWakeUp()
    {
        var handled = new List<string>();

        Run(async () =>
        {
            using var stop = new CancellationTokenSource();
            void Handle(string item) => handled.Add(item);

            #region guide: auto-reset event
            var inbox = new Queue<string>();
            var workArrived = new AsyncAutoResetEvent();

            async Task WorkerAsync(CancellationToken ct)
            {
                while (true)
                {
                    await workArrived.WaitAsync(ct);    // Sets made while nobody waited add up to one
                    while (inbox.TryDequeue(out var item))
                    {
                        Handle(item);
                    }
                }
            }

            void Post(string item)
            {
                inbox.Enqueue(item);
                workArrived.Set();
            }
            #endregion

            var worker = WorkerAsync(stop.Token);
            Post("a");                          // hands the signal to the parked worker
            Post("b");                          // nobody waits now: the event is set...
            Post("c");                          // ...and stays set once, not twice
            Assert.True(workArrived.IsSet);
            await EventLoop.Yield();            // the worker handles all three, then consumes the one pending signal
            Assert.Equal(new[] { "a", "b", "c" }, handled);
            Assert.False(workArrived.IsSet);
            Post("d");
            await EventLoop.Yield();
            stop.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => worker);
        });

        Assert.Equal(new[] { "a", "b", "c", "d" }, handled);
    }

    [Fact]
    public void ConditionExample_ConsumerTakesItemsAsTheyCome()
    {
        var taken = new List<int>();

        Run(async () =>
        {
            var ct = CancellationToken.None;
            #region guide: condition
            var items = new Queue<int>();
            var changed = new AsyncCondition();                     // creates its own AsyncLock

            async Task ProduceAsync(int item, CancellationToken ct)
            {
                using (await changed.Lock.LockAsync(ct))
                {
                    items.Enqueue(item);
                    changed.Notify();                               // wakes one waiter, once we release the lock
                }
            }

            async Task<int> ConsumeAsync(CancellationToken ct)
            {
                using (await changed.Lock.LockAsync(ct))
                {
                    await changed.WaitForAsync(() => items.Count > 0, ct);  // releases the lock while waiting
                    return items.Dequeue();                                 // holding the lock again here
                }
            }
            #endregion

            var consumers = new[] { ConsumeAsync(ct), ConsumeAsync(ct) };
            await ProduceAsync(1, ct);
            await ProduceAsync(2, ct);
            taken.AddRange(await Task.WhenAll(consumers));
        });

        Assert.Equal(new[] { 1, 2 }, taken);
    }

    [Fact]
    public void BarrierExample_RunsRoundsInLockstep()
    {
        var log = new List<string>();

        Run(async () =>
        {
            var ct = CancellationToken.None;
            #region guide: barrier
            var roundDone = new AsyncBarrier(3, b => log.Add($"round {b.CurrentPhaseNumber} done"));

            async Task SimulateAsync(int worker, CancellationToken ct)
            {
                for (var round = 0; round < 2; round++)
                {
                    await EventLoop.Sleep(TimeSpan.FromMilliseconds(10 * (worker + 1)), ct);  // uneven work
                    long phase = await roundDone.SignalAndWaitAsync(ct);  // nobody starts round + 1 early
                    log.Add($"worker {worker} passed phase {phase}");
                }
            }

            await Task.WhenAll(Enumerable.Range(0, 3).Select(worker => SimulateAsync(worker, ct)));
            #endregion
        });

        Assert.Equal(
            new[]
            {
                "round 0 done", "worker 2 passed phase 0", "worker 0 passed phase 0", "worker 1 passed phase 0",
                "round 1 done", "worker 2 passed phase 1", "worker 0 passed phase 1", "worker 1 passed phase 1",
            },
            log);
    }

    [Fact]
    public void CountdownExample_WaitsForEveryFetch()
    {
        var finishedAt = TimeSpan.Zero;
        var fetched = 0;

        Run(async () =>
        {
            var loop = EventLoop.Current!;
            var ct = CancellationToken.None;

            async Task FetchAsync(string url, CancellationToken ct)
            {
                await EventLoop.Sleep(TimeSpan.FromSeconds(url.Length), ct);
                fetched++;
            }

            #region guide: countdown
            var urls = new[] { "a", "bb", "ccc" };
            var pending = new AsyncCountdown(urls.Length);
            foreach (var url in urls)
            {
                _ = loop.Spawn(async ct =>
                {
                    try
                    {
                        await FetchAsync(url, ct);
                    }
                    finally
                    {
                        pending.Signal();   // even if the fetch failed
                    }
                });
            }

            await pending.WaitAsync(ct);    // every fetch has finished
            #endregion
            finishedAt = loop.Now;
        });

        Assert.Equal(3, fetched);
        Assert.Equal(TimeSpan.FromSeconds(3), finishedAt);
    }

    [Fact]
    public void Guide_ContainsEveryExampleVerbatim() =>
        GuideText.AssertGuideContainsRegions("docs/guides/sync-primitives.md", "tests/CoopRuntime.Tests/Sync/GuideExamplesTests.cs", 7);
}
