using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Processes;

/// <summary>The pool against tests/CoopRuntime.TestWorker workers, on a real clock (real processes run in real time).</summary>
public class ProcessPoolTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static ProcessPoolOptions Options(int workers = 2) => new()
    {
        WorkerCount = workers,
        FileName = TestWorkerApp.DotnetHost,
        Arguments = [TestWorkerApp.DllPath],
    };

    private static void RunReal(Func<Task> main) => EventLoop.Run(async () => await main().WaitAsync(Patience));

    private static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}");

    private static int CountPrimesBelow(int limit) =>
        Enumerable.Range(2, Math.Max(0, limit - 2)).Count(n => Enumerable.Range(2, (int)Math.Sqrt(n) - 1).All(d => n % d != 0));

    [Fact]
    public void InvokeAsync_ManyItemsOnTwoWorkers_EveryResultCorrectAndBackOnTheLoopThread()
    {
        var limits = Enumerable.Range(1, 12).Select(i => i * 5_000).ToArray();
        int[] results = [];
        var loopThread = 0;
        var resumedOn = new HashSet<int>();
        var workerPids = new HashSet<int>();

        RunReal(async () =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            await using var pool = new ProcessPool(Options(workers: 2));
            results = await Task.WhenAll(limits.Select(async limit =>
            {
                var count = await pool.InvokeAsync<int, int>("primes", limit);
                resumedOn.Add(Environment.CurrentManagedThreadId);
                return count;
            }));
            foreach (var pid in pool.WorkerProcessIds)
            {
                workerPids.Add(pid);
            }
        });

        Assert.Equal(limits.Select(CountPrimesBelow), results);
        Assert.Equal(new[] { loopThread }, resumedOn);
        Assert.InRange(workerPids.Count, 1, 2);
    }

    [Fact]
    public void InvokeAsync_WorkerCrashes_ItemFailsClearlyAndANewWorkerTakesTheNextItem()
    {
        ProcessPoolException? crash = null;
        string? after = null;
        int firstPid = 0, secondPid = 0;

        RunReal(async () =>
        {
            await using var pool = new ProcessPool(Options(workers: 1));
            firstPid = await pool.InvokeAsync<int, int>("pid", 0);
            crash = await Assert.ThrowsAsync<ProcessPoolException>(() => pool.InvokeAsync<int, int>("crash", 3));
            after = await pool.InvokeAsync<string, string>("echo", "still serving");
            secondPid = await pool.InvokeAsync<int, int>("pid", 0);
        });

        Assert.True(crash!.WorkerCrashed);
        Assert.Equal(3, crash.ExitCode);
        Assert.Contains("exited with code 3", crash.Message);
        Assert.Contains("'crash'", crash.Message);
        Assert.Contains("about to crash with 3", crash.Message); // the end of its standard error
        Assert.Equal("still serving", after);
        Assert.NotEqual(firstPid, secondPid);
        Assert.False(IsRunning(firstPid));
    }

    [Fact]
    public void InvokeAsync_HandlerThrows_ErrorNamesTheRemoteExceptionAndTheWorkerSurvives()
    {
        ProcessPoolException? error = null;
        int before = 0, after = 0;

        RunReal(async () =>
        {
            await using var pool = new ProcessPool(Options(workers: 1));
            before = await pool.InvokeAsync<int, int>("pid", 0);
            error = await Assert.ThrowsAsync<ProcessPoolException>(() => pool.InvokeAsync<string, int>("throw", "bad item"));
            after = await pool.InvokeAsync<int, int>("pid", 0);
        });

        Assert.False(error!.WorkerCrashed);
        Assert.Equal(typeof(InvalidOperationException).FullName, error.RemoteExceptionType);
        Assert.Contains("bad item", error.Message);
        Assert.Equal(before, after);
    }

    [Fact]
    public void InvokeAsync_HandlerPrintsToConsole_ProtocolIsUnharmed()
    {
        var length = 0;

        RunReal(async () =>
        {
            await using var pool = new ProcessPool(Options(workers: 1));
            length = await pool.InvokeAsync<string, int>("print", "{\"id\": 999}");
        });

        Assert.Equal("{\"id\": 999}".Length, length);
    }

    [Fact]
    public void InvokeAsync_UnknownHandler_ErrorNamesItAndTheRegisteredOnes()
    {
        ProcessPoolException? error = null;

        RunReal(async () =>
        {
            await using var pool = new ProcessPool(Options(workers: 1));
            error = await Assert.ThrowsAsync<ProcessPoolException>(() => pool.InvokeAsync<int, int>("nope", 1));
        });

        Assert.Contains("'nope'", error!.Message);
        Assert.Contains("'primes'", error.Message);
    }

    [Fact]
    public void DisposeAsync_LeavesNoWorkerProcessBehind()
    {
        var pids = new List<int>();

        RunReal(async () =>
        {
            var pool = new ProcessPool(Options(workers: 3));
            await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => pool.InvokeAsync<int, int>("primes", 20_000)));
            pids.AddRange(pool.WorkerProcessIds);
            await pool.DisposeAsync();
            Assert.Empty(pool.WorkerProcessIds);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => pool.InvokeAsync<int, int>("pid", 0));
        });

        Assert.NotEmpty(pids);
        Assert.All(pids, pid => Assert.False(IsRunning(pid), $"worker {pid} outlived the pool"));
    }

    [Fact]
    public void InvokeAsync_ProgramIsNotAWorker_ItemFailsWithAProtocolErrorSayingWhatToDo()
    {
        ProcessPoolException? error = null;

        RunReal(async () =>
        {
            await using var pool = new ProcessPool(new ProcessPoolOptions { WorkerCount = 1, FileName = "sh", Arguments = ["-c", "echo hello; sleep 600"] });
            error = await Assert.ThrowsAsync<ProcessPoolException>(() => pool.InvokeAsync<int, int>("primes", 10));
        });

        Assert.Contains("'hello'", error!.Message);
        Assert.Contains("ProcessPool.IsWorker", error.Message);
    }

    [Fact]
    public void InvokeAsync_WorkerCannotStart_ItemFailsWithTheStartError()
    {
        ProcessPoolException? error = null;

        RunReal(async () =>
        {
            await using var pool = new ProcessPool(new ProcessPoolOptions { WorkerCount = 1, FileName = "/no/such/worker-coopruntime" });
            error = await Assert.ThrowsAsync<ProcessPoolException>(() => pool.InvokeAsync<int, int>("primes", 10));
        });

        Assert.Contains("Could not start a worker", error!.Message);
    }

    [Fact]
    public void InvokeAsync_CancelledWhileQueued_IsCancelledAndOthersStillRun()
    {
        Exception? cancelled = null;
        var first = 0;

        RunReal(async () =>
        {
            await using var pool = new ProcessPool(Options(workers: 1));
            using var cts = new CancellationTokenSource();
            var running = pool.InvokeAsync<int, int>("primes", 50_000);
            var queued = pool.InvokeAsync<int, int>("primes", 60_000, cts.Token);
            cts.Cancel();
            cancelled = await Record.ExceptionAsync(() => queued);
            first = await running;
        });

        Assert.IsAssignableFrom<OperationCanceledException>(cancelled);
        Assert.Equal(CountPrimesBelow(50_000), first);
    }

    [Fact]
    public void Constructor_BadOptions_ThrowArgumentExceptionsNamingOptions()
    {
        RunReal(() =>
        {
            Assert.Throws<ArgumentOutOfRangeException>("options", () => new ProcessPool(new ProcessPoolOptions { WorkerCount = 0 }));
            Assert.Throws<ArgumentOutOfRangeException>("options", () => new ProcessPool(new ProcessPoolOptions { ShutdownTimeout = TimeSpan.FromSeconds(-1) }));
            Assert.Throws<ArgumentException>("options", () => new ProcessPool(new ProcessPoolOptions { Arguments = null! }));
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void IsWorker_RecognizesTheWorkerArgument()
    {
        Assert.True(ProcessPool.IsWorker(["x", ProcessPool.WorkerArgument]));
        Assert.False(ProcessPool.IsWorker(["x"]));
    }
}
