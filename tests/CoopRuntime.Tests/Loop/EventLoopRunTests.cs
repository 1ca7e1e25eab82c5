using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Loop;

public class EventLoopRunTests
{
    [Fact]
    public void Run_ReturnsTheResultOfMain()
    {
        var result = EventLoop.Run(async () =>
        {
            await EventLoop.Yield();
            return 42;
        });

        Assert.Equal(42, result);
    }

    [Fact]
    public void Run_WhenMainThrows_RethrowsTheOriginalExceptionWithItsStack()
    {
        var error = Assert.Throws<FormatException>(() => EventLoop.Run(FailAfterYieldAsync));

        Assert.Equal("bad format", error.Message);
        Assert.Contains(nameof(FailAfterYieldAsync), error.StackTrace);
    }

    private static async Task FailAfterYieldAsync()
    {
        await EventLoop.Yield();
        throw new FormatException("bad format");
    }

    [Fact]
    public void Run_WhenMainThrowsSynchronously_RethrowsIt()
    {
        Assert.Throws<ArgumentException>(() => EventLoop.Run(() => throw new ArgumentException("sync")));
    }

    [Fact]
    public void Run_WhenMainReturnsNull_ThrowsClearError()
    {
        var error = Assert.Throws<InvalidOperationException>(() => EventLoop.Run(() => null!));
        Assert.Contains("returned null", error.Message);
    }

    [Fact]
    public void Current_IsTheRunningLoopInsideRun_AndNullOutside()
    {
        EventLoop? inside = null;
        using var loop = new EventLoop();
        loop.RunUntilComplete(async () =>
        {
            inside = EventLoop.Current;
            await EventLoop.Yield();
            Assert.Same(loop, EventLoop.Current);
            Assert.True(loop.IsRunning);
        });

        Assert.Same(loop, inside);
        Assert.Null(EventLoop.Current);
        Assert.False(loop.IsRunning);
        Assert.False(loop.IsClosed);
    }

    [Fact]
    public void Run_InsideARunningLoop_ThrowsBecauseLoopsDoNotNest()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            EventLoop.Run(() =>
            {
                EventLoop.Run(() => Task.CompletedTask);
                return Task.CompletedTask;
            }));

        Assert.Contains("already running an EventLoop", error.Message);
    }

    [Fact]
    public void RunUntilComplete_TaskStartedElsewhere_RunsUntilItCompletes()
    {
        using var loop = new EventLoop(TestLoops.Virtual());
        var completion = new TaskCompletionSource<int>();
        loop.CallLater(TimeSpan.FromSeconds(3), () => completion.SetResult(7));

        loop.RunUntilComplete(completion.Task);

        Assert.Equal(7, completion.Task.Result);
        Assert.Equal(TimeSpan.FromSeconds(3), loop.Now);
    }

    [Fact]
    public void RunUntilComplete_WhenStoppedBeforeTheTaskCompletes_Throws()
    {
        using var loop = new EventLoop(TestLoops.Virtual());
        var never = new TaskCompletionSource();
        loop.CallSoon(loop.Stop);

        var error = Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(never.Task));

        Assert.Contains("stopped before the task", error.Message);
        never.SetResult();
        loop.RunUntilComplete(never.Task); // the loop can run again
    }

    [Fact]
    public void RunForever_ReturnsAfterStop_AndRunsEverythingAlreadyScheduledInThatIteration()
    {
        using var loop = new EventLoop(TestLoops.Virtual());
        var ran = new List<string>();
        loop.CallSoon(() => ran.Add("a"));
        loop.CallSoon(loop.Stop);
        loop.CallSoon(() => ran.Add("b"));

        loop.RunForever();

        Assert.Equal(new[] { "a", "b" }, ran);
    }

    [Fact]
    public void Stop_FromAnotherThread_EndsRunForever()
    {
        using var loop = new EventLoop();
        var stopper = new Thread(() => loop.Stop());
        loop.CallSoon(stopper.Start);

        loop.RunForever();

        stopper.Join();
        Assert.False(loop.IsRunning);
    }

    [Fact]
    public void RunUntilComplete_OnTheSameLoopTwiceAtOnce_Throws()
    {
        using var loop = new EventLoop(TestLoops.Virtual());
        InvalidOperationException? error = null;
        loop.RunUntilComplete(() =>
        {
            error = Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(() => Task.CompletedTask));
            return Task.CompletedTask;
        });

        Assert.NotNull(error);
    }

    [Fact]
    public void Dispose_FromInsideTheLoop_ThrowsAndSaysToCallStop()
    {
        using var loop = new EventLoop(TestLoops.Virtual());
        var error = Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(() =>
        {
            loop.Dispose();
            return Task.CompletedTask;
        }));

        Assert.Contains("Stop()", error.Message);
    }

    [Fact]
    public void Dispose_Twice_IsHarmless()
    {
        var loop = new EventLoop();
        loop.Dispose();
        loop.Dispose();
        Assert.True(loop.IsClosed);
    }

    [Fact]
    public void RunUntilComplete_OnAClosedLoop_ThrowsObjectDisposed()
    {
        var loop = new EventLoop();
        loop.Dispose();
        Assert.Throws<ObjectDisposedException>(() => loop.RunUntilComplete(() => Task.CompletedTask));
    }

    [Fact]
    public void Constructor_WithNegativeShutdownTimeout_ThrowsNamingTheOption()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new EventLoop(new EventLoopOptions { ShutdownTimeout = TimeSpan.FromSeconds(-1) }));
        Assert.Contains("ShutdownTimeout", error.Message);
    }

    [Fact]
    public void SynchronizationContext_IsInstalledWhileRunning_AndRestoredAfter()
    {
        var before = SynchronizationContext.Current;
        SynchronizationContext? inside = null;
        EventLoop? loop = null;
        EventLoop.Run(() =>
        {
            loop = EventLoop.Current;
            inside = SynchronizationContext.Current;
            return Task.CompletedTask;
        });

        Assert.Same(loop!.SynchronizationContext, inside);
        Assert.Same(before, SynchronizationContext.Current);
    }
}
