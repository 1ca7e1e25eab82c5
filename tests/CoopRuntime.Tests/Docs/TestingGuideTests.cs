using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Docs;

/// <summary>The examples of docs/guides/testing-with-virtual-time.md, run; the last test keeps the page identical.</summary>
public sealed class TestingGuideTests
{
    [Fact]
    public void RetryExample_WaitsOneHourOfLoopTimeInstantly()
    {
        #region guide: retry
        var clock = new VirtualClock();
        var attempts = new List<TimeSpan>();

        EventLoop.Run(async () =>
        {
            for (var attempt = 0; attempt < 3; attempt++)
            {
                attempts.Add(EventLoop.Current!.Now);
                await EventLoop.Sleep(TimeSpan.FromMinutes(20));   // backoff between attempts
            }
        }, new EventLoopOptions { Clock = clock });

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(40)], attempts);
        Assert.Equal(TimeSpan.FromHours(1), clock.Now);              // an hour passed, in microseconds of real time
        #endregion
    }

    [Fact]
    public void TimeProviderExample_MakesBclTimeoutsFollowTheVirtualClock()
    {
        #region guide: time provider
        var timedOut = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var slow = Task.Delay(TimeSpan.FromMinutes(5), loop.TimeProvider);
            try
            {
                await slow.WaitAsync(TimeSpan.FromSeconds(30), loop.TimeProvider);
                return false;
            }
            catch (TimeoutException)
            {
                return loop.Now == TimeSpan.FromSeconds(30);
            }
        }, new EventLoopOptions { Clock = new VirtualClock() });

        Assert.True(timedOut);
        #endregion
    }

    [Fact]
    public void ManualClockExample_StepsTimeFromTheTest()
    {
        #region guide: manual
        var clock = new VirtualClock { AutoAdvance = false };
        using var loop = new EventLoop(new EventLoopOptions { Clock = clock });
        var fired = false;
        loop.CallLater(TimeSpan.FromSeconds(10), () => fired = true);

        var stepping = Task.Run(() =>
        {
            clock.Advance(TimeSpan.FromSeconds(9));                   // not yet
            clock.Advance(TimeSpan.FromSeconds(1));                   // now the timer is due
            loop.CallSoonThreadSafe(loop.Stop);
        });
        loop.RunForever();
        stepping.Wait();

        Assert.True(fired);
        #endregion
    }

    [Fact]
    public void Guide_ContainsEveryExampleVerbatim() =>
        GuideText.AssertGuideContainsRegions("docs/guides/testing-with-virtual-time.md", "tests/CoopRuntime.Tests/Docs/TestingGuideTests.cs", 3);
}
