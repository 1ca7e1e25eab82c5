using System.Collections;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Coroutines;

public class CoroutineBasicsTests
{
    [Fact]
    public void Start_RunsTheIteratorAcrossIterations_AndAwaitingItWaitsForTheEnd()
    {
        var log = new List<string>();
        IEnumerator Counter()
        {
            for (var i = 0; i < 3; i++)
            {
                log.Add($"step {i}");
                yield return null;
            }
        }

        EventLoop.Run(async () =>
        {
            var coroutine = EventLoop.Current!.Start(Counter(), name: "counter");
            log.Add("started");
            await coroutine;
            log.Add("awaited");
            Assert.True(coroutine.IsCompleted);
            Assert.False(coroutine.IsRunning);
        }, TestLoops.Virtual());

        Assert.Equal(new[] { "started", "step 0", "step 1", "step 2", "awaited" }, log);
    }

    [Fact]
    public void WaitSeconds_UnderAVirtualClock_WaitsExactlyThatLongInLoopTime()
    {
        var times = new List<TimeSpan>();
        IEnumerator Ticker(EventLoop loop)
        {
            for (var i = 0; i < 3; i++)
            {
                yield return Wait.Seconds(0.5);
                times.Add(loop.Now);
            }
        }

        EventLoop.Run(async () => await EventLoop.Current!.Start(Ticker(EventLoop.Current)), TestLoops.Virtual());

        Assert.Equal(new[] { TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.5) }, times);
    }

    [Fact]
    public void Stop_RunsTheFinallyBlock_AndAwaitersSeeCancellation()
    {
        var cleanedUp = false;
        IEnumerator Blink()
        {
            try
            {
                while (true)
                {
                    yield return Wait.Seconds(0.5);
                }
            }
            finally
            {
                cleanedUp = true;
            }
        }

        EventLoop.Run(async () =>
        {
            var blink = EventLoop.Current!.Start(Blink(), name: "blink");
            await EventLoop.Sleep(TimeSpan.FromSeconds(2));
            blink.Stop();
            Assert.True(cleanedUp);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await blink);
        }, TestLoops.Virtual());
    }

    [Fact]
    public void NestedRoutine_WithFaultInTheInnermost_DisposesEveryLevelInnermostFirst()
    {
        var log = new List<string>();
        IEnumerator Level(int depth)
        {
            try
            {
                yield return null;
                if (depth == 5)
                {
                    throw new InvalidDataException("innermost failed");
                }

                yield return Level(depth + 1);
            }
            finally
            {
                log.Add($"finally {depth}");
            }
        }

        var error = Assert.Throws<InvalidDataException>(() => EventLoop.Run(async () =>
        {
            await EventLoop.Current!.Start(Level(1));
        }, TestLoops.Virtual()));

        Assert.Equal("innermost failed", error.Message);
        Assert.Equal(new[] { "finally 5", "finally 4", "finally 3", "finally 2", "finally 1" }, log);
    }

    [Fact]
    public void TypedRoutine_ReturnsAValueThroughWaitReturn()
    {
        IEnumerator<Wait> Answer()
        {
            yield return Wait.For(TimeSpan.FromSeconds(1));
            yield return Wait.Return(42);
        }

        var result = EventLoop.Run(async () => await EventLoop.Current!.Start<int>(Answer()), TestLoops.Virtual());

        Assert.Equal(42, result);
    }

    [Fact]
    public void YieldingATask_ResumesWhenItCompletes()
    {
        IEnumerator WaitForWork(List<int> seen)
        {
            var work = Task.Run(() => 7);
            yield return work;
            seen.Add(work.Result);
        }

        var seen = new List<int>();
        EventLoop.Run(async () => await EventLoop.Current!.Start(WaitForWork(seen)));

        Assert.Equal(new[] { 7 }, seen);
    }

    [Fact]
    public void WaitUntil_ResumesOnceTheConditionHolds()
    {
        var flag = false;
        var resumedAt = TimeSpan.Zero;
        IEnumerator Waiter(EventLoop loop)
        {
            yield return Wait.Until(() => flag);
            resumedAt = loop.Now;
        }

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var coroutine = loop.Start(Waiter(loop));
            loop.CallLater(TimeSpan.FromSeconds(3), () => flag = true);
            await coroutine;
        }, TestLoops.Virtual());

        Assert.InRange(resumedAt, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3.01));
    }

    [Fact]
    public void WaitFrames_CountsTicksOfTheFrameClock()
    {
        var frames = new List<long>();
        IEnumerator OnFrames(EventLoop loop)
        {
            yield return Wait.NextFrame;
            frames.Add(loop.Frame);
            yield return Wait.Frames(3);
            frames.Add(loop.Frame);
        }

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            await loop.Start(OnFrames(loop));
            Assert.InRange(loop.Now.Ticks, (long)(TimeSpan.TicksPerSecond * 4.0 / 60) - 10, (long)(TimeSpan.TicksPerSecond * 4.0 / 60) + 10);
        }, new EventLoopOptions { Clock = new VirtualClock(), FrameRate = 60 });

        Assert.Equal(new long[] { 1, 4 }, frames);
    }

    [Fact]
    public void YieldingAnUnsupportedValue_FaultsNamingTheTypeAndWhatIsSupported()
    {
        IEnumerator Bad()
        {
            yield return 3.5;
        }

        var error = Assert.Throws<InvalidOperationException>(() => EventLoop.Run(async () =>
        {
            await EventLoop.Current!.Start(Bad(), name: "bad");
        }, TestLoops.Virtual()));

        Assert.Contains("System.Double", error.Message);
        Assert.Contains("Wait.Seconds", error.Message);
        Assert.Contains("'bad'", error.Message);
    }
}
