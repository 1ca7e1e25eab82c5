using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Tasks;

/// <summary>What the Tasks layer promises when a loop shuts down (<see cref="EventLoop.Run(Func{Task}, EventLoopOptions?)"/> returning, or Dispose).</summary>
public class ShutdownTests
{
    private static EventLoopOptions VirtualWithShutdownTimeout(TimeSpan timeout) =>
        new() { Clock = new VirtualClock(), ShutdownTimeout = timeout };

    private static async Task IgnoreCancellationAsync()
    {
        while (true)
        {
            await EventLoop.Sleep(TimeSpan.FromMilliseconds(100)); // no token: cancellation is ignored
        }
    }

    [Fact]
    public void Run_TasksStillRunningWhenMainCompletes_AreCancelledAndAwaitedAndTheirFinallyBlocksRun()
    {
        var tokensCancelled = new List<bool>();
        var finallyRan = new List<string>();
        var loopStillRunningInFinally = true;

        EventLoop.Run(
            async () =>
            {
                var loop = EventLoop.Current!;
                foreach (var name in new[] { "a", "b" })
                {
                    _ = loop.Spawn(
                        async ct =>
                        {
                            try
                            {
                                await EventLoop.Sleep(Timeout.InfiniteTimeSpan, ct);
                            }
                            finally
                            {
                                tokensCancelled.Add(ct.IsCancellationRequested);
                                await EventLoop.Yield(); // cleanup may still await on the loop
                                loopStillRunningInFinally &= EventLoop.Current == loop;
                                finallyRan.Add(name);
                            }
                        },
                        name);
                }

                await EventLoop.Yield(); // both tasks are running and parked in Sleep
            },
            TestLoops.Virtual());

        Assert.Equal(new[] { "a", "b" }, finallyRan);
        Assert.Equal(new[] { true, true }, tokensCancelled);
        Assert.True(loopStillRunningInFinally);
    }

    [Fact]
    public void Run_TaskSpawnedButNotStartedWhenMainCompletes_NeverRuns()
    {
        var ran = false;

        EventLoop.Run(
            () =>
            {
                _ = EventLoop.Current!.Spawn(_ =>
                {
                    ran = true;
                    return Task.CompletedTask;
                });
                return Task.CompletedTask;
            },
            TestLoops.Virtual());

        Assert.False(ran);
    }

    [Fact]
    public void Dispose_AfterRunUntilComplete_CancelsAndAwaitsTasksStillRunning()
    {
        var finallyRan = false;
        var loop = new EventLoop(TestLoops.Virtual());
        loop.RunUntilComplete(async () =>
        {
            _ = loop.Spawn(async ct =>
            {
                try
                {
                    await EventLoop.Sleep(Timeout.InfiniteTimeSpan, ct);
                }
                finally
                {
                    finallyRan = true;
                }
            });
            await EventLoop.Yield();
        });
        var ranBeforeDispose = finallyRan;

        loop.Dispose();

        Assert.False(ranBeforeDispose);
        Assert.True(finallyRan);
        Assert.True(loop.IsClosed);
    }

    [Fact]
    public void Run_TaskIgnoringCancellationPastShutdownTimeout_ThrowsTimeoutExceptionNamingTheTask()
    {
        EventLoop? loop = null;

        var error = Assert.Throws<TimeoutException>(() => EventLoop.Run(
            async () =>
            {
                loop = EventLoop.Current!;
                _ = loop.Spawn(_ => IgnoreCancellationAsync(), name: "stubborn");
                await EventLoop.Yield();
            },
            VirtualWithShutdownTimeout(TimeSpan.FromSeconds(2))));

        Assert.Contains("'stubborn'", error.Message);
        Assert.Contains(TimeSpan.FromSeconds(2).ToString(), error.Message);
        Assert.True(loop!.IsClosed);
        Assert.True(loop.Now >= TimeSpan.FromSeconds(2), $"Shutdown gave up at {loop.Now} of loop time, before its timeout.");
    }

    [Fact]
    public void Dispose_TaskIgnoringCancellationPastShutdownTimeout_ThrowsTimeoutExceptionNamingTheTask()
    {
        var loop = new EventLoop(VirtualWithShutdownTimeout(TimeSpan.FromSeconds(3)));
        loop.RunUntilComplete(async () =>
        {
            _ = loop.Spawn(_ => IgnoreCancellationAsync(), name: "stubborn");
            await EventLoop.Yield();
        });

        var error = Assert.Throws<TimeoutException>(loop.Dispose);

        Assert.Contains("'stubborn'", error.Message);
        Assert.Contains(TimeSpan.FromSeconds(3).ToString(), error.Message);
        Assert.True(loop.IsClosed);
    }

    [Fact]
    public void Run_TaskThatFailsWhileBeingCancelled_MakesRunThrowThatFailure()
    {
        var error = new InvalidDataException("cleanup failed");

        var thrown = Assert.Throws<InvalidDataException>(() => EventLoop.Run(
            async () =>
            {
                _ = EventLoop.Current!.Spawn(async ct =>
                {
                    try
                    {
                        await EventLoop.Sleep(Timeout.InfiniteTimeSpan, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        throw error;
                    }
                });
                await EventLoop.Yield();
            },
            TestLoops.Virtual()));

        Assert.Same(error, thrown);
    }

    [Fact]
    public void Run_TaskSpawnedDuringShutdown_IsCancelledBeforeItStartsAndShutdownEndsWithoutWaiting()
    {
        var parentCleanedUp = false;
        var lateTaskRan = false;
        EventLoop? loop = null;

        EventLoop.Run(
            async () =>
            {
                loop = EventLoop.Current!;
                _ = loop.Spawn(
                    async ct =>
                    {
                        try
                        {
                            await EventLoop.Sleep(Timeout.InfiniteTimeSpan, ct);
                        }
                        finally
                        {
                            // Spawned after shutdown cancelled everything: it must not keep shutdown waiting.
                            _ = loop.Spawn(
                                async ct2 =>
                                {
                                    lateTaskRan = true;
                                    await EventLoop.Sleep(Timeout.InfiniteTimeSpan, ct2);
                                },
                                "late");
                            parentCleanedUp = true;
                        }
                    },
                    "parent");
                await EventLoop.Yield();
            },
            TestLoops.Virtual());

        Assert.True(parentCleanedUp);
        Assert.False(lateTaskRan);
        Assert.Equal(TimeSpan.Zero, loop!.Now); // shutdown did not sit out its timeout
    }

    [Fact]
    public void Run_MainCompletesWhileASpawnedTaskKeepsTicking_StopsAtMainsCompletionInLoopTime()
    {
        var ticks = 0;
        EventLoop? loop = null;

        EventLoop.Run(
            async () =>
            {
                loop = EventLoop.Current!;
                _ = loop.Spawn(async ct =>
                {
                    while (true)
                    {
                        await EventLoop.Sleep(TimeSpan.FromMilliseconds(10), ct);
                        ticks++;
                    }
                });
                await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            },
            TestLoops.Virtual());

        // Main's timer and the 100th tick are due in the same timer pass; nothing after that iteration may run.
        Assert.Equal(100, ticks);
        Assert.Equal(TimeSpan.FromSeconds(1), loop!.Now);
    }

    [Fact]
    public void Run_AfterItReturns_SchedulingOnTheLoopThrowsObjectDisposed()
    {
        EventLoop? captured = null;
        EventLoop.Run(
            () =>
            {
                captured = EventLoop.Current;
                return Task.CompletedTask;
            },
            TestLoops.Virtual());
        var loop = captured!;
        var ran = false;

        Assert.True(loop.IsClosed);
        Assert.Throws<ObjectDisposedException>(() => loop.CallSoon(() => ran = true));
        Assert.Throws<ObjectDisposedException>(() => loop.CallSoon(static flag => flag[0] = true, new bool[1]));
        Assert.Throws<ObjectDisposedException>(() => loop.CallSoonThreadSafe(() => ran = true));
        Assert.Throws<ObjectDisposedException>(() => loop.CallLater(TimeSpan.FromSeconds(1), () => ran = true));
        Assert.Throws<ObjectDisposedException>(() => loop.Spawn(_ =>
        {
            ran = true;
            return Task.CompletedTask;
        }));
        Assert.Throws<ObjectDisposedException>(() => loop.SynchronizationContext.Post(_ => ran = true, null));
        Assert.False(ran);
    }
}
