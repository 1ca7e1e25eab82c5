using System.Diagnostics;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Time;

public class VirtualClockTests
{
    [Fact]
    public void AutoAdvance_JumpsToTheNextTimer_SoAnHourOfSleepsTakesNoRealTime()
    {
        var clock = new VirtualClock();
        var wall = Stopwatch.StartNew();
        EventLoop.Run(async () =>
        {
            for (var minute = 0; minute < 60; minute++)
            {
                await EventLoop.Sleep(TimeSpan.FromMinutes(1));
            }
        }, TestLoops.With(clock));
        wall.Stop();

        Assert.Equal(TimeSpan.FromHours(1), clock.Now);
        // A guard, not a timing test: real waiting would take an hour.
        Assert.True(wall.Elapsed < TimeSpan.FromSeconds(10), $"Virtual time took {wall.Elapsed} of real time.");
    }

    [Fact]
    public void AutoAdvance_DoesNotJumpWhileCallbacksAreReady()
    {
        var clock = new VirtualClock();
        var observed = new List<TimeSpan>();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            loop.CallLater(TimeSpan.FromSeconds(10), () => observed.Add(loop.Now));
            for (var i = 0; i < 100; i++)
            {
                await EventLoop.Yield();
                observed.Add(loop.Now);
            }

            await EventLoop.Sleep(TimeSpan.FromSeconds(20));
        }, TestLoops.With(clock));

        Assert.All(observed.Take(100), at => Assert.Equal(TimeSpan.Zero, at));
        Assert.Equal(TimeSpan.FromSeconds(10), observed[100]);
        Assert.Equal(TimeSpan.FromSeconds(20), clock.Now);
    }

    [Fact]
    public void Advance_InManualMode_FiresOnlyTheTimersThatBecameDue()
    {
        var clock = new VirtualClock { AutoAdvance = false };
        var fired = new List<int>();
        using var loop = new EventLoop(TestLoops.With(clock));
        loop.CallLater(TimeSpan.FromSeconds(1), () => fired.Add(1));
        loop.CallLater(TimeSpan.FromSeconds(5), () => fired.Add(5));

        loop.RunUntilComplete(async () =>
        {
            clock.Advance(TimeSpan.FromSeconds(2));
            await EventLoop.Sleep(TimeSpan.Zero);
            await EventLoop.Yield();
        });

        Assert.Equal(new[] { 1 }, fired);
        Assert.Equal(TimeSpan.FromSeconds(2), loop.Now);
    }

    [Fact]
    public void Advance_FromAnotherThread_WakesTheLoopSoDueTimersFire()
    {
        var clock = new VirtualClock { AutoAdvance = false };
        var fired = false;
        using var loop = new EventLoop(TestLoops.With(clock));
        loop.CallLater(TimeSpan.FromMinutes(1), () =>
        {
            fired = true;
            loop.Stop();
        });
        var advancer = new Thread(() => clock.Advance(TimeSpan.FromMinutes(1)));
        loop.CallSoon(advancer.Start);

        loop.RunForever();
        advancer.Join();

        Assert.True(fired);
    }

    [Fact]
    public void Advance_WithANegativeDelta_Throws()
    {
        var clock = new VirtualClock();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromTicks(-1)));
        Assert.Equal("delta", error.ParamName);
        Assert.Equal(TimeSpan.Zero, clock.Now);
    }

    [Fact]
    public void Constructor_WithANegativeStart_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VirtualClock(TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void OneClock_SharedByTwoOpenLoops_IsRejectedWithAClearMessage()
    {
        var clock = new VirtualClock();
        using var first = new EventLoop(TestLoops.With(clock));

        var error = Assert.Throws<ArgumentException>(() => new EventLoop(TestLoops.With(clock)));

        Assert.Contains("one loop at a time", error.Message);
    }

    [Fact]
    public void OneClock_CanDriveANewLoopAfterTheFirstClosed()
    {
        var clock = new VirtualClock();
        new EventLoop(TestLoops.With(clock)).Dispose();
        using var second = new EventLoop(TestLoops.With(clock));
        Assert.Same(clock, second.Clock);
    }

    [Fact]
    public void AutoAdvanceThreshold_LetsThreadPoolWorkFinishBeforeTimeJumps()
    {
        var clock = new VirtualClock { AutoAdvanceThreshold = TimeSpan.FromSeconds(30) };
        var result = EventLoop.Run(async () =>
        {
            using var scope = CancelScope.After(TimeSpan.FromSeconds(1));
            var value = await Task.Run(() => 5);
            return (value, scope.IsCancellationRequested);
        }, TestLoops.With(clock));

        Assert.Equal((5, false), result);
    }
}
