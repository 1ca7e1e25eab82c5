using System.Diagnostics;

namespace CoopRuntime.Benchmarks.Compare;

/// <summary>Runs one variant once and reads every counter before and after it.</summary>
internal static class Measurer
{
    public static Sample Measure(Action<Probe> run, TimeSpan watchdogLimit, string what)
    {
        // Start every run from a collected heap, so one run's garbage is not collected on the next run's time.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);

        var probe = new Probe();

        // A workload that stops completing would otherwise hang CI until its global timeout; fail fast with its name.
        using var watchdog = new Timer(
            static state =>
            {
                Console.Error.WriteLine($"compare: {state} did not finish within its time limit; giving up.");
                Environment.Exit(3);
            },
            $"{what} (limit {watchdogLimit.TotalSeconds:0} s)",
            watchdogLimit,
            Timeout.InfiniteTimeSpan);

        // Order matters: the counters that allocate (Process) are read outside the allocation window.
        var cpuBefore = ProcessCpuTime();
        var threadPoolBefore = ThreadPool.CompletedWorkItemCount;
        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var gen2 = GC.CollectionCount(2);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();

        run(probe);

        var wall = Stopwatch.GetElapsedTime(started);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var sample = new Sample(
            wall,
            ProcessCpuTime() - cpuBefore,
            allocated,
            GC.CollectionCount(0) - gen0,
            GC.CollectionCount(1) - gen1,
            GC.CollectionCount(2) - gen2,
            ThreadPool.CompletedWorkItemCount - threadPoolBefore,
            probe.Marks);
        return sample;
    }

    private static TimeSpan ProcessCpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
