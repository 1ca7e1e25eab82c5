using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Threads;

public class SwitchToTests
{
    [Fact]
    public async Task SwitchTo_FromThreadPool_ContinuesOnTheLoopThread()
    {
        await using var thread = new LoopThread("switch-target");
        var loopThreadId = await thread.InvokeAsync(() => Task.FromResult(Environment.CurrentManagedThreadId));

        var (onLoop, threadId) = await Task.Run(async () =>
        {
            await thread.Loop.SwitchTo();
            return (EventLoop.Current == thread.Loop, Environment.CurrentManagedThreadId);
        });

        Assert.True(onLoop);
        Assert.Equal(loopThreadId, threadId);
    }

    [Fact]
    public void SwitchTo_AlreadyOnTheLoop_DoesNotSuspend()
    {
        var completedAtOnce = false;

        TestLoops.RunVirtual(() =>
        {
            completedAtOnce = EventLoop.Current!.SwitchTo().GetAwaiter().IsCompleted;
            return Task.CompletedTask;
        });

        Assert.True(completedAtOnce);
    }

    [Fact]
    public void SwitchTo_FromOneLoopToAnother_AndBack()
    {
        using var other = new LoopThread("other");
        var trail = new List<bool>();

        TestLoops.RunVirtual(async () =>
        {
            var home = EventLoop.Current!;
            await other.Loop.SwitchTo();
            trail.Add(EventLoop.Current == other.Loop);
            await home.SwitchTo();
            trail.Add(EventLoop.Current == home);
        });

        Assert.Equal(new[] { true, true }, trail);
    }

    [Fact]
    public async Task SwitchTo_ClosedLoop_ThrowsObjectDisposed()
    {
        var thread = new LoopThread();
        var loop = thread.Loop;
        thread.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await loop.SwitchTo());
    }
}
