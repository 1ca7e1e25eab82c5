using NSubstitute;

namespace CoopRuntime.Tests.Loop;

public class EventLoopClockTests
{
    [Fact]
    public void Loop_ReadsTimeOnlyFromItsClock()
    {
        var clock = Substitute.For<IClock>();
        clock.Now.Returns(TimeSpan.FromHours(5));
        using var loop = new EventLoop(new EventLoopOptions { Clock = clock });

        var handle = loop.CallLater(TimeSpan.FromSeconds(1), () => { });

        Assert.Equal(TimeSpan.FromHours(5), loop.Now);
        Assert.Equal(TimeSpan.FromHours(5) + TimeSpan.FromSeconds(1), handle.Deadline);
        Assert.Equal(TimeSpan.FromHours(5).Ticks, loop.TimeProvider.GetTimestamp());
        _ = clock.Received().Now;
    }

    [Fact]
    public void Loop_WithACustomClock_FiresTimersWhenTheClockReachesTheirDeadline()
    {
        var clock = Substitute.For<IClock>();
        // The first reading schedules the timer; every later one is past its deadline, so the loop never blocks.
        var readings = new Queue<TimeSpan>(new[] { TimeSpan.Zero, TimeSpan.FromSeconds(2) });
        clock.Now.Returns(_ => readings.Count > 1 ? readings.Dequeue() : readings.Peek());
        using var loop = new EventLoop(new EventLoopOptions { Clock = clock });
        var firedAt = TimeSpan.MinValue;
        loop.CallLater(TimeSpan.FromSeconds(1), () =>
        {
            firedAt = loop.Now;
            loop.Stop();
        });

        loop.RunForever();

        Assert.Equal(TimeSpan.FromSeconds(2), firedAt);
    }
}
