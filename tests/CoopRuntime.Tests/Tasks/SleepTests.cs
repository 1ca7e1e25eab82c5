using System.Diagnostics;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Tasks;

public class SleepTests
{
    [Fact]
    public void Sleep_SeveralSleepers_WakeInDeadlineOrderAtTheirDeadlines()
    {
        var woke = new List<(int Delay, TimeSpan At)>();

        TestLoops.RunVirtual(() =>
        {
            var loop = EventLoop.Current!;

            async Task SleepAsync(int milliseconds)
            {
                await EventLoop.Sleep(TimeSpan.FromMilliseconds(milliseconds));
                woke.Add((milliseconds, loop.Now));
            }

            return Task.WhenAll(new[] { 30, 10, 20, 0, 25 }.Select(SleepAsync));
        });

        Assert.Equal(new[] { 0, 10, 20, 25, 30 }, woke.Select(w => w.Delay));
        Assert.All(woke, w => Assert.Equal(TimeSpan.FromMilliseconds(w.Delay), w.At));
    }

    [Fact]
    public void Sleep_EqualDeadlines_WakeInCallOrder()
    {
        var woke = new List<int>();

        TestLoops.RunVirtual(() =>
        {
            async Task SleepAsync(int index)
            {
                await EventLoop.Sleep(TimeSpan.FromSeconds(1));
                woke.Add(index);
            }

            return Task.WhenAll(Enumerable.Range(0, 16).Select(SleepAsync));
        });

        Assert.Equal(Enumerable.Range(0, 16), woke);
    }

    [Fact]
    public void Sleep_OneHourUnderAVirtualClock_AdvancesLoopTimeByExactlyOneHourWithoutWaiting()
    {
        var stopwatch = Stopwatch.StartNew();
        TimeSpan before = default;
        TimeSpan after = default;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            before = loop.Now;
            await EventLoop.Sleep(TimeSpan.FromHours(1));
            after = loop.Now;
        });

        stopwatch.Stop();
        Assert.Equal(TimeSpan.FromHours(1), after - before);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"A virtual hour took {stopwatch.Elapsed} of wall time.");
    }

    [Fact]
    public void Sleep_Zero_DoesNotCompleteSynchronouslyAndResumesWithoutTimePassing()
    {
        var completedAtOnce = true;
        TimeSpan before = default;
        TimeSpan after = default;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            before = loop.Now;
            var sleep = EventLoop.Sleep(TimeSpan.Zero);
            completedAtOnce = sleep.IsCompleted;
            await sleep;
            after = loop.Now;
        });

        Assert.False(completedAtOnce);
        Assert.Equal(before, after);
    }

    [Fact]
    public void Sleep_TokenCancelledWhileSleeping_ThrowsOperationCanceledAtTheMomentOfCancellation()
    {
        Exception? error = null;
        TimeSpan endedAt = default;
        using var source = new CancellationTokenSource();

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            loop.CallLater(TimeSpan.FromSeconds(2), source.Cancel);
            error = await Record.ExceptionAsync(async () => await EventLoop.Sleep(TimeSpan.FromHours(1), source.Token));
            endedAt = loop.Now;
        });

        var canceled = Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Equal(source.Token, canceled.CancellationToken);
        Assert.Equal(TimeSpan.FromSeconds(2), endedAt);
    }

    [Fact]
    public void Sleep_TokenCancelledFromAnotherThread_ThrowsOperationCanceledOnTheLoopThread()
    {
        Exception? error = null;
        var loopThread = 0;
        var resumedOn = 0;
        Thread? canceller = null;
        using var source = new CancellationTokenSource();

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            loopThread = Environment.CurrentManagedThreadId;
            canceller = new Thread(source.Cancel);
            loop.CallSoon(canceller.Start);
            error = await Record.ExceptionAsync(async () => await EventLoop.Sleep(Timeout.InfiniteTimeSpan, source.Token));
            resumedOn = Environment.CurrentManagedThreadId;
        });

        canceller!.Join();
        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Equal(loopThread, resumedOn);
    }

    [Fact]
    public void Sleep_AlreadyCancelledToken_IsCanceledAtOnceWithoutWaiting()
    {
        var canceledAtOnce = false;
        Exception? error = null;
        TimeSpan endedAt = TimeSpan.MaxValue;
        var token = new CancellationToken(canceled: true);

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var sleep = EventLoop.Sleep(TimeSpan.FromHours(1), token);
            canceledAtOnce = sleep.IsCanceled;
            error = await Record.ExceptionAsync(async () => await sleep);
            endedAt = loop.Now;
        });

        Assert.True(canceledAtOnce);
        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Equal(TimeSpan.Zero, endedAt);
    }

    [Fact]
    public void Sleep_Infinite_EndsOnlyWhenCancelled()
    {
        var pendingAfterADay = false;
        Exception? error = null;
        TimeSpan endedAt = default;
        using var source = new CancellationTokenSource();

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var sleep = EventLoop.Sleep(Timeout.InfiniteTimeSpan, source.Token).AsTask();
            loop.CallLater(TimeSpan.FromDays(1), () => pendingAfterADay = !sleep.IsCompleted);
            loop.CallLater(TimeSpan.FromDays(365), source.Cancel);
            error = await Record.ExceptionAsync(() => sleep);
            endedAt = loop.Now;
        });

        Assert.True(pendingAfterADay);
        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Equal(TimeSpan.FromDays(365), endedAt);
    }

    [Fact]
    public void Sleep_Infinite_SchedulesNoTimer()
    {
        var timersWhileSleeping = -1;
        using var source = new CancellationTokenSource();

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var sleep = EventLoop.Sleep(Timeout.InfiniteTimeSpan, source.Token);
            timersWhileSleeping = loop.PendingTimerCount;
            source.Cancel();
            await Record.ExceptionAsync(async () => await sleep);
        });

        Assert.Equal(0, timersWhileSleeping);
    }

    [Fact]
    public void Sleep_NegativeDelay_ThrowsArgumentOutOfRangeNamingDelay()
    {
        ArgumentOutOfRangeException? error = null;

        TestLoops.RunVirtual(() =>
        {
            error = Assert.Throws<ArgumentOutOfRangeException>(() => EventLoop.Sleep(TimeSpan.FromSeconds(-1)));
            return Task.CompletedTask;
        });

        Assert.Equal("delay", error!.ParamName);
    }

    [Fact]
    public void Sleep_WithNoLoopOnTheThread_ThrowsInvalidOperationNamingSleep()
    {
        var error = Assert.Throws<InvalidOperationException>(() => EventLoop.Sleep(TimeSpan.FromSeconds(1)));

        Assert.Contains("Sleep", error.Message);
        Assert.Contains("needs an EventLoop running on this thread", error.Message);
    }

    [Fact]
    public void Sleep_SameValueTaskAwaitedTwice_ThrowsInvalidOperation()
    {
        Exception? error = null;

        TestLoops.RunVirtual(async () =>
        {
            var sleep = EventLoop.Sleep(TimeSpan.FromMilliseconds(1));
            await sleep;
            error = await Record.ExceptionAsync(async () => await sleep);
        });

        var invalid = Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("already awaited", invalid.Message);
    }

    [Fact]
    public void Sleep_SameValueTaskAwaitedTwiceAtOnce_ThrowsInvalidOperation()
    {
        Exception? error = null;

        TestLoops.RunVirtual(async () =>
        {
            var sleep = EventLoop.Sleep(TimeSpan.FromMilliseconds(1));
            var first = sleep.AsTask();
            error = Record.Exception(() => { _ = sleep.AsTask(); });
            await first;
        });

        var invalid = Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("awaited twice", invalid.Message);
    }
}
