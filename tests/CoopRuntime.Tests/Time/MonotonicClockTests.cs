namespace CoopRuntime.Tests.Time;

public class MonotonicClockTests
{
    [Fact]
    public void Now_StartsAtALargeOffset_SoMixingItWithOtherClocksShowsAtOnce()
    {
        var clock = new MonotonicClock();
        Assert.InRange(clock.Now, TimeSpan.FromDays(1), TimeSpan.FromDays(11));
    }

    [Fact]
    public void Now_NeverGoesBackwards()
    {
        var clock = new MonotonicClock(TimeSpan.Zero);
        var previous = clock.Now;
        for (var i = 0; i < 100_000; i++)
        {
            var current = clock.Now;
            Assert.True(current >= previous);
            previous = current;
        }
    }

    [Fact]
    public void Constructor_WithANegativeStart_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MonotonicClock(TimeSpan.FromSeconds(-1)));
        Assert.Equal("start", error.ParamName);
    }

    [Fact]
    public void EventLoop_UsesAMonotonicClockByDefault()
    {
        using var loop = new EventLoop();
        Assert.IsType<MonotonicClock>(loop.Clock);
    }
}
