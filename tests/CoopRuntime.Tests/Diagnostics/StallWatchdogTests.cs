namespace CoopRuntime.Tests.Diagnostics;

/// <summary>The stall watchdog: a background thread that reports a loop stuck inside one callback. The stuck callbacks
/// here wait for the report itself (spinning, or on an event), so no test sleeps for a fixed time.</summary>
public class StallWatchdogTests
{
    private static void StuckUntilReported(DiagnosticRecorder recorder) =>
        Assert.True(Busy.Until(() => recorder.OfKind(LoopDiagnosticKind.Stall).Any()), "The watchdog never reported the stall.");

    [Fact]
    public void Stall_IsReportedFromTheWatchdogThread_NamingTheCallback_AndItsEnd()
    {
        var recorder = new DiagnosticRecorder();
        var loopThread = 0;
        var reportThread = 0;
        EventLoop.Run(
            async () =>
            {
                loopThread = Environment.CurrentManagedThreadId;
                EventLoop.Current!.CallSoon(() => StuckUntilReported(recorder));
                await EventLoop.Yield();
            },
            new EventLoopOptions
            {
                Name = "stuck",
                StallWatchdog = true,
                StallThreshold = TimeSpan.FromMilliseconds(50),
                DiagnosticReported = d =>
                {
                    if (d.Kind == LoopDiagnosticKind.Stall)
                    {
                        reportThread = Environment.CurrentManagedThreadId;
                    }

                    recorder.Record(d);
                },
            });

        var stall = Assert.Single(recorder.OfKind(LoopDiagnosticKind.Stall));
        Assert.Equal("stuck", stall.LoopName);
        Assert.Contains("lambda in CoopRuntime.Tests.Diagnostics.StallWatchdogTests", stall.Subject);
        Assert.Contains("inside one callback", stall.Message);
        Assert.Contains("deadlock: await it instead", stall.Message);
        Assert.True(stall.Duration >= TimeSpan.FromMilliseconds(50));
        Assert.NotEqual(loopThread, reportThread);

        var ended = recorder.WaitFor(LoopDiagnosticKind.StallEnded);
        Assert.NotNull(ended);
        Assert.Equal(stall.Subject, ended!.Subject);
    }

    [Fact]
    public void Stall_InDebugMode_SaysWhatToCheck()
    {
        var recorder = new DiagnosticRecorder();
        EventLoop.Run(
            async () =>
            {
                await EventLoop.Yield();
                StuckUntilReported(recorder);
            },
            new EventLoopOptions
            {
                Debug = true,
                StallThreshold = TimeSpan.FromMilliseconds(50),
                SlowCallbackThreshold = TimeSpan.FromMinutes(1),
                DiagnosticReported = recorder.Record,
            });

        var stall = Assert.Single(recorder.OfKind(LoopDiagnosticKind.Stall));
        Assert.Contains("What to check", stall.Message);
        Assert.Contains("EventLoop.Yield()", stall.Message);
        Assert.StartsWith("async lambda in CoopRuntime.Tests.Diagnostics.StallWatchdogTests.Stall_InDebugMode_SaysWhatToCheck", stall.Subject);
    }

    [Fact]
    public void BlockedCallback_IsReportedToo_AndAnIdleLoopIsNot()
    {
        var recorder = new DiagnosticRecorder();
        using var reported = new ManualResetEventSlim();
        var idleLoopRecorder = new DiagnosticRecorder();

        // An idle loop (blocked in its wait for a timer far away) is not stalled, however long it waits. It runs on
        // another thread alongside the blocked one below, which lasts until the watchdog has spoken.
        var idle = new Thread(() => EventLoop.Run(
            () => EventLoop.Sleep(TimeSpan.FromMilliseconds(400)).AsTask(),
            new EventLoopOptions { StallWatchdog = true, StallThreshold = TimeSpan.FromMilliseconds(50), DiagnosticReported = idleLoopRecorder.Record }));
        idle.Start();

        EventLoop.Run(
            async () =>
            {
                // Not debug mode: a blocking wait is allowed, and the watchdog reports it.
                EventLoop.Current!.CallSoon(() => reported.Wait(TimeSpan.FromSeconds(30)));
                await EventLoop.Yield();
            },
            new EventLoopOptions
            {
                StallWatchdog = true,
                StallThreshold = TimeSpan.FromMilliseconds(50),
                DiagnosticReported = d =>
                {
                    recorder.Record(d);
                    if (d.Kind == LoopDiagnosticKind.Stall)
                    {
                        reported.Set();
                    }
                },
            });

        idle.Join();
        Assert.Single(recorder.OfKind(LoopDiagnosticKind.Stall));
        Assert.Empty(idleLoopRecorder.Reports);
    }

    [Fact]
    public void Watchdog_IsOffByDefault()
    {
        var recorder = new DiagnosticRecorder();
        using var gate = new ManualResetEventSlim();
        EventLoop.Run(
            async () =>
            {
                EventLoop.Current!.CallSoon(() => gate.Wait(TimeSpan.FromMilliseconds(100)));
                await EventLoop.Yield();
            },
            new EventLoopOptions { StallThreshold = TimeSpan.FromMilliseconds(10), DiagnosticReported = recorder.Record });

        Assert.Empty(recorder.Reports);
    }
}
