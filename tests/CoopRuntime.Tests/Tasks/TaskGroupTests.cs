using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Tasks;

public class TaskGroupTests
{
    private static EventLoopOptions VirtualReportingTo(List<Exception> reported) =>
        new() { Clock = new VirtualClock(), UnhandledException = reported.Add };

    private static async Task SleepThenAsync(TimeSpan delay, Action then, CancellationToken cancellationToken)
    {
        await EventLoop.Sleep(delay, cancellationToken);
        then();
    }

    private static async Task FailAfterAsync(TimeSpan delay, Exception error, CancellationToken cancellationToken)
    {
        await EventLoop.Sleep(delay, cancellationToken);
        throw error;
    }

    [Fact]
    public void DisposeAsync_WaitsForEveryChild()
    {
        var finished = new List<string>();
        TimeSpan disposedAt = default;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            await using (var group = new TaskGroup())
            {
                group.Spawn(ct => SleepThenAsync(TimeSpan.FromSeconds(2), () => finished.Add("slow"), ct));
                group.Spawn(ct => SleepThenAsync(TimeSpan.FromSeconds(1), () => finished.Add("fast"), ct));
            }

            disposedAt = loop.Now;
            finished.Add("after the group");
        });

        Assert.Equal(new[] { "fast", "slow", "after the group" }, finished);
        Assert.Equal(TimeSpan.FromSeconds(2), disposedAt);
    }

    [Fact]
    public void DisposeAsync_ChildSpawningIntoTheGroupWhileItWaits_WaitsForThatChildToo()
    {
        var finished = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            await using (var group = new TaskGroup())
            {
                group.Spawn(async ct =>
                {
                    await EventLoop.Sleep(TimeSpan.FromSeconds(1), ct);
                    group.Spawn(ct2 => SleepThenAsync(TimeSpan.FromSeconds(5), () => finished.Add("grandchild"), ct2));
                    finished.Add("child");
                });
            }

            finished.Add("after the group");
        });

        Assert.Equal(new[] { "child", "grandchild", "after the group" }, finished);
    }

    [Fact]
    public void DisposeAsync_FirstFailure_CancelsTheOtherChildrenAndIsThrownAsItself()
    {
        var error = new InvalidDataException("child failed");
        Exception? caught = null;
        var siblingCancelled = false;
        var groupCancelled = false;
        TimeSpan disposedAt = default;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var group = new TaskGroup();
            caught = await Record.ExceptionAsync(async () =>
            {
                await using (group)
                {
                    group.Spawn(ct => FailAfterAsync(TimeSpan.FromSeconds(1), error, ct));
                    group.Spawn(async ct =>
                    {
                        try
                        {
                            await EventLoop.Sleep(TimeSpan.FromHours(1), ct);
                        }
                        catch (OperationCanceledException)
                        {
                            siblingCancelled = true;
                            throw;
                        }
                    });
                }
            });
            groupCancelled = group.IsCancellationRequested;
            disposedAt = loop.Now;
        });

        Assert.Same(error, caught);
        Assert.True(siblingCancelled);
        Assert.True(groupCancelled);
        Assert.Equal(TimeSpan.FromSeconds(1), disposedAt);
    }

    [Fact]
    public void DisposeAsync_TwoFailures_ThrowsAnAggregateOfBoth()
    {
        var first = new InvalidDataException("first");
        var second = new FormatException("second");
        Exception? caught = null;

        TestLoops.RunVirtual(async () =>
        {
            caught = await Record.ExceptionAsync(async () =>
            {
                await using var group = new TaskGroup();
                group.Spawn(ct => FailAfterAsync(TimeSpan.FromSeconds(1), first, ct));
                group.Spawn(async ct =>
                {
                    try
                    {
                        await EventLoop.Sleep(TimeSpan.FromHours(1), ct);
                    }
                    catch (OperationCanceledException)
                    {
                        throw second; // fails while being cancelled
                    }
                });
            });
        });

        var aggregate = Assert.IsType<AggregateException>(caught);
        Assert.Equal(new Exception[] { first, second }, aggregate.InnerExceptions);
    }

    [Fact]
    public void ParentToken_WhenCancelled_CancelsTheChildrenAndDisposeDoesNotThrow()
    {
        var cancelledChildren = 0;
        Exception? caught = new InvalidOperationException("not run");
        TimeSpan disposedAt = default;
        using var parent = new CancellationTokenSource();

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            loop.CallLater(TimeSpan.FromSeconds(1), parent.Cancel);
            caught = await Record.ExceptionAsync(async () =>
            {
                await using var group = new TaskGroup(parent.Token);
                for (var i = 0; i < 3; i++)
                {
                    group.Spawn(async ct =>
                    {
                        try
                        {
                            await EventLoop.Sleep(TimeSpan.FromHours(1), ct);
                        }
                        catch (OperationCanceledException)
                        {
                            cancelledChildren++;
                            throw;
                        }
                    });
                }
            });
            disposedAt = loop.Now;
        });

        Assert.Null(caught);
        Assert.Equal(3, cancelledChildren);
        Assert.Equal(TimeSpan.FromSeconds(1), disposedAt);
    }

    [Fact]
    public void Spawn_AfterTheGroupFinished_ThrowsInvalidOperation()
    {
        Exception? error = null;
        var ran = false;

        TestLoops.RunVirtual(async () =>
        {
            var group = new TaskGroup();
            group.Spawn(_ => Task.CompletedTask);
            await group.DisposeAsync();
            error = Record.Exception(() => group.Spawn(_ =>
            {
                ran = true;
                return Task.CompletedTask;
            }));
            await EventLoop.Yield();
        });

        var invalid = Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("finished", invalid.Message);
        Assert.False(ran);
    }

    [Fact]
    public void Spawn_ChildFaults_DoNotReachTheLoopsHandler()
    {
        var reported = new List<Exception>();
        var error = new InvalidDataException("child failed");
        Exception? caught = null;

        EventLoop.Run(
            async () =>
            {
                caught = await Record.ExceptionAsync(async () =>
                {
                    await using var group = new TaskGroup();
                    group.Spawn(async _ =>
                    {
                        await EventLoop.Yield();
                        throw error;
                    });
                });
                await EventLoop.Sleep(TimeSpan.FromSeconds(1)); // iterations in which a wrong report would arrive
            },
            VirtualReportingTo(reported));

        Assert.Same(error, caught);
        Assert.Empty(reported);
    }

    [Fact]
    public void Spawn_ReturnsAHandleThatYieldsTheChildsResult()
    {
        var value = 0;

        TestLoops.RunVirtual(async () =>
        {
            await using var group = new TaskGroup();
            var child = group.Spawn(async ct =>
            {
                await EventLoop.Sleep(TimeSpan.FromSeconds(1), ct);
                return 11;
            });
            value = await child;
        });

        Assert.Equal(11, value);
    }

    [Fact]
    public void Cancel_CancelsRunningChildrenAndChildrenSpawnedLater()
    {
        var ranLater = false;
        var cancelledRunning = false;

        TestLoops.RunVirtual(async () =>
        {
            await using var group = new TaskGroup();
            var running = group.Spawn(async ct =>
            {
                await EventLoop.Sleep(TimeSpan.FromHours(1), ct);
                return 0;
            });
            await EventLoop.Yield();
            group.Cancel();
            group.Spawn(_ =>
            {
                ranLater = true;
                return Task.CompletedTask;
            });
            await Record.ExceptionAsync(async () => await running);
            cancelledRunning = running.Completion.IsCanceled;
        });

        Assert.True(cancelledRunning);
        Assert.False(ranLater);
    }

    [Fact]
    public void Constructor_WithNoLoopOnTheThread_ThrowsInvalidOperation()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new TaskGroup());

        Assert.Contains("TaskGroup", error.Message);
    }

    [Fact]
    public void DisposeAsync_OneHundredThousandChildrenFinishingInAnyOrder_AllAccountedFor()
    {
        // Regression: children used to leave the group through List.Remove, O(n) each, so large groups went quadratic.
        const int Children = 100_000;
        var finished = 0;
        EventLoop.Run(async () =>
        {
            var random = new Random(7);
            await using (var group = new TaskGroup())
            {
                for (var i = 0; i < Children; i++)
                {
                    var delay = TimeSpan.FromMilliseconds(random.Next(0, 1000));
                    group.Spawn(async ct =>
                    {
                        await EventLoop.Sleep(delay, ct);
                        finished++;
                    });
                }
            }
        }, TestLoops.Virtual());

        Assert.Equal(Children, finished);
    }
}
