using System.Collections;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using CoopRuntime.Hosting;
using CoopRuntime.Tests.Diagnostics;
using CoopRuntime.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CoopRuntime.Tests.Docs;

/// <summary>
/// Keeps docs/guides/diagnostics.md compiling and true: every code block of the guide is a <c>#region guide: ...</c>
/// below, verbatim (<see cref="Guide_EveryCodeBlockIsARegionOfTheseTests"/> checks that), and each test runs its block
/// and asserts what the guide says, except the deadlock, which is compiled only (see <see cref="ResultDeadlock"/>).
/// </summary>
/// <remarks>
/// In the SIGUSR1 collection because the dump-on-signal example sends SIGUSR1 to this process; the examples'
/// <c>Console.WriteLine</c> calls go to the <see cref="Console"/> stand-in below, so no process-wide redirection of
/// <see cref="System.Console.Out"/> is needed (it would need the console-output collection as well).
/// </remarks>
[Collection(SignalsToThisProcess.Name)]
public class DiagnosticsGuideExamplesTests
{
    /// <summary>
    /// Stands in for <see cref="System.Console"/> inside this class: the guide's examples call <c>Console.WriteLine</c>,
    /// and the name binds to this nested class first. It keeps what a test captures, from any thread (a
    /// <c>DiagnosticReported</c> handler may run on the watchdog thread), and passes anything else on to the console.
    /// </summary>
    private static class Console
    {
        private static Capture? s_capture;

        public static void WriteLine(string value)
        {
            if (Volatile.Read(ref s_capture) is { } capture)
            {
                capture.Add(value);
            }
            else
            {
                System.Console.WriteLine(value);
            }
        }

        /// <summary>Captures what the examples write until the returned capture is disposed.</summary>
        public static Capture Capture()
        {
            var capture = new Capture();
            Volatile.Write(ref s_capture, capture);
            return capture;
        }

        public static void EndCapture(Capture capture) => Interlocked.CompareExchange(ref s_capture, null, capture);
    }

    private sealed class Capture : IDisposable
    {
        private readonly List<string> _lines = [];
        private readonly TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        /// <summary>Completes when the first line has been written.</summary>
        public Task Written => _written.Task;

        public void Add(string value)
        {
            lock (_lines)
            {
                _lines.Add(value);
            }

            _written.TrySetResult();
        }

        public void Dispose() => Console.EndCapture(this);
    }

    // ───────────────────────────── The guide stays in sync ─────────────────────────────

    [Fact]
    public void Guide_EveryCodeBlockIsARegionOfTheseTests()
    {
        GuideText.AssertGuideContainsRegions("docs/guides/diagnostics.md", "tests/CoopRuntime.Tests/Docs/DiagnosticsGuideExamplesTests.cs", 6);
        GuideText.AssertGuideHasCSharpBlocks("docs/guides/diagnostics.md", 6);
    }

    // ───────────────────────────── Debug mode ─────────────────────────────

    [Fact]
    public void DebugModeExample_ReportsASlowCallbackByItsAsyncMethod()
    {
        using var capture = Console.Capture();

        #region guide: debug mode
        var options = new EventLoopOptions
        {
            Name = "game",                                     // appears in every report, log line and metric tag
            Debug = true,
            SlowCallbackThreshold = TimeSpan.FromMilliseconds(50),
            DiagnosticReported = d => Console.WriteLine($"[{d.Kind}] {d.Message}"),
        };
        EventLoop.Run(MainAsync, options);
        #endregion

        // The report the guide shows, word for word but the method, the time and the line breaks.
        Assert.Contains(capture.Lines, line => Regex.IsMatch(
            line,
            @"^\[SlowCallback\] Loop 'game': async method CoopRuntime\.Tests\.Docs\.DiagnosticsGuideExamplesTests\.DebugModeExample_ReportsASlowCallbackByItsAsyncMethod\.MainAsync " +
            @"ran for \d+\.\d ms \(the slow-callback threshold is 50 ms\)\. Nothing else on this loop could run meanwhile: split the work " +
            @"with 'await EventLoop\.Yield\(\)', or move CPU-bound or blocking work off the loop with 'await Task\.Run\(\.\.\.\)'\.$"));

        static async Task MainAsync()
        {
            await EventLoop.Yield();
            Busy.For(TimeSpan.FromMilliseconds(200)); // a continuation far above the 50 ms threshold
        }
    }

    // ───────────────────────────── The stall watchdog ─────────────────────────────

    private sealed class ListLoggerProvider(ListLogger logger) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }

    [Fact]
    public void StallWatchdogExample_LogsTheStallAsAWarningWhileItLasts_AndItsEndAsInformation()
    {
        var log = new ListLogger();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(new ListLoggerProvider(log)));
        bool Logged(string kind) => log.Entries.Any(entry => entry.Id.Name == kind);

        #region guide: stall watchdog
        var options = new EventLoopOptions
        {
            StallWatchdog = true,                          // on by default in debug mode, opt-in otherwise
            StallThreshold = TimeSpan.FromMilliseconds(500),
            Logger = loggerFactory.CreateLogger("CoopRuntime"),
        };
        #endregion

        // The stuck continuation spins until the watchdog has reported it: the report comes while the stall goes on.
        EventLoop.Run(HandleAsync, options);
        Assert.True(Busy.Until(() => Logged("StallEnded")), "The end of the stall was never logged.");

        var stall = Assert.Single(log.Entries, entry => entry.Id.Name == "Stall");
        Assert.Equal(LogLevel.Warning, stall.Level);
        Assert.Matches(
            @"^Loop '[^']+' is stalled: its thread has been inside one callback for \d+ ms without returning to the loop\. " +
            @"Running: async method CoopRuntime\.Tests\.Docs\.DiagnosticsGuideExamplesTests\.StallWatchdogExample_LogsTheStallAsAWarningWhileItLasts_AndItsEndAsInformation\.HandleAsync\. " +
            @"If it is blocked in '\.Result' or '\.Wait\(\)' on work that needs this loop, that is a deadlock: await it instead\. " +
            @"EventLoopOptions\.Debug = true turns such waits into exceptions and names slow callbacks\.$",
            stall.Message);
        Assert.Equal(LogLevel.Information, Assert.Single(log.Entries, entry => entry.Id.Name == "StallEnded").Level);

        async Task HandleAsync()
        {
            await EventLoop.Yield();
            Assert.True(Busy.Until(() => Logged("Stall")), "The watchdog never reported the stall.");
        }
    }

    // ───────────────────────────── The .Result deadlock ─────────────────────────────

    /// <summary>
    /// The guide's deadlock, compiled but never run: without debug mode it hangs forever, which is the guide's point,
    /// and a test cannot wait for that. What the guide says debug mode makes of it (an explained
    /// <see cref="InvalidOperationException"/> and a <c>BlockingWait</c> report) is pinned by
    /// <see cref="BlockingWaitTests.Result_OnLoopWork_InDebugMode_ThrowsAnErrorThatExplainsTheDeadlock"/>, and the
    /// watchdog's report of a blocked callback by <see cref="StallWatchdogTests.BlockedCallback_IsReportedToo_AndAnIdleLoopIsNot"/>.
    /// </summary>
    private static void ResultDeadlock()
    {
        #region guide: result deadlock
        EventLoop.Run(() =>
        {
            var page = DownloadAsync().Result;   // DownloadAsync resumes on the loop, but the loop thread is right here, waiting
            return Task.CompletedTask;
        });
        #endregion

        static async Task<string> DownloadAsync()
        {
            await EventLoop.Sleep(TimeSpan.FromMilliseconds(10));
            return "<html></html>";
        }
    }

    // ───────────────────────────── Task dumps ─────────────────────────────

    [Fact]
    public void TaskDumpExample_PrintsTheDumpTheGuideShows()
    {
        using var capture = Console.Capture();

        // The loop the guide's dump comes from: a poller, a ticker and a blinking coroutine, dumped at 4.02 s.
        EventLoop.Run(
            async () =>
            {
                var loop = EventLoop.Current!;
                _ = loop.Spawn(ct => PollAsync(ct), name: "poller");
                await EventLoop.Sleep(TimeSpan.FromMilliseconds(1));
                _ = loop.Spawn(async ct => { while (true) { await EventLoop.Sleep(TimeSpan.FromMilliseconds(250), ct); } }, name: "ticker");
                await EventLoop.Sleep(TimeSpan.FromMilliseconds(10));
                _ = loop.Start(Blink(), name: "blink");
                await EventLoop.Sleep(TimeSpan.FromMilliseconds(4009));

                #region guide: dump tasks
                Console.WriteLine(loop.DumpTasks());
                #endregion
            },
            new EventLoopOptions { Name = "demo", Clock = new VirtualClock(), Debug = true, StallWatchdog = false });

        // The guide's code is top-level statements, where these local functions and lambdas belong to Program.Main.
        var dump = Assert.Single(capture.Lines).Replace(
            "CoopRuntime.Tests.Docs.DiagnosticsGuideExamplesTests.TaskDumpExample_PrintsTheDumpTheGuideShows", "Program.Main", StringComparison.Ordinal);
        var guide = File.ReadAllText(Path.Combine(GuideText.RepositoryRoot, "docs/guides/diagnostics.md")).ReplaceLineEndings("\n");
        Assert.True(guide.Contains("```text\n" + dump + "```", StringComparison.Ordinal), $"The guide's task dump is not the one its loop prints:\n{dump}");

        static async Task PollAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                await FetchAsync(cancellationToken);
            }
        }

        static async Task FetchAsync(CancellationToken cancellationToken) => await EventLoop.Sleep(TimeSpan.FromSeconds(1), cancellationToken);

        static IEnumerator Blink()
        {
            while (true)
            {
                yield return Wait.Seconds(0.5);
            }
        }
    }

    [Fact]
    public void DumpOnSignalExample_PostsTheDumpToTheLoop()
    {
        using var capture = Console.Capture();

        EventLoop.Run(
            async () =>
            {
                var loop = EventLoop.Current!;
                _ = loop.Spawn(async ct => await EventLoop.Sleep(TimeSpan.FromSeconds(60), ct), name: "sleeper");

                #region guide: dump on signal
                using var onSignal = PosixSignalRegistration.Create((PosixSignal)10 /* SIGUSR1 on Linux */, context =>
                {
                    context.Cancel = true;
                    loop.CallSoonThreadSafe(() => Console.WriteLine(loop.DumpTasks()));
                });
                #endregion

                TestWorkerApp.Kill(Environment.ProcessId, TestWorkerApp.SIGUSR1);
                await capture.Written.WaitAsync(TimeSpan.FromSeconds(30));
            },
            new EventLoopOptions { Name = "demo", HandleCtrlC = false }); // real time: the signal arrives in real time

        // DumpTasks throws WrongThreadException off the loop thread (the signal handler's thread), so a dump at all
        // means the post put it on the loop.
        var dump = Assert.Single(capture.Lines);
        Assert.StartsWith("Loop 'demo' at ", dump);
        Assert.True(dump.Contains("  task 'sleeper' [waiting] async lambda in ", StringComparison.Ordinal), dump); // no age: not debug mode
    }

    // ───────────────────────────── Hosting ─────────────────────────────

    [Fact]
    public async Task HostingExample_RunsMainOnTheLoop_AndOnStopCancelsAndAwaitsItsTasksBeforeRunAsyncReturns()
    {
        string[] args = [];
        string? servedOn = null;
        var serverCancelled = false;

        // The server stops the host once it has started, as a Ctrl+C would.
        async Task ServeAsync(IServiceProvider services, CancellationToken ct)
        {
            servedOn = EventLoop.Current?.Name;
            var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStarted.Register(lifetime.StopApplication);
            try
            {
                await EventLoop.Sleep(Timeout.InfiniteTimeSpan, ct);
            }
            catch (OperationCanceledException)
            {
                serverCancelled = true;
                throw;
            }
        }

        #region guide: hosting
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddEventLoop(
            async (services, stoppingToken) =>
            {
                var loop = EventLoop.Current!;
                _ = loop.Spawn(ct => ServeAsync(services, ct), name: "server");
                await EventLoop.Sleep(Timeout.InfiniteTimeSpan, stoppingToken);
            },
            services => new EventLoopOptions { Name = "server-loop", StallWatchdog = true });
        await builder.Build().RunAsync();
        #endregion

        Assert.Equal("server-loop", servedOn);
        Assert.True(serverCancelled); // the loop cancelled and awaited its spawned task before the host finished stopping
    }
}
