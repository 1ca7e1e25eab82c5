using System.Runtime.InteropServices;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Docs;

/// <summary>
/// Keeps docs/guides/processes-signals-threads.md compiling and true: each <c>#region guide: ...</c> below is one of
/// the guide's examples, verbatim (<see cref="Guide_ContainsEveryExampleVerbatim"/> checks that), and each test runs
/// it and asserts what the guide says it does. Real clock: threads and processes run in real time.
/// </summary>
public class ProcessesSignalsThreadsGuideTests
{
    private static void RunReal(Func<Task> main) => EventLoop.Run(async () => await main().WaitAsync(TimeSpan.FromSeconds(90)));

    [Fact]
    public void RunOnThreadPool_Example()
    {
        long result = 0;
        var backOnLoop = false;

        RunReal(async () =>
        {
            var ct = CancellationToken.None;
            var loop = EventLoop.Current!;
            #region guide: to-thread
            static long Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);   // CPU-bound: would stall the loop

            var fib = await EventLoop.RunOnThreadPoolAsync(() => Fib(25), ct);
            // back on the loop thread here, with the result (or the exception Fib threw)
            #endregion
            result = fib;
            backOnLoop = EventLoop.Current == loop;
        });

        Assert.Equal(75025, result);
        Assert.True(backOnLoop);
    }

    [Fact]
    public async Task LoopThread_Example()
    {
        var answer = 0;
        var switched = false;

        #region guide: loop-thread
        await using var worker = new LoopThread("background-loop");

        answer = await worker.InvokeAsync(async () =>
        {
            await EventLoop.Sleep(TimeSpan.FromMilliseconds(10));   // runs on worker's loop thread
            return 42;
        });

        await Task.Run(async () =>
        {
            await worker.Loop.SwitchTo();                           // hop from a pool thread onto the loop
            switched = EventLoop.Current == worker.Loop;
        });
        #endregion

        Assert.Equal(42, answer);
        Assert.True(switched);
    }

    [Fact]
    public void SignalHandler_Example()
    {
        var reloads = 0;

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var reloaded = new TaskCompletionSource();
            void ReloadConfig()
            {
                reloads++;
                reloaded.TrySetResult();
            }

            #region guide: signal-handler
            using var reload = loop.AddSignalHandler(PosixSignal.SIGHUP, () => ReloadConfig());   // runs on the loop thread
            #endregion

            Assert.False(
                TestWorkerApp.IgnoresSignal(Environment.ProcessId, TestWorkerApp.SIGHUP),
                "This test process ignores SIGHUP (it was started under nohup, and children inherit that), so no handler " +
                "for it can run. Run the tests without nohup.");
            TestWorkerApp.Kill(Environment.ProcessId, TestWorkerApp.SIGHUP);
            await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        });

        Assert.Equal(1, reloads);
    }

    [Fact]
    public void RunAsync_Example()
    {
        SubprocessResult? result = null;

        RunReal(async () =>
        {
            var ct = CancellationToken.None;
            #region guide: run
            var run = await Subprocess.RunAsync(
                "sh", ["-c", "echo hello; echo oops >&2; exit 3"],
                new SubprocessRunOptions { Timeout = TimeSpan.FromSeconds(30), MaxOutputBytes = 1 << 20 },
                ct);
            // run.ExitCode == 3, run.Output == "hello\n", run.Error == "oops\n"
            #endregion
            result = run;
        });

        Assert.Equal(new SubprocessResult(3, "hello\n", "oops\n", false, false), result);
    }

    [Fact]
    public void Streams_Example()
    {
        var lines = new List<string>();
        var exitCode = -1;

        RunReal(async () =>
        {
            var ct = CancellationToken.None;
            #region guide: streams
            await using var cat = await Subprocess.StartAsync("cat", [], ct);
            await cat.StandardInput.WriteAsync("one\ntwo\n"u8.ToArray(), ct);
            await cat.StandardInput.DisposeAsync();                 // end-of-file for cat
            await foreach (var line in cat.ReadOutputLinesAsync(ct))
            {
                lines.Add(line);
            }

            exitCode = await cat.WaitForExitAsync(ct);
            #endregion
        });

        Assert.Equal(new[] { "one", "two" }, lines);
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public void FilesAndDns_Example()
    {
        var path = Path.Combine(Path.GetTempPath(), $"coopruntime-guide-{Guid.NewGuid():N}.txt");
        string? text = null;
        System.Net.IPAddress[] addresses = [];
        try
        {
            RunReal(async () =>
            {
                var ct = CancellationToken.None;
                #region guide: files-dns
                await LoopFile.WriteAllTextAsync(path, "hello", ct);
                text = await LoopFile.ReadAllTextAsync(path, ct);
                addresses = await LoopDns.GetHostAddressesAsync("localhost", ct);
                #endregion
            });
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Equal("hello", text);
        Assert.NotEmpty(addresses);
    }

    [Fact]
    public void ProcessPool_Example()
    {
        int[] counts = [];

        RunReal(async () =>
        {
            var ct = CancellationToken.None;
            await using var pool = new ProcessPool(new ProcessPoolOptions
            {
                WorkerCount = 2,
                FileName = TestWorkerApp.DotnetHost,
                Arguments = [TestWorkerApp.DllPath],
            });
            #region guide: pool-invoke
            counts = await Task.WhenAll(new[] { 10_000, 20_000 }.Select(n => pool.InvokeAsync<int, int>("primes", n, ct)));
            #endregion
        });

        Assert.Equal(new[] { 1229, 2262 }, counts);
    }

    [Fact]
    public void Guide_ContainsEveryExampleVerbatim() =>
        GuideText.AssertGuideContainsRegions("docs/guides/processes-signals-threads.md", "tests/CoopRuntime.Tests/Docs/ProcessesSignalsThreadsGuideTests.cs", 7);
}
