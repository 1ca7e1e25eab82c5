using System.Collections;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Coroutines;

/// <summary>The frame clock (<see cref="EventLoopOptions.FrameRate"/>), <see cref="EventLoop.Frame"/> and frame waits.</summary>
public class CoroutineFrameTests
{
    // 50 ticks per second: one frame every 20 ms exactly, so frame times are exact in ticks.
    private static EventLoopOptions FiftyFps() => new() { Clock = new VirtualClock(), FrameRate = 50 };

    [Fact]
    public void Frame_AdvancesWithVirtualTime_OneTickPerPeriod()
    {
        var frames = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var atStart = loop.Frame;
            await EventLoop.Sleep(TimeSpan.FromSeconds(1.51));
            var afterOneAndAHalfSeconds = loop.Frame;
            await EventLoop.Sleep(TimeSpan.FromHours(1));
            return (atStart, afterOneAndAHalfSeconds, afterAnHour: loop.Frame);
        }, FiftyFps());

        Assert.Equal(0, frames.atStart);
        Assert.Equal(75, frames.afterOneAndAHalfSeconds);
        Assert.Equal(75 + (3600 * 50), frames.afterAnHour);
    }

    [Fact]
    public void Frame_WithoutAFrameRate_StaysZero()
    {
        var frame = EventLoop.Run(async () =>
        {
            await EventLoop.Sleep(TimeSpan.FromSeconds(10));
            return EventLoop.Current!.Frame;
        }, TestLoops.Virtual());

        Assert.Equal(0, frame);
    }

    [Fact]
    public void WaitNextFrameAndFrames_ResumeOnExactlyThoseTicks_AtTheTickTimes()
    {
        var seen = new List<(long Frame, TimeSpan Now)>();
        IEnumerator OnFrames(EventLoop loop)
        {
            yield return Wait.NextFrame;
            seen.Add((loop.Frame, loop.Now));
            yield return Wait.Frames(3);
            seen.Add((loop.Frame, loop.Now));
            yield return Wait.NextFrame;
            seen.Add((loop.Frame, loop.Now));
        }

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            await loop.Start(OnFrames(loop));
        }, FiftyFps());

        Assert.Equal(
            new[] { (1L, TimeSpan.FromMilliseconds(20)), (4L, TimeSpan.FromMilliseconds(80)), (5L, TimeSpan.FromMilliseconds(100)) },
            seen);
    }

    [Fact]
    public void WaitFrames_StartedMidFrame_CountsTicksFromTheWait()
    {
        var resumedAtFrame = -1L;
        IEnumerator Waiter(EventLoop loop)
        {
            yield return Wait.Seconds(0.05); // between frame 2 (40 ms) and frame 3 (60 ms)
            yield return Wait.Frames(2);
            resumedAtFrame = loop.Frame;
        }

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            await loop.Start(Waiter(loop));
            Assert.Equal(TimeSpan.FromMilliseconds(80), loop.Now);
        }, FiftyFps());

        Assert.Equal(4, resumedAtFrame);
    }

    [Fact]
    public void WaitFrames_SeveralCoroutinesOnTheSameTick_ResumeInTheOrderTheyStartedWaiting()
    {
        var order = new List<string>();
        IEnumerator Waiter(string name, int iterationsFirst)
        {
            for (var i = 0; i < iterationsFirst; i++)
            {
                yield return null;
            }

            yield return Wait.NextFrame;
            order.Add(name);
        }

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var a = loop.Start(Waiter("a", 2));
            var b = loop.Start(Waiter("b", 0));
            var c = loop.Start(Waiter("c", 1));
            await Task.WhenAll(a.Completion, b.Completion, c.Completion);
            Assert.Equal(1, loop.Frame);
        }, FiftyFps());

        Assert.Equal(new[] { "b", "c", "a" }, order);
    }

    [Fact]
    public void WaitFrames_WithoutAFrameRate_FaultsWithAClearError()
    {
        var cleanedUp = false;
        IEnumerator Waiter()
        {
            try
            {
                yield return Wait.Frames(2);
            }
            finally
            {
                cleanedUp = true;
            }
        }

        TestLoops.RunVirtual(async () =>
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await EventLoop.Current!.Start(Waiter(), name: "animator"));
            Assert.Contains("'animator'", error.Message);
            Assert.Contains("Wait.Frames(2)", error.Message);
            Assert.Contains("EventLoopOptions.FrameRate", error.Message);
        });

        Assert.True(cleanedUp);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void WaitFrames_LessThanOne_ThrowsArgumentOutOfRange(int count)
    {
        Assert.Throws<ArgumentOutOfRangeException>("count", () => Wait.Frames(count));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-60.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(20_000_000.0)]
    public void FrameRate_NotAPositiveFiniteRate_IsRejectedWhenTheLoopIsCreated(double rate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventLoop(new EventLoopOptions { FrameRate = rate }));
    }
}
