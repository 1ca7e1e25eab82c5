using System.Collections.Concurrent;

namespace CoopRuntime.Tests.Threads;

public class LoopThreadTests
{
    [Fact]
    public async Task InvokeAsync_FromFourThreadsAtOnce_AllResultsCorrectAndEverythingRanOnTheLoopThread()
    {
        const int Threads = 4;
        const int CallsPerThread = 250;
        await using var loopThread = new LoopThread("invoke-target");
        var loopThreadId = await loopThread.InvokeAsync(() => Task.FromResult(Environment.CurrentManagedThreadId));
        var ranOn = new ConcurrentBag<int>();
        var counter = 0; // touched by the loop thread only, so no synchronization is needed
        using var go = new ManualResetEventSlim();

        var callers = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                go.Wait();
                var calls = new List<Task<int>>();
                for (var i = 0; i < CallsPerThread; i++)
                {
                    var value = t * 1000 + i;
                    calls.Add(loopThread.InvokeAsync(async () =>
                    {
                        ranOn.Add(Environment.CurrentManagedThreadId);
                        counter++;
                        await EventLoop.Yield();
                        ranOn.Add(Environment.CurrentManagedThreadId);
                        return value * 2;
                    }));
                }

                return Task.WhenAll(calls);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap()).ToArray();
        go.Set();
        var results = await Task.WhenAll(callers);

        for (var t = 0; t < Threads; t++)
        {
            Assert.Equal(Enumerable.Range(0, CallsPerThread).Select(i => (t * 1000 + i) * 2), results[t]);
        }

        Assert.Equal(Threads * CallsPerThread, await loopThread.InvokeAsync(() => Task.FromResult(counter)));
        Assert.All(ranOn, id => Assert.Equal(loopThreadId, id));
    }

    [Fact]
    public async Task InvokeAsync_Action_RunsOnTheLoopAndReportsItsException()
    {
        await using var loopThread = new LoopThread();
        EventLoop? seen = null;

        await loopThread.InvokeAsync(() => { seen = EventLoop.Current; });
        var error = await Assert.ThrowsAsync<FormatException>(() => loopThread.InvokeAsync(() => throw new FormatException("nope")));

        Assert.Same(loopThread.Loop, seen);
        Assert.Equal("nope", error.Message);
    }

    [Fact]
    public async Task InvokeAsync_WorkCancelled_TaskIsCancelled()
    {
        await using var loopThread = new LoopThread();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loopThread.InvokeAsync(async () =>
        {
            await EventLoop.Sleep(TimeSpan.FromMilliseconds(1), new CancellationToken(true));
        }));
    }

    [Fact]
    public async Task DisposeAsync_SpawnedTaskStillRunning_ItIsCancelledAndItsFinallyRuns()
    {
        var loopThread = new LoopThread();
        var finallyRan = false;
        await loopThread.InvokeAsync(async () =>
        {
            _ = EventLoop.Current!.Spawn(async ct =>
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
            await EventLoop.Yield(); // the task has started and parked in Sleep
        });

        await loopThread.DisposeAsync();

        Assert.True(finallyRan);
        Assert.True(loopThread.Loop.IsClosed);
    }

    [Fact]
    public async Task Dispose_InvocationWaitingForeverOnSomethingShutdownDoesNotCancel_ItIsCancelled()
    {
        var loopThread = new LoopThread();
        var never = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var pending = loopThread.InvokeAsync(async () =>
        {
            started.SetResult();
            await never.Task;
        });
        await started.Task;

        loopThread.Dispose();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    [Fact]
    public void InvokeAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var loopThread = new LoopThread();
        loopThread.Dispose();

        Assert.Throws<ObjectDisposedException>(() => { _ = loopThread.InvokeAsync(() => { }); });
    }

    [Fact]
    public async Task Dispose_LoopStoppedOnAnUnhandledException_RethrowsIt()
    {
        var loopThread = new LoopThread();
        await loopThread.InvokeAsync(() => EventLoop.Current!.CallSoon(() => throw new TimeZoneNotFoundException("lost")));

        var error = Assert.Throws<TimeZoneNotFoundException>(loopThread.Dispose);
        Assert.Equal("lost", error.Message);
        loopThread.Dispose(); // once thrown, later calls do nothing
    }

    [Fact]
    public async Task Dispose_FromTheLoopThread_ThrowsInvalidOperation()
    {
        await using var loopThread = new LoopThread();

        var error = await loopThread.InvokeAsync(() => Task.FromResult(Record.Exception(loopThread.Dispose)));

        Assert.IsType<InvalidOperationException>(error);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsOnTheCallingThread()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoopThread(options: new EventLoopOptions { ShutdownTimeout = TimeSpan.FromSeconds(-1) }));
    }

    [Fact]
    public async Task Loop_ReportsItsThreadName()
    {
        await using var loopThread = new LoopThread("named-loop");

        var name = await loopThread.InvokeAsync(() => Task.FromResult(Thread.CurrentThread.Name));

        Assert.Equal("named-loop", name);
    }
}
