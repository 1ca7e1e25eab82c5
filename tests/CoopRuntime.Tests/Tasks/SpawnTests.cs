using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Tasks;

public class SpawnTests
{
    private static EventLoopOptions VirtualReportingTo(List<Exception> reported) =>
        new() { Clock = new VirtualClock(), UnhandledException = reported.Add };

    [Fact]
    public void Spawn_AwaitingTheHandle_ReturnsTheWorksResult()
    {
        var result = EventLoop.Run(
            async () =>
            {
                var handle = EventLoop.Current!.Spawn(async ct =>
                {
                    await EventLoop.Sleep(TimeSpan.FromSeconds(1), ct);
                    return 42;
                });
                return await handle;
            },
            TestLoops.Virtual());

        Assert.Equal(42, result);
    }

    [Fact]
    public void Spawn_Work_StartsOnTheNextIterationOnTheLoopThread()
    {
        var log = new List<string>();
        var loopThread = 0;
        var ranOn = 0;

        TestLoops.RunVirtual(async () =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            var handle = EventLoop.Current!.Spawn(_ =>
            {
                ranOn = Environment.CurrentManagedThreadId;
                log.Add("work");
                return Task.CompletedTask;
            });
            log.Add("after Spawn");
            await handle;
        });

        Assert.Equal(new[] { "after Spawn", "work" }, log);
        Assert.Equal(loopThread, ranOn);
    }

    [Fact]
    public void IsCompleted_RightAfterAwaitingTheHandle_IsTrueAndTheLoopNoLongerTracksTheTask()
    {
        var completedBefore = true;
        var completedAfter = false;
        var liveAfter = -1;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var handle = loop.Spawn(async _ => await EventLoop.Yield());
            await EventLoop.Yield(); // the work has started: awaiting the handle now awaits the work's own task
            completedBefore = handle.IsCompleted;
            await handle;
            completedAfter = handle.IsCompleted;
            liveAfter = loop.LiveTaskCount;
        });

        Assert.False(completedBefore);
        Assert.True(completedAfter);
        Assert.Equal(0, liveAfter);
    }

    [Fact]
    public void Cancel_WhileRunning_CancelsTheTokenTheWorkWasGiven()
    {
        CancellationToken given = default;
        var started = false;
        Exception? error = null;
        LoopTask handle = default;

        TestLoops.RunVirtual(async () =>
        {
            handle = EventLoop.Current!.Spawn(async ct =>
            {
                given = ct;
                started = true;
                await EventLoop.Sleep(Timeout.InfiniteTimeSpan, ct);
            });
            await EventLoop.Yield(); // the work starts and parks in Sleep
            Assert.True(started);
            Assert.False(given.IsCancellationRequested);

            handle.Cancel();
            error = await Record.ExceptionAsync(async () => await handle);
        });

        Assert.True(given.IsCancellationRequested);
        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.True(handle.IsCompleted);
        Assert.True(handle.IsCancellationRequested);
        Assert.True(handle.Completion.IsCanceled);
    }

    [Fact]
    public void Cancel_FromAnotherThread_CancelsTheWork()
    {
        Exception? error = null;
        Thread? canceller = null;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var handle = loop.Spawn(ct => EventLoop.Sleep(Timeout.InfiniteTimeSpan, ct).AsTask());
            canceller = new Thread(handle.Cancel);
            loop.CallSoon(canceller.Start);
            error = await Record.ExceptionAsync(async () => await handle);
        });

        canceller!.Join();
        Assert.IsAssignableFrom<OperationCanceledException>(error);
    }

    [Fact]
    public void Cancel_BeforeTheTaskStarts_TheWorkNeverRuns()
    {
        var ran = false;
        Exception? error = null;
        LoopTask handle = default;

        TestLoops.RunVirtual(async () =>
        {
            handle = EventLoop.Current!.Spawn(_ =>
            {
                ran = true;
                return Task.CompletedTask;
            });
            handle.Cancel();
            error = await Record.ExceptionAsync(async () => await handle);
            await EventLoop.Yield();
        });

        Assert.False(ran);
        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.True(handle.IsCompleted);
    }

    [Fact]
    public void Spawn_FaultNobodyAwaits_ReachesTheLoopsUnhandledExceptionHandler()
    {
        var reported = new List<Exception>();
        var error = new InvalidDataException("nobody awaits this");

        EventLoop.Run(
            async () =>
            {
                _ = EventLoop.Current!.Spawn(async _ =>
                {
                    await EventLoop.Yield();
                    throw error;
                });
                await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            },
            VirtualReportingTo(reported));

        Assert.Same(error, Assert.Single(reported));
    }

    [Fact]
    public void Spawn_FaultNobodyAwaits_WithNoHandler_MakesRunThrowIt()
    {
        var error = new InvalidDataException("nobody awaits this");

        var thrown = Assert.Throws<InvalidDataException>(() => EventLoop.Run(
            async () =>
            {
                _ = EventLoop.Current!.Spawn(async _ =>
                {
                    await EventLoop.Yield();
                    throw error;
                });
                await EventLoop.Sleep(TimeSpan.FromHours(1));
            },
            TestLoops.Virtual()));

        Assert.Same(error, thrown);
    }

    [Fact]
    public void Spawn_FaultThatIsAwaited_ReachesTheAwaiterAndNotTheHandler()
    {
        var reported = new List<Exception>();
        var error = new InvalidDataException("awaited");
        Exception? caught = null;

        EventLoop.Run(
            async () =>
            {
                var handle = EventLoop.Current!.Spawn(async _ =>
                {
                    await EventLoop.Yield();
                    throw error;
                });
                caught = await Record.ExceptionAsync(async () => await handle);
                await EventLoop.Sleep(TimeSpan.FromSeconds(1)); // iterations in which a wrong report would arrive
            },
            VirtualReportingTo(reported));

        Assert.Same(error, caught);
        Assert.Empty(reported);
    }

    [Fact]
    public void Spawn_FaultAwaitedLaterInTheIterationItHappened_IsNotReportedToTheHandler()
    {
        var reported = new List<Exception>();
        var error = new InvalidDataException("thrown synchronously");
        Exception? caught = null;

        EventLoop.Run(
            async () =>
            {
                var handle = EventLoop.Current!.Spawn(_ => throw error);
                await EventLoop.Yield(); // the task starts and faults in this iteration, before main resumes
                caught = await Record.ExceptionAsync(async () => await handle);
                await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            },
            VirtualReportingTo(reported));

        Assert.Same(error, caught);
        Assert.Empty(reported);
    }

    [Fact]
    public void Spawn_WorkReturningNull_FailsWithAClearErrorNamingTheTask()
    {
        Exception? caught = null;

        TestLoops.RunVirtual(async () =>
        {
            var handle = EventLoop.Current!.Spawn(_ => null!, name: "broken");
            caught = await Record.ExceptionAsync(async () => await handle);
        });

        var error = Assert.IsType<InvalidOperationException>(caught);
        Assert.Contains("'broken'", error.Message);
        Assert.Contains("returned null", error.Message);
    }

    [Fact]
    public void Completion_ComposesWithTaskWhenAll()
    {
        int[]? results = null;
        TimeSpan finishedAt = default;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var slow = loop.Spawn(async ct =>
            {
                await EventLoop.Sleep(TimeSpan.FromSeconds(2), ct);
                return 1;
            });
            var fast = loop.Spawn(async ct =>
            {
                await EventLoop.Sleep(TimeSpan.FromSeconds(1), ct);
                return 2;
            });
            var notStartedYet = slow.Completion;
            await EventLoop.Yield();
            results = await Task.WhenAll(notStartedYet, fast.Completion);
            finishedAt = loop.Now;
        });

        Assert.Equal(new[] { 1, 2 }, results);
        Assert.Equal(TimeSpan.FromSeconds(2), finishedAt);
    }

    [Fact]
    public void Name_IsTheNameGivenAtSpawn_OrNull()
    {
        string? named = "not read";
        string? unnamed = "not read";

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var a = loop.Spawn(_ => Task.CompletedTask, name: "worker");
            var b = loop.Spawn(_ => Task.FromResult(1));
            await a;
            await b;
            named = a.Name;
            unnamed = b.Name;
        });

        Assert.Equal("worker", named);
        Assert.Null(unnamed);
    }

    [Fact]
    public void Spawn_FromAnotherThread_ThrowsWrongThreadException()
    {
        Exception? error = null;
        var ran = false;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var other = new Thread(() => error = Record.Exception(() => loop.Spawn(_ =>
            {
                ran = true;
                return Task.CompletedTask;
            })));
            other.Start();
            other.Join();
            await EventLoop.Yield();
        });

        var wrongThread = Assert.IsType<WrongThreadException>(error);
        Assert.Contains("Spawn", wrongThread.Message);
        Assert.False(ran);
    }

    [Fact]
    public void LoopTaskOfT_ConvertsToLoopTaskReferringToTheSameTask()
    {
        var sameCompletion = false;
        var equal = false;
        string? name = null;
        var value = 0;
        var completedViaUntyped = false;

        TestLoops.RunVirtual(async () =>
        {
            LoopTask<int> typed = EventLoop.Current!.Spawn(
                async _ =>
                {
                    await EventLoop.Yield();
                    return 7;
                },
                name: "typed");
            LoopTask untyped = typed;
            sameCompletion = ReferenceEquals(typed.Completion, untyped.Completion);
            equal = untyped == (LoopTask)typed;
            name = untyped.Name;
            await untyped;
            completedViaUntyped = untyped.IsCompleted;
            value = await typed;
        });

        Assert.True(sameCompletion);
        Assert.True(equal);
        Assert.Equal("typed", name);
        Assert.True(completedViaUntyped);
        Assert.Equal(7, value);
    }

    [Fact]
    public void LoopTaskOfT_DefaultConvertsToADefaultLoopTask()
    {
        LoopTask untyped = default(LoopTask<int>);

        Assert.Equal(default, untyped);
        var error = Assert.Throws<InvalidOperationException>(() => untyped.Cancel());
        Assert.Contains("default", error.Message);
    }
}
