using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Time;

public class TimerHandleTests
{
    [Fact]
    public void CallLater_WithEqualDeadlines_FiresInSchedulingOrder()
    {
        var order = new List<int>();
        using var loop = new EventLoop(TestLoops.Virtual());
        for (var i = 0; i < 20; i++)
        {
            loop.CallLater(TimeSpan.FromSeconds(1), static s => s.order.Add(s.i), (order, i));
        }

        loop.CallLater(TimeSpan.FromSeconds(2), loop.Stop);
        loop.RunForever();

        Assert.Equal(Enumerable.Range(0, 20), order);
    }

    [Fact]
    public void CallLater_FiresInDeadlineOrder_AtTheRightLoopTime()
    {
        var fired = new List<(string Name, TimeSpan At)>();
        using var loop = new EventLoop(TestLoops.Virtual());
        loop.CallLater(TimeSpan.FromSeconds(3), () => fired.Add(("c", loop.Now)));
        loop.CallLater(TimeSpan.FromSeconds(1), () => fired.Add(("a", loop.Now)));
        loop.CallAt(TimeSpan.FromSeconds(2), () => fired.Add(("b", loop.Now)));
        loop.CallLater(TimeSpan.FromSeconds(4), loop.Stop);

        loop.RunForever();

        Assert.Equal(
            new[] { ("a", TimeSpan.FromSeconds(1)), ("b", TimeSpan.FromSeconds(2)), ("c", TimeSpan.FromSeconds(3)) },
            fired);
    }

    [Fact]
    public void CallAt_WithADeadlineInThePast_RunsOnTheNextTimerPass()
    {
        using var loop = new EventLoop(TestLoops.With(new VirtualClock(TimeSpan.FromHours(1))));
        var ran = false;
        loop.CallAt(TimeSpan.Zero, () =>
        {
            ran = true;
            loop.Stop();
        });

        loop.RunForever();

        Assert.True(ran);
        Assert.Equal(TimeSpan.FromHours(1), loop.Now);
    }

    [Fact]
    public void Cancel_BeforeTheDeadline_PreventsTheCallback_AndReportsItOnce()
    {
        using var loop = new EventLoop(TestLoops.Virtual());
        var ran = false;
        var handle = loop.CallLater(TimeSpan.FromSeconds(1), () => ran = true);
        Assert.True(handle.IsPending);
        Assert.Equal(TimeSpan.FromSeconds(1), handle.Deadline);

        Assert.True(handle.Cancel());
        Assert.False(handle.Cancel());
        Assert.False(handle.IsPending);

        loop.CallLater(TimeSpan.FromSeconds(2), loop.Stop);
        loop.RunForever();
        Assert.False(ran);
    }

    [Fact]
    public void Cancel_FromACallbackInTheSameIterationTheTimerBecameDue_PreventsIt()
    {
        using var loop = new EventLoop(TestLoops.Virtual());
        var ran = new List<string>();
        TimerHandle second = default;
        loop.CallLater(TimeSpan.FromSeconds(1), () =>
        {
            ran.Add("first");
            Assert.True(second.Cancel());
        });
        second = loop.CallLater(TimeSpan.FromSeconds(1), () => ran.Add("second"));
        loop.CallLater(TimeSpan.FromSeconds(2), loop.Stop);

        loop.RunForever();

        Assert.Equal(new[] { "first" }, ran);
    }

    [Fact]
    public void Cancel_AfterTheCallbackRan_ReturnsFalse_EvenWhenItsStorageWasReused()
    {
        using var loop = new EventLoop(TestLoops.Virtual());
        var count = 0;
        var first = loop.CallLater(TimeSpan.Zero, () => count++);
        loop.RunUntilComplete(async () => await EventLoop.Sleep(TimeSpan.FromSeconds(1)));

        var second = loop.CallLater(TimeSpan.FromSeconds(1), () => count += 10);
        Assert.False(first.Cancel());
        Assert.False(first.IsPending);
        Assert.NotEqual(first, second);
        Assert.True(second.IsPending);

        loop.RunUntilComplete(async () => await EventLoop.Sleep(TimeSpan.FromSeconds(2)));
        Assert.Equal(11, count);
    }

    [Fact]
    public void Cancel_OnADefaultHandle_ReturnsFalse()
    {
        TimerHandle handle = default;
        Assert.False(handle.Cancel());
        Assert.False(handle.IsPending);
        Assert.Equal(TimeSpan.Zero, handle.Deadline);
    }

    [Fact]
    public void Cancel_FromAnotherThread_ThrowsWrongThreadException()
    {
        using var loop = new EventLoop(TestLoops.Virtual());
        var handle = loop.CallLater(TimeSpan.FromSeconds(1), () => { });
        Exception? error = null;
        var thread = new Thread(() => error = Record.Exception(() => handle.Cancel()));
        thread.Start();
        thread.Join();

        Assert.IsType<WrongThreadException>(error);
        Assert.True(handle.IsPending);
    }

    [Fact]
    public void CallLater_WithNegativeDelay_ThrowsNamingTheParameter()
    {
        using var loop = new EventLoop();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => loop.CallLater(TimeSpan.FromMilliseconds(-1), () => { }));
        Assert.Equal("delay", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.CallLater(Timeout.InfiniteTimeSpan, () => { }));
    }

    [Fact]
    public void CallLater_WithAHugeDelay_SaturatesInsteadOfOverflowing()
    {
        using var loop = new EventLoop(TestLoops.With(new VirtualClock(TimeSpan.FromDays(1))));
        var handle = loop.CallLater(TimeSpan.MaxValue, () => { });
        Assert.Equal(TimeSpan.MaxValue, handle.Deadline);
    }

    [Fact]
    public void CallbackThatThrows_ReachesTheHandler_AndLaterTimersStillFire()
    {
        var errors = new List<Exception>();
        using var loop = new EventLoop(new EventLoopOptions { Clock = new VirtualClock(), UnhandledException = errors.Add });
        var later = false;
        loop.CallLater(TimeSpan.FromSeconds(1), () => throw new InvalidTimeZoneException("boom"));
        loop.CallLater(TimeSpan.FromSeconds(1), () => later = true);
        loop.CallLater(TimeSpan.FromSeconds(2), loop.Stop);

        loop.RunForever();

        Assert.IsType<InvalidTimeZoneException>(Assert.Single(errors));
        Assert.True(later);
    }
}
