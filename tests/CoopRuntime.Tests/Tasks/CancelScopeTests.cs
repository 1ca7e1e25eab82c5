using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Tasks;

public class CancelScopeTests
{
    [Fact]
    public void After_TokenIsCancelledAtTheDeadlineInLoopTime_AndTimedOutIsTrue()
    {
        TimeSpan deadline = default;
        TimeSpan cancelledAt = default;
        var cancelledBeforeDeadline = true;
        var timedOut = false;
        var isCancellationRequested = false;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            using var scope = CancelScope.After(TimeSpan.FromSeconds(5));
            deadline = scope.Deadline;
            scope.Token.Register(() => cancelledAt = loop.Now);
            loop.CallLater(TimeSpan.FromSeconds(4.999), () => cancelledBeforeDeadline = scope.Token.IsCancellationRequested);
            await Record.ExceptionAsync(async () => await EventLoop.Sleep(Timeout.InfiniteTimeSpan, scope.Token));
            timedOut = scope.TimedOut;
            isCancellationRequested = scope.IsCancellationRequested;
        });

        Assert.Equal(TimeSpan.FromSeconds(5), deadline);
        Assert.False(cancelledBeforeDeadline);
        Assert.Equal(TimeSpan.FromSeconds(5), cancelledAt);
        Assert.True(timedOut);
        Assert.True(isCancellationRequested);
    }

    [Fact]
    public void At_TokenIsCancelledWhenTheLoopClockReachesTheDeadline()
    {
        TimeSpan deadline = default;
        TimeSpan cancelledAt = default;
        var timedOut = false;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            await EventLoop.Sleep(TimeSpan.FromSeconds(10));
            using var scope = CancelScope.At(TimeSpan.FromSeconds(12));
            deadline = scope.Deadline;
            scope.Token.Register(() => cancelledAt = loop.Now);
            await Record.ExceptionAsync(async () => await EventLoop.Sleep(Timeout.InfiniteTimeSpan, scope.Token));
            timedOut = scope.TimedOut;
        });

        Assert.Equal(TimeSpan.FromSeconds(12), deadline);
        Assert.Equal(TimeSpan.FromSeconds(12), cancelledAt);
        Assert.True(timedOut);
    }

    [Fact]
    public void At_DeadlineInThePast_CancelsOnTheNextTimerPassWithoutTimePassing()
    {
        var cancelledAtOnce = true;
        var cancelledAfterAYield = false;
        TimeSpan now = default;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            await EventLoop.Sleep(TimeSpan.FromSeconds(10));
            using var scope = CancelScope.At(TimeSpan.FromSeconds(3));
            cancelledAtOnce = scope.IsCancellationRequested;
            await EventLoop.Sleep(TimeSpan.Zero);
            cancelledAfterAYield = scope.TimedOut && scope.IsCancellationRequested;
            now = loop.Now;
        });

        Assert.False(cancelledAtOnce);
        Assert.True(cancelledAfterAYield);
        Assert.Equal(TimeSpan.FromSeconds(10), now);
    }

    [Fact]
    public void Cancel_CancelsTheTokenNow_AndTimedOutStaysFalseAfterTheDeadline()
    {
        var cancelledAtOnce = false;
        var timedOutAfterDeadline = true;

        TestLoops.RunVirtual(async () =>
        {
            using var scope = CancelScope.After(TimeSpan.FromSeconds(5));
            scope.Cancel();
            cancelledAtOnce = scope.Token.IsCancellationRequested;
            await EventLoop.Sleep(TimeSpan.FromSeconds(10));
            timedOutAfterDeadline = scope.TimedOut;
        });

        Assert.True(cancelledAtOnce);
        Assert.False(timedOutAfterDeadline);
    }

    [Fact]
    public void Dispose_CancelsTheTimer_SoTheTokenNeverCancels()
    {
        var cancelledLater = true;
        var pendingTimersAfterDispose = -1;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var scope = CancelScope.After(TimeSpan.FromSeconds(5));
            var token = scope.Token;
            scope.Dispose();
            pendingTimersAfterDispose = loop.PendingTimerCount;
            await EventLoop.Sleep(TimeSpan.FromSeconds(10));
            cancelledLater = token.IsCancellationRequested;
            scope.Dispose(); // a second Dispose is harmless
        });

        Assert.Equal(0, pendingTimersAfterDispose);
        Assert.False(cancelledLater);
    }

    [Fact]
    public void Cancel_AfterDispose_ThrowsObjectDisposed()
    {
        Exception? error = null;

        TestLoops.RunVirtual(() =>
        {
            var scope = CancelScope.After(TimeSpan.FromSeconds(5));
            scope.Dispose();
            error = Record.Exception(scope.Cancel);
            return Task.CompletedTask;
        });

        Assert.IsType<ObjectDisposedException>(error);
    }

    [Fact]
    public void LinkedToken_WhenCancelled_CancelsTheScopeWithoutTimingOut()
    {
        var cancelledAtOnce = false;
        var timedOutAtOnce = true;
        using var linked = new CancellationTokenSource();

        TestLoops.RunVirtual(() =>
        {
            using var scope = CancelScope.After(TimeSpan.FromHours(1), linked.Token);
            linked.Cancel();
            cancelledAtOnce = scope.Token.IsCancellationRequested;
            timedOutAtOnce = scope.TimedOut;
            return Task.CompletedTask;
        });

        Assert.True(cancelledAtOnce);
        Assert.False(timedOutAtOnce);
    }

    [Fact]
    public void LinkedToken_WhenCancelledBeforeTheDeadline_TimedOutStaysFalseAfterTheDeadlinePasses()
    {
        var timedOutAfterDeadline = true;
        using var linked = new CancellationTokenSource();

        TestLoops.RunVirtual(async () =>
        {
            using var scope = CancelScope.After(TimeSpan.FromSeconds(5), linked.Token);
            linked.Cancel();
            await EventLoop.Sleep(TimeSpan.FromSeconds(10));
            timedOutAfterDeadline = scope.TimedOut; // the linked token, not the deadline, cancelled it
        });

        Assert.False(timedOutAfterDeadline);
    }

    [Fact]
    public void After_NegativeTimeout_ThrowsArgumentOutOfRangeNamingTimeout()
    {
        ArgumentOutOfRangeException? error = null;

        TestLoops.RunVirtual(() =>
        {
            error = Assert.Throws<ArgumentOutOfRangeException>(() => CancelScope.After(TimeSpan.FromSeconds(-1)));
            return Task.CompletedTask;
        });

        Assert.Equal("timeout", error!.ParamName);
    }

    [Fact]
    public void After_WithNoLoopOnTheThread_ThrowsInvalidOperation()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CancelScope.After(TimeSpan.FromSeconds(1)));

        Assert.Contains("CancelScope.After", error.Message);
    }
}
