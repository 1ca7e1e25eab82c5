using System.Collections;

namespace CoopRuntime.Tests.Diagnostics;

/// <summary>Debug mode names callbacks that run longer than the threshold. A virtual clock cannot fake CPU time, so these
/// busy-wait for real: 30 ms against a 5 ms threshold, far apart enough not to be a timing assertion.</summary>
public class SlowCallbackTests
{
    private static readonly TimeSpan BusyTime = TimeSpan.FromMilliseconds(30);

    private static EventLoopOptions Debug(DiagnosticRecorder recorder, bool debug = true) => new()
    {
        Clock = new VirtualClock(),
        Debug = debug,
        StallWatchdog = false,
        SlowCallbackThreshold = TimeSpan.FromMilliseconds(5),
        DiagnosticReported = recorder.Record,
    };

    private static void SpinInCallback() => Busy.For(BusyTime);

    /// <summary>The slow-callback report of the busy callback. Others may come too: under a 5 ms threshold, a step that
    /// JIT-compiles code for the first time can be slow; the busy one is told apart by its name and its duration.</summary>
    private static LoopDiagnostic SlowReport(DiagnosticRecorder recorder, Func<LoopDiagnostic, bool> isTheBusyOne)
    {
        var reports = recorder.OfKind(LoopDiagnosticKind.SlowCallback).ToList();
        var busy = reports.Where(r => isTheBusyOne(r) && r.Duration >= BusyTime).ToList();
        Assert.True(busy.Count == 1, "Expected one report of the busy callback; got: " + string.Join(" | ", reports));
        return busy[0];
    }

    [Fact]
    public void SlowCallback_InDebugMode_IsReportedWithTheDelegatesMethod()
    {
        var recorder = new DiagnosticRecorder();
        EventLoop.Run(
            async () =>
            {
                EventLoop.Current!.CallSoon(SpinInCallback);
                await EventLoop.Yield();
            },
            Debug(recorder));

        var report = SlowReport(recorder, r => r.Subject!.Contains(nameof(SpinInCallback)));
        Assert.Contains(nameof(SlowCallbackTests), report.Subject);
        Assert.True(report.Duration >= BusyTime, $"duration {report.Duration}");
        Assert.Contains("EventLoop.Yield()", report.Message);
        Assert.StartsWith(report.LoopName, report.Message.Split('\'')[1]);
    }

    [Fact]
    public void SlowCallback_WithoutDebugMode_IsNotMeasured()
    {
        var recorder = new DiagnosticRecorder();
        EventLoop.Run(
            async () =>
            {
                EventLoop.Current!.CallSoon(SpinInCallback);
                await EventLoop.Yield();
            },
            Debug(recorder, debug: false));

        Assert.Empty(recorder.Reports);
    }

    [Fact]
    public void FastCallbacks_AreNotReported()
    {
        var recorder = new DiagnosticRecorder();
        EventLoop.Run(
            async () =>
            {
                for (var i = 0; i < 100; i++)
                {
                    await EventLoop.Yield();
                }
            },
            new EventLoopOptions { Clock = new VirtualClock(), Debug = true, SlowCallbackThreshold = TimeSpan.FromSeconds(5), DiagnosticReported = recorder.Record });

        Assert.Empty(recorder.Reports);
    }

    private static async Task SpinAfterYieldAsync()
    {
        await EventLoop.Yield();
        Busy.For(BusyTime);
    }

    private static async Task SpinAfterSleepAsync()
    {
        await EventLoop.Sleep(TimeSpan.FromSeconds(1));
        Busy.For(BusyTime);
    }

    private static async Task SpinAfterTaskAsync()
    {
        // A task that completes on another thread, later: Task.Run(() => { }) could finish before the await, and then
        // the spin would run in main's first step instead of a posted continuation (a flaky test, seen under load).
        await Task.Delay(TimeSpan.FromMilliseconds(50));
        Busy.For(BusyTime);
    }

    [Theory]
    [InlineData(nameof(SpinAfterYieldAsync))]
    [InlineData(nameof(SpinAfterSleepAsync))]
    [InlineData(nameof(SpinAfterTaskAsync))]
    public void SlowAwaitContinuation_IsReportedWithItsAsyncMethod(string method)
    {
        var recorder = new DiagnosticRecorder();
        Func<Task> work = method switch
        {
            nameof(SpinAfterYieldAsync) => SpinAfterYieldAsync,
            nameof(SpinAfterSleepAsync) => SpinAfterSleepAsync,
            _ => SpinAfterTaskAsync,
        };
        EventLoop.Run(work, Debug(recorder));

        SlowReport(recorder, r => r.Subject == $"async method CoopRuntime.Tests.Diagnostics.SlowCallbackTests.{method}");
    }

    [Fact]
    public void SlowCoroutineStep_IsReportedWithTheCoroutinesNameAndIterator()
    {
        static IEnumerator Spinner()
        {
            yield return null;
            Busy.For(BusyTime);
        }

        var recorder = new DiagnosticRecorder();
        EventLoop.Run(async () => await EventLoop.Current!.Start(Spinner(), name: "spinner"), Debug(recorder));

        var report = SlowReport(recorder, r => r.Subject!.StartsWith("coroutine 'spinner' (", StringComparison.Ordinal));
        Assert.Contains("SlowCallbackTests.SlowCoroutineStep_IsReportedWithTheCoroutinesNameAndIterator.Spinner", report.Subject);
    }

    [Fact]
    public void SlowStartOfASpawnedTask_IsReportedWithTheTasksName()
    {
        var recorder = new DiagnosticRecorder();
        EventLoop.Run(
            async () =>
            {
                var task = EventLoop.Current!.Spawn(
                    _ =>
                    {
                        Busy.For(BusyTime);
                        return Task.CompletedTask;
                    },
                    name: "cruncher");
                await task;
            },
            Debug(recorder));

        SlowReport(recorder, r => r.Subject!.StartsWith("spawned task 'cruncher'", StringComparison.Ordinal));
    }

    [Fact]
    public void SlowTimerCallback_IsReportedWithTheCallback()
    {
        var recorder = new DiagnosticRecorder();
        EventLoop.Run(
            async () =>
            {
                EventLoop.Current!.CallLater(TimeSpan.FromSeconds(1), SpinInCallback);
                await EventLoop.Sleep(TimeSpan.FromSeconds(2));
            },
            Debug(recorder));

        SlowReport(recorder, r => r.Subject!.Contains(nameof(SpinInCallback)));
    }

    [Fact]
    public void SlowCallback_GoesToTheLoggerAsAWarning()
    {
        var logger = new ListLogger();
        EventLoop.Run(
            async () =>
            {
                EventLoop.Current!.CallSoon(SpinInCallback);
                await EventLoop.Yield();
            },
            new EventLoopOptions { Clock = new VirtualClock(), Debug = true, SlowCallbackThreshold = TimeSpan.FromMilliseconds(5), Logger = logger, Name = "logged" });

        var entry = Assert.Single(logger.Entries, e => e.Message.Contains(nameof(SpinInCallback)));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, entry.Level);
        Assert.Equal(nameof(LoopDiagnosticKind.SlowCallback), entry.Id.Name);
        Assert.StartsWith("Loop 'logged':", entry.Message);
        Assert.Contains(nameof(SpinInCallback), entry.Message);
    }
}
