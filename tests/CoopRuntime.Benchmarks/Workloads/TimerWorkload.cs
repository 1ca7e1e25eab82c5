using CoopRuntime.Benchmarks.OutOfProcess;
using CoopRuntime.Benchmarks.Peers;

namespace CoopRuntime.Benchmarks.Workloads;

/// <summary>
/// Workload 3: a burst of timers on the real clock. Every peer needs at least the longest delay in wall time, so
/// the ratio compares process CPU time: the work each runtime does to keep and fire its timers.
/// </summary>
internal sealed class TimerWorkload(WorkloadSizes sizes) : Workload
{
    // Fixed, so every run and every peer sees the same delays.
    private const int Seed = 20261126;

    private const string CoopSleep = "CoopRuntime: await EventLoop.Sleep";
    private const string CoopCallLater = "CoopRuntime: CallLater(static, state)";
    private const string AsyncContextName = "AsyncContext: await Task.Delay";

    private readonly TimeSpan[] _delays = MakeDelays(sizes.Timers, sizes.TimerMaxDelayMilliseconds);
    private ScriptWorkload? _scripts;

    public override string Title => "3. Timers on the real clock";

    public override string Description =>
        $"{sizes.Timers:N0} timers with random delays of 0–{sizes.TimerMaxDelayMilliseconds} ms (seed {Seed}, " +
        "microsecond resolution), all scheduled at once and all fired, on the real clock. CoopRuntime: " +
        "`loop.CallLater(delay, static, state)`, and one async method per timer awaiting `EventLoop.Sleep(delay)` " +
        "(default MonotonicClock); AsyncContext and ThreadPool: one async method per timer awaiting `Task.Delay(delay)`.";

    public override string OperationName => "timer";

    public override long Operations => sizes.Timers;

    public override RatioMetric RatioMetric => RatioMetric.Cpu;

    public override IReadOnlyList<Variant> Variants =>
    [
        new(CoopSleep, _ => CoopRuntimePeer.TimersSleep(_delays), IsBaseline: true),
        new(CoopCallLater, _ => CoopRuntimePeer.TimersCallLater(_delays)),
        new(AsyncContextName, _ => AsyncContextPeer.TimersDelay(_delays)),
        new("ThreadPool: await Task.Delay", _ => ThreadPoolPeer.TimersDelay(_delays)),
    ];

    public override IEnumerable<string> Notes =>
    [
        $"The target compares **process CPU time** (all threads), not wall time: no peer can finish before the longest delay ({sizes.TimerMaxDelayMilliseconds} ms), so wall time mostly measures waiting.",
        "The baseline is the like-for-like CoopRuntime row (one async method per timer awaiting `EventLoop.Sleep`); the CallLater row shows the raw timer cost without async methods.",
    ];

    /// <summary>
    /// Each script row is compared with the CoopRuntime row of its own kind: callbacks with CallLater, awaiting tasks
    /// with Sleep. Made once, because making it writes the delays file.
    /// </summary>
    public override ScriptWorkload Scripts => _scripts ??= new(
        "timers",
        [DelaysFile()],
        [
            new(ScriptLanguage.Node, "settimeout", "setTimeout callbacks (1 ms resolution)", CoopCallLater),
            new(ScriptLanguage.Node, "await-sleep", "async functions awaiting timers/promises setTimeout", CoopSleep),
            new(ScriptLanguage.Python, "call-later", "loop.call_later callbacks", CoopCallLater),
            new(ScriptLanguage.Python, "await-sleep", "tasks awaiting asyncio.sleep(delay)", CoopSleep),
        ]);

    public override IEnumerable<string> Verdicts(WorkloadResult result) => [Verdict.Speedup(result, AsyncContextName, 4)];

    /// <summary>
    /// Writes this run's delays, in microseconds one a line, where the scripts can read them: every runtime waits for
    /// exactly the same timers. The name depends only on the contents, so reruns overwrite instead of piling up.
    /// </summary>
    private string DelaysFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"coop-compare-timer-delays-{Seed}-{sizes.Timers}-{sizes.TimerMaxDelayMilliseconds}.txt");
        File.WriteAllLines(path, _delays.Select(d => ScriptWorkload.Number(d.Ticks / TimeSpan.TicksPerMicrosecond)));
        return path;
    }

    private static TimeSpan[] MakeDelays(int count, int maxMilliseconds)
    {
        var random = new Random(Seed);
        var maxTicks = TimeSpan.FromMilliseconds(maxMilliseconds).Ticks;
        var delays = new TimeSpan[count];
        for (var i = 0; i < count; i++)
        {
            // Whole microseconds: finer than any runtime here resolves, coarse enough to read in a debugger.
            delays[i] = TimeSpan.FromTicks(random.NextInt64(0, maxTicks + 1) / 10 * 10);
        }

        return delays;
    }
}
