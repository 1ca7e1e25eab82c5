using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Threads;

public class RunOnThreadPoolTests
{
    [Fact]
    public void RunOnThreadPoolAsync_Result_RunsOffTheLoopAndResumesOnTheLoopThread()
    {
        int loopThread = 0, workThread = 0, resumedOn = 0;
        var result = 0;

        TestLoops.RunVirtual(async () =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            result = await EventLoop.RunOnThreadPoolAsync(() =>
            {
                workThread = Environment.CurrentManagedThreadId;
                return 42;
            });
            resumedOn = Environment.CurrentManagedThreadId;
        });

        Assert.Equal(42, result);
        Assert.NotEqual(loopThread, workThread);
        Assert.Equal(loopThread, resumedOn);
    }

    [Fact]
    public void RunOnThreadPoolAsync_TaskCompletesOnTheLoopThread()
    {
        int loopThread = 0, resumedOn = 0;

        TestLoops.RunVirtual(async () =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            await EventLoop.RunOnThreadPoolAsync(() => 1).ContinueWith(
                _ => resumedOn = Environment.CurrentManagedThreadId,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        });

        Assert.Equal(loopThread, resumedOn);
    }

    [Fact]
    public void RunOnThreadPoolAsync_WorkThrows_ExceptionReachesTheAwaiterOnTheLoopThread()
    {
        int loopThread = 0, caughtOn = 0;
        Exception? caught = null;

        TestLoops.RunVirtual(async () =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            try
            {
                await EventLoop.RunOnThreadPoolAsync(() => throw new FormatException("bad input"));
            }
            catch (Exception exception)
            {
                caught = exception;
                caughtOn = Environment.CurrentManagedThreadId;
            }
        });

        Assert.Equal("bad input", Assert.IsType<FormatException>(caught).Message);
        Assert.Equal(loopThread, caughtOn);
    }

    [Fact]
    public void RunOnThreadPoolAsync_Action_RunsAndResumesOnTheLoopThread()
    {
        int loopThread = 0, resumedOn = 0;
        var ran = false;

        TestLoops.RunVirtual(async () =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            await EventLoop.RunOnThreadPoolAsync(() => { ran = true; });
            resumedOn = Environment.CurrentManagedThreadId;
        });

        Assert.True(ran);
        Assert.Equal(loopThread, resumedOn);
    }

    [Fact]
    public void RunOnThreadPoolAsync_AlreadyCancelled_NeverRunsTheWork()
    {
        var ran = false;
        Exception? caught = null;

        TestLoops.RunVirtual(async () =>
        {
            caught = await Record.ExceptionAsync(() => EventLoop.RunOnThreadPoolAsync(() => ran = true, new CancellationToken(true)));
        });

        Assert.IsAssignableFrom<OperationCanceledException>(caught);
        Assert.False(ran);
    }

    [Fact]
    public void RunOnThreadPoolAsync_CancelledWhileRunning_ResumesWithCancellationWithoutWaitingForTheWork()
    {
        using var release = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        Exception? caught = null;
        int loopThread = 0, caughtOn = 0;

        TestLoops.RunVirtual(async () =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            using var cts = new CancellationTokenSource();
            var work = EventLoop.RunOnThreadPoolAsync(() =>
            {
                started.Set();
                release.Wait();
                return 1;
            }, cts.Token);
            await EventLoop.RunOnThreadPoolAsync(() => started.Wait());
            cts.Cancel();
            caught = await Record.ExceptionAsync(() => work);
            caughtOn = Environment.CurrentManagedThreadId;
        });
        release.Set();

        Assert.IsAssignableFrom<OperationCanceledException>(caught);
        Assert.Equal(loopThread, caughtOn);
    }

    [Fact]
    public void RunOnThreadPoolAsync_FlowsAsyncLocals()
    {
        var local = new AsyncLocal<string>();
        string? seen = null;

        TestLoops.RunVirtual(async () =>
        {
            local.Value = "flowed";
            await EventLoop.RunOnThreadPoolAsync(() => seen = local.Value);
        });

        Assert.Equal("flowed", seen);
    }

    [Fact]
    public void RunOnThreadPoolAsync_NoLoop_ThrowsInvalidOperationNamingTheMember()
    {
        var error = Assert.Throws<InvalidOperationException>(() => { _ = EventLoop.RunOnThreadPoolAsync(() => 1); });
        Assert.Contains(nameof(EventLoop.RunOnThreadPoolAsync), error.Message);
    }

    [Fact]
    public void RunOnThreadPoolAsync_NullWork_ThrowsArgumentNull()
    {
        TestLoops.RunVirtual(() =>
        {
            Assert.Throws<ArgumentNullException>("work", () => { _ = EventLoop.RunOnThreadPoolAsync((Func<int>)null!); });
            Assert.Throws<ArgumentNullException>("work", () => { _ = EventLoop.RunOnThreadPoolAsync((Action)null!); });
            return Task.CompletedTask;
        });
    }
}
