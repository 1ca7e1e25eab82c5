namespace CoopRuntime.Tests.Diagnostics;

/// <summary>Debug mode turns the classic deadlock (blocking on loop work from the loop thread) into an explained error.</summary>
public class BlockingWaitTests
{
    private static EventLoopOptions Debug(DiagnosticRecorder recorder, int thresholdMs = 100) => new()
    {
        Clock = new VirtualClock(),
        Debug = true,
        StallWatchdog = false,
        StallThreshold = TimeSpan.FromMilliseconds(thresholdMs),
        DiagnosticReported = recorder.Record,
    };

    private static async Task<int> NeedsTheLoopAsync()
    {
        await EventLoop.Sleep(TimeSpan.FromMilliseconds(10));
        return 42;
    }

    [Fact]
    public void Result_OnLoopWork_InDebugMode_ThrowsAnErrorThatExplainsTheDeadlock()
    {
        var recorder = new DiagnosticRecorder();
        var error = Assert.Throws<InvalidOperationException>(() => EventLoop.Run(
            () =>
            {
                var answer = NeedsTheLoopAsync().Result; // the deadlock: the loop thread waits for itself
                return Task.FromResult(answer);
            },
            Debug(recorder)));

        Assert.Contains("deadlock", error.Message);
        Assert.Contains("Use 'await' instead", error.Message);
        var report = Assert.Single(recorder.OfKind(LoopDiagnosticKind.BlockingWait));
        Assert.Equal(error.Message, report.Message);
    }

    [Fact]
    public void Wait_InsideACallback_InDebugMode_ThrowsAndNamesTheCallback()
    {
        var recorder = new DiagnosticRecorder();
        var errors = new List<Exception>();
        EventLoop.Run(
            async () =>
            {
                EventLoop.Current!.CallSoon(BlockOnLoopWork);
                await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            },
            new EventLoopOptions
            {
                Clock = new VirtualClock(),
                Debug = true,
                StallWatchdog = false,
                StallThreshold = TimeSpan.FromMilliseconds(100),
                DiagnosticReported = recorder.Record,
                UnhandledException = errors.Add,
            });

        Assert.IsType<InvalidOperationException>(Assert.Single(errors));
        var report = Assert.Single(recorder.OfKind(LoopDiagnosticKind.BlockingWait));
        Assert.Contains(nameof(BlockOnLoopWork), report.Subject);
    }

    private static void BlockOnLoopWork() => NeedsTheLoopAsync().Wait();

    [Fact]
    public void ShortBlockingWait_InDebugMode_IsAllowed()
    {
        var recorder = new DiagnosticRecorder();
        var answer = EventLoop.Run(
            () => Task.FromResult(Task.Run(() => 7).Result),
            Debug(recorder, thresholdMs: 30_000));

        Assert.Equal(7, answer);
        Assert.Empty(recorder.Reports);
    }

    [Theory]
    [InlineData(IoDriverKind.Automatic)]
    [InlineData(IoDriverKind.Portable)] // its wait is a managed wait, which the context sees
    public void IdleLoop_InDebugMode_IsNotABlockingWait(IoDriverKind driver)
    {
        // The loop's own wait for I/O and timers (real time here) is exempt, however long it lasts.
        var recorder = new DiagnosticRecorder();
        EventLoop.Run(
            async () =>
            {
                await Task.Run(() => Busy.For(TimeSpan.FromMilliseconds(150)));
                await EventLoop.Sleep(TimeSpan.FromMilliseconds(100));
            },
            new EventLoopOptions { Debug = true, IoDriver = driver, StallThreshold = TimeSpan.FromMilliseconds(20), DiagnosticReported = recorder.Record });

        Assert.Empty(recorder.OfKind(LoopDiagnosticKind.BlockingWait));
    }
}
