using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Loop;

public class EventLoopErrorTests
{
    [Fact]
    public void CallbackThatThrows_WithNoHandler_StopsTheLoopAndRunThrowsIt()
    {
        var reachedAfterError = false;
        var error = Assert.Throws<InvalidDataException>(() => EventLoop.Run(async () =>
        {
            EventLoop.Current!.CallSoon(ThrowingCallback);
            await EventLoop.Sleep(TimeSpan.FromHours(1));
            reachedAfterError = true;
        }, TestLoops.Virtual()));

        Assert.Equal("callback failed", error.Message);
        Assert.Contains(nameof(ThrowingCallback), error.StackTrace);
        Assert.False(reachedAfterError);
    }

    private static void ThrowingCallback() => throw new InvalidDataException("callback failed");

    [Fact]
    public void CallbackThatThrows_WithAHandler_IsReportedAndTheLoopKeepsRunning()
    {
        var errors = new List<Exception>();
        var result = EventLoop.Run(async () =>
        {
            EventLoop.Current!.CallSoon(ThrowingCallback);
            EventLoop.Current!.CallSoon(ThrowingCallback);
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            return "finished";
        }, new EventLoopOptions { Clock = new VirtualClock(), UnhandledException = errors.Add });

        Assert.Equal("finished", result);
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.IsType<InvalidDataException>(e));
    }

    [Fact]
    public void HandlerThatThrows_IsTreatedAsNoHandler_AndRunThrowsTheHandlersException()
    {
        var options = new EventLoopOptions
        {
            Clock = new VirtualClock(),
            UnhandledException = _ => throw new NotSupportedException("handler failed"),
        };

        var error = Assert.Throws<NotSupportedException>(() => EventLoop.Run(async () =>
        {
            EventLoop.Current!.CallSoon(ThrowingCallback);
            await EventLoop.Sleep(TimeSpan.FromHours(1));
        }, options));

        Assert.Equal("handler failed", error.Message);
    }

    [Fact]
    public void TwoCallbacksThrowingInOneIteration_AreBothThrownAsAnAggregate()
    {
        var error = Assert.Throws<AggregateException>(() => EventLoop.Run(async () =>
        {
            EventLoop.Current!.CallSoon(() => throw new InvalidDataException("first"));
            EventLoop.Current!.CallSoon(() => throw new InvalidDataException("second"));
            await EventLoop.Sleep(TimeSpan.FromHours(1));
        }, TestLoops.Virtual()));

        Assert.Equal(new[] { "first", "second" }, error.InnerExceptions.Select(e => e.Message));
    }

    [Fact]
    public void CallbackAfterAThrowingOne_InTheSameBatch_StillRuns()
    {
        var ran = false;
        Assert.Throws<InvalidDataException>(() => EventLoop.Run(async () =>
        {
            EventLoop.Current!.CallSoon(ThrowingCallback);
            EventLoop.Current!.CallSoon(() => ran = true);
            await EventLoop.Sleep(TimeSpan.FromHours(1));
        }, TestLoops.Virtual()));

        Assert.True(ran);
    }

    [Fact]
    public void RunForever_StoppedByAnError_CanRunAgainAfterTheErrorWasThrown()
    {
        using var loop = new EventLoop(TestLoops.Virtual());
        loop.CallSoon(ThrowingCallback);
        Assert.Throws<InvalidDataException>(loop.RunForever);

        var ran = false;
        loop.CallSoon(() =>
        {
            ran = true;
            loop.Stop();
        });
        loop.RunForever();

        Assert.True(ran);
    }
}
