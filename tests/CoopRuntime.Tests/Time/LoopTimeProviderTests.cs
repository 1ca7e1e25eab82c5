using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Time;

public class LoopTimeProviderTests
{
    [Fact]
    public void TaskDelay_OnTheLoopTimeProvider_FollowsVirtualTime_AndResumesOnTheLoopThread()
    {
        var clock = new VirtualClock();
        var resumedOnLoopThread = EventLoop.Run(async () =>
        {
            var loopThread = Environment.CurrentManagedThreadId;
            await Task.Delay(TimeSpan.FromHours(2), EventLoop.Current!.TimeProvider);
            return Environment.CurrentManagedThreadId == loopThread;
        }, TestLoops.With(clock));

        Assert.True(resumedOnLoopThread);
        Assert.Equal(TimeSpan.FromHours(2), clock.Now);
    }

    [Fact]
    public void CancellationTokenSource_WithTheLoopTimeProvider_CancelsAtLoopTime()
    {
        var cancelledAt = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            using var source = new CancellationTokenSource(TimeSpan.FromMinutes(3), loop.TimeProvider);
            var at = TimeSpan.Zero;
            source.Token.Register(() => at = loop.Now);
            await EventLoop.Sleep(TimeSpan.FromMinutes(10));
            return at;
        }, TestLoops.Virtual());

        Assert.Equal(TimeSpan.FromMinutes(3), cancelledAt);
    }

    [Fact]
    public void WaitAsync_WithTheLoopTimeProvider_TimesOutAtLoopTime()
    {
        var (error, at) = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var never = new TaskCompletionSource();
            var exception = await Record.ExceptionAsync(() => never.Task.WaitAsync(TimeSpan.FromSeconds(30), loop.TimeProvider));
            return (exception, loop.Now);
        }, TestLoops.Virtual());

        Assert.IsType<TimeoutException>(error);
        Assert.Equal(TimeSpan.FromSeconds(30), at);
    }

    [Fact]
    public void GetUtcNow_UnderAVirtualClock_IsTheEpochPlusLoopTime()
    {
        var epoch = new DateTimeOffset(2030, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var clock = new VirtualClock { UtcEpoch = epoch };
        var utc = EventLoop.Run(async () =>
        {
            await EventLoop.Sleep(TimeSpan.FromDays(1));
            return EventLoop.Current!.TimeProvider.GetUtcNow();
        }, TestLoops.With(clock));

        Assert.Equal(epoch.AddDays(1), utc);
    }

    [Fact]
    public void GetElapsedTime_MeasuresLoopTime()
    {
        var elapsed = EventLoop.Run(async () =>
        {
            var provider = EventLoop.Current!.TimeProvider;
            var start = provider.GetTimestamp();
            await EventLoop.Sleep(TimeSpan.FromMilliseconds(1500));
            return provider.GetElapsedTime(start);
        }, TestLoops.Virtual());

        Assert.Equal(TimeSpan.FromMilliseconds(1500), elapsed);
    }

    [Fact]
    public void CreateTimer_Periodic_FiresOnTheLoopThreadEveryPeriod()
    {
        var ticks = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var loopThread = Environment.CurrentManagedThreadId;
            var seen = new List<(TimeSpan At, bool OnLoopThread)>();
            using var timer = loop.TimeProvider.CreateTimer(
                _ => seen.Add((loop.Now, Environment.CurrentManagedThreadId == loopThread)),
                null,
                TimeSpan.FromSeconds(1),
                TimeSpan.FromSeconds(2));
            await EventLoop.Sleep(TimeSpan.FromSeconds(6));
            return seen;
        }, TestLoops.Virtual());

        Assert.Equal(
            new[] { (TimeSpan.FromSeconds(1), true), (TimeSpan.FromSeconds(3), true), (TimeSpan.FromSeconds(5), true) },
            ticks);
    }

    [Fact]
    public void CreateTimer_ChangeAndDispose_TakeEffect()
    {
        var fired = EventLoop.Run(async () =>
        {
            var provider = EventLoop.Current!.TimeProvider;
            var count = 0;
            var timer = provider.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
            Assert.True(timer.Change(TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan));
            await EventLoop.Sleep(TimeSpan.FromSeconds(2));
            var afterTwo = count;
            await EventLoop.Sleep(TimeSpan.FromSeconds(4));
            var afterSix = count;
            timer.Change(TimeSpan.FromSeconds(1), TimeSpan.Zero);
            timer.Dispose();
            Assert.False(timer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan));
            await EventLoop.Sleep(TimeSpan.FromSeconds(5));
            return (afterTwo, afterSix, count);
        }, TestLoops.Virtual());

        Assert.Equal((0, 1, 1), fired);
    }

    [Fact]
    public void CreateTimer_DisposedFromAnotherThread_NeverFires()
    {
        // A manual clock: an auto-advancing one would jump to the timer while the loop waits for the other thread.
        var clock = new VirtualClock { AutoAdvance = false };
        var count = EventLoop.Run(async () =>
        {
            var provider = EventLoop.Current!.TimeProvider;
            var fired = 0;
            var timer = provider.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);
            await Task.Run(timer.Dispose);
            clock.Advance(TimeSpan.FromSeconds(20));
            await EventLoop.Sleep(TimeSpan.Zero);
            await EventLoop.Yield();
            return fired;
        }, TestLoops.With(clock));

        Assert.Equal(0, count);
    }

    [Fact]
    public void CreateTimer_WhoseCallbackThrows_ReportsToTheLoopHandler()
    {
        var errors = new List<Exception>();
        EventLoop.Run(async () =>
        {
            using var timer = EventLoop.Current!.TimeProvider.CreateTimer(
                _ => throw new DivideByZeroException(), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
            await EventLoop.Sleep(TimeSpan.FromSeconds(2));
        }, new EventLoopOptions { Clock = new VirtualClock(), UnhandledException = errors.Add });

        Assert.IsType<DivideByZeroException>(Assert.Single(errors));
    }

    [Fact]
    public void CreateTimer_WithANegativeDueTime_Throws()
    {
        using var loop = new EventLoop();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            loop.TimeProvider.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(-2), Timeout.InfiniteTimeSpan));
        Assert.Equal("dueTime", error.ParamName);
    }
}
