using System.Collections;

namespace CoopRuntime.Tests.Diagnostics;

/// <summary>A spawned task or coroutine that fails with nobody awaiting it is reported by name.</summary>
public class UnobservedFaultTests
{
    [Fact]
    public void FaultedSpawnedTask_NobodyAwaited_IsReportedByName_AndStillReachesTheHandler()
    {
        var recorder = new DiagnosticRecorder();
        var handled = new List<Exception>();
        EventLoop.Run(
            async () =>
            {
                _ = EventLoop.Current!.Spawn(_ => throw new InvalidOperationException("boom"), name: "fire-and-forget");
                await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            },
            new EventLoopOptions { Clock = new VirtualClock(), UnhandledException = handled.Add, DiagnosticReported = recorder.Record });

        var report = Assert.Single(recorder.OfKind(LoopDiagnosticKind.UnobservedFault));
        Assert.StartsWith("spawned task 'fire-and-forget'", report.Subject);
        Assert.Contains("nothing awaited it", report.Message);
        Assert.Equal("boom", report.Exception!.Message);
        Assert.Equal("boom", Assert.Single(handled).Message);
    }

    [Fact]
    public void FaultedCoroutine_NobodyAwaited_IsReportedByNameAndIterator()
    {
        static IEnumerator Failing()
        {
            yield return null;
            throw new InvalidOperationException("bad step");
        }

        var recorder = new DiagnosticRecorder();
        var logger = new ListLogger();
        var error = Assert.Throws<InvalidOperationException>(() => EventLoop.Run(
            async () =>
            {
                _ = EventLoop.Current!.Start(Failing(), name: "doomed");
                await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            },
            new EventLoopOptions { Clock = new VirtualClock(), DiagnosticReported = recorder.Record, Logger = logger }));

        Assert.Equal("bad step", error.Message);
        var report = Assert.Single(recorder.OfKind(LoopDiagnosticKind.UnobservedFault));
        Assert.StartsWith("coroutine 'doomed' (", report.Subject);
        Assert.Contains("Failing", report.Subject);

        // Logged once, as an error naming the coroutine (not a second time as a generic unhandled exception).
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, entry.Level);
        Assert.Contains("coroutine 'doomed'", entry.Message);
    }

    [Fact]
    public void AwaitedFault_IsNotReported()
    {
        var recorder = new DiagnosticRecorder();
        EventLoop.Run(
            async () =>
            {
                var task = EventLoop.Current!.Spawn(_ => throw new InvalidOperationException("boom"), name: "awaited");
                await Assert.ThrowsAsync<InvalidOperationException>(async () => await task);
            },
            new EventLoopOptions { Clock = new VirtualClock(), Debug = true, DiagnosticReported = recorder.Record });

        Assert.Empty(recorder.OfKind(LoopDiagnosticKind.UnobservedFault));
    }

    [Fact]
    public void UnhandledCallbackException_IsLoggedAsAnError()
    {
        var logger = new ListLogger();
        Assert.Throws<InvalidOperationException>(() => EventLoop.Run(
            async () =>
            {
                EventLoop.Current!.CallSoon(() => throw new InvalidOperationException("from a callback"));
                await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            },
            new EventLoopOptions { Clock = new VirtualClock(), Logger = logger, Name = "errors" }));

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, entry.Level);
        Assert.Equal("Loop 'errors': unhandled exception.", entry.Message);
        Assert.Equal("from a callback", entry.Exception!.Message);
    }

    [Fact]
    public void NoLogger_NothingIsLogged_AndTheDefaultsStayOff()
    {
        var options = new EventLoopOptions();
        Assert.Null(options.Logger);
        Assert.False(options.Debug);
        Assert.Null(options.StallWatchdog);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.SlowCallbackThreshold);
        using var loop = new EventLoop(options);
        Assert.False(loop.IsDebug);
        Assert.StartsWith("loop-", loop.Name);
    }
}
