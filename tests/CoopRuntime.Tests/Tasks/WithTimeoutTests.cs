using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Tasks;

public class WithTimeoutTests
{
    [Fact]
    public void WithTimeoutAsync_OperationTooSlow_ThrowsTimeoutExceptionNamingTheDuration()
    {
        Exception? caught = null;
        TimeSpan endedAt = default;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            caught = await Record.ExceptionAsync(() => EventLoop.WithTimeoutAsync(
                TimeSpan.FromSeconds(3),
                ct => EventLoop.Sleep(TimeSpan.FromHours(1), ct).AsTask()));
            endedAt = loop.Now;
        });

        var timeout = Assert.IsType<TimeoutException>(caught);
        Assert.Contains(TimeSpan.FromSeconds(3).ToString(), timeout.Message);
        Assert.IsAssignableFrom<OperationCanceledException>(timeout.InnerException);
        Assert.Equal(TimeSpan.FromSeconds(3), endedAt);
    }

    [Fact]
    public void WithTimeoutAsyncOfT_OperationTooSlow_ThrowsTimeoutExceptionNamingTheDuration()
    {
        Exception? caught = null;

        TestLoops.RunVirtual(async () =>
        {
            caught = await Record.ExceptionAsync(() => EventLoop.WithTimeoutAsync(
                TimeSpan.FromMilliseconds(250),
                async ct =>
                {
                    await EventLoop.Sleep(TimeSpan.FromHours(1), ct);
                    return 1;
                }));
        });

        var timeout = Assert.IsType<TimeoutException>(caught);
        Assert.Contains(TimeSpan.FromMilliseconds(250).ToString(), timeout.Message);
    }

    [Fact]
    public void WithTimeoutAsync_FastOperation_ReturnsItsValueAndLeavesNoTimerBehind()
    {
        var value = 0;
        TimeSpan endedAt = default;
        var pendingTimers = -1;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            value = await EventLoop.WithTimeoutAsync(
                TimeSpan.FromSeconds(3),
                async ct =>
                {
                    await EventLoop.Sleep(TimeSpan.FromSeconds(1), ct);
                    return 42;
                });
            endedAt = loop.Now;
            pendingTimers = loop.PendingTimerCount;
        });

        Assert.Equal(42, value);
        Assert.Equal(TimeSpan.FromSeconds(1), endedAt);
        Assert.Equal(0, pendingTimers);
    }

    [Fact]
    public void WithTimeoutAsync_FastOperationWithoutResult_Completes()
    {
        var ran = false;
        Exception? caught = new InvalidOperationException("not run");

        TestLoops.RunVirtual(async () =>
        {
            caught = await Record.ExceptionAsync(() => EventLoop.WithTimeoutAsync(
                TimeSpan.FromSeconds(3),
                async ct =>
                {
                    await EventLoop.Sleep(TimeSpan.FromSeconds(1), ct);
                    ran = true;
                }));
        });

        Assert.Null(caught);
        Assert.True(ran);
    }

    [Fact]
    public void WithTimeoutAsync_CallersTokenCancelled_ThrowsOperationCanceledNotTimeout()
    {
        Exception? caught = null;
        TimeSpan endedAt = default;
        using var caller = new CancellationTokenSource();

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            loop.CallLater(TimeSpan.FromSeconds(1), caller.Cancel);
            caught = await Record.ExceptionAsync(() => EventLoop.WithTimeoutAsync(
                TimeSpan.FromSeconds(3),
                ct => EventLoop.Sleep(TimeSpan.FromHours(1), ct).AsTask(),
                caller.Token));
            endedAt = loop.Now;
        });

        Assert.IsAssignableFrom<OperationCanceledException>(caught);
        Assert.Equal(TimeSpan.FromSeconds(1), endedAt);
    }

    [Fact]
    public void WithTimeoutAsync_NegativeTimeout_FailsWithArgumentOutOfRangeAndNeverRunsTheOperation()
    {
        Exception? caught = null;
        var ran = false;

        TestLoops.RunVirtual(async () =>
        {
            caught = await Record.ExceptionAsync(() => EventLoop.WithTimeoutAsync(
                TimeSpan.FromSeconds(-1),
                _ =>
                {
                    ran = true;
                    return Task.CompletedTask;
                }));
        });

        var error = Assert.IsType<ArgumentOutOfRangeException>(caught);
        Assert.Equal("timeout", error.ParamName);
        Assert.False(ran);
    }
}
