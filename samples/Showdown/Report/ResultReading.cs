using Showdown.Cpu;
using Showdown.Io;
using Showdown.Measurement;

namespace Showdown.Report;

/// <summary>
/// A few sentences that read this run's numbers: who won each workload, by how much, and why. Built from the
/// measurements, so a machine where threads do not help (one core, or cores busy with other work) reads differently.
/// </summary>
internal static class ResultReading
{
    // Below this much sequential work, overheads (thread hand-offs, process start-up) outweigh any parallel gain.
    private static readonly TimeSpan TooSmallToSplit = TimeSpan.FromMilliseconds(250);

    public static IReadOnlyList<string> Read(ResultSet results, WorkloadSizes sizes, MachineInfo machine)
    {
        var sentences = new List<string>();
        AddContention(sentences, results);
        AddCpuParallelism(sentences, results, machine);
        AddCpuCoroutines(sentences, results);
        AddIoConcurrency(sentences, results);
        AddIoLimits(sentences, results, sizes);
        return sentences;
    }

    // One thread counting primes should keep one core busy; much less means other programs were using the cores.
    private static void AddContention(List<string> sentences, ResultSet results)
    {
        const double BusyEnough = 0.8;
        if (results.Succeeded(results.Cpu, CpuModeNames.Sequential) is { } sequential && sequential.CoresBusy < BusyEnough)
        {
            sentences.Add($"Note: the sequential run kept only {Format.Decimal(sequential.CoresBusy)} of a core busy, so other programs were " +
                          "competing for this machine's CPUs and every number below is noisier than usual.");
        }
    }

    private static void AddCpuParallelism(List<string> sentences, ResultSet results, MachineInfo machine)
    {
        var sequential = results.Succeeded(results.Cpu, CpuModeNames.Sequential);
        var parallel = new[] { CpuModeNames.Threads, CpuModeNames.Processes }
            .Select(name => results.Succeeded(results.Cpu, name))
            .OfType<ModeResult>()
            .OrderBy(r => r.WallTime)
            .ToArray();
        if (results.Cpu.Count == 0)
        {
            return; // --only io
        }

        if (sequential is null || parallel.Length == 0)
        {
            sentences.Add("The CPU-bound comparison is incomplete: see the failed rows in the table.");
            return;
        }

        var best = parallel[0];
        var speedup = results.Speedup(best)!.Value;
        var other = parallel.Length > 1 ? parallel[1] : null;
        var otherClause = other is null ? "" : $"; {other.Mode}: {Format.Times(results.Speedup(other)!.Value)}";
        sentences.Add(speedup >= 1.2
            ? $"CPU-bound: {best.Mode} won, {Format.Times(speedup)} faster than sequential " +
              $"({Format.Duration(sequential.WallTime)} → {Format.Duration(best.WallTime)}{otherClause}), by keeping {Format.Decimal(best.CoresBusy)} " +
              $"of {machine.Cores} cores busy: .NET threads run truly in parallel, there is no global interpreter lock."
            : $"CPU-bound: the best parallel mode, {best.Mode}, was only {Format.Times(speedup)} as fast as sequential{otherClause}: " +
              (sequential.WallTime < TooSmallToSplit
                  ? $"at this size ({Format.Duration(sequential.WallTime)} of work) starting and coordinating workers costs as much as the work; the default sizes show the real gain."
                  : $"with {machine.Cores} {(machine.Cores == 1 ? "core" : "cores")} (and whatever else is running on them) there was little room to run in parallel."));

        if (other is not null && best.Mode == CpuModeNames.Threads)
        {
            sentences.Add($"Processes were {Format.Times(other.WallTime / best.WallTime)} slower than threads here: each worker is a new .NET " +
                          "process to start, and chunks and answers cross a pipe as JSON; they pay off for longer work, or work that must be isolated.");
        }
    }

    private static void AddCpuCoroutines(List<string> sentences, ResultSet results)
    {
        if (results.Succeeded(results.Cpu, CpuModeNames.Coroutines) is not { } coroutines
            || results.Speedup(coroutines) is not { } speedup)
        {
            return;
        }

        sentences.Add($"Coroutines on one loop ran the CPU-bound work at {Format.Times(speedup)} the sequential speed " +
                      $"({Format.Duration(coroutines.WallTime)}): they take turns on one thread, so every chunk progresses at once " +
                      "but only one computes at any instant; concurrency is not parallelism.");
    }

    private static void AddIoConcurrency(List<string> sentences, ResultSet results)
    {
        var io = results.Io;
        var coroutines = io.FirstOrDefault(r => r.Mode == IoModeNames.Coroutines);
        var threads = io.FirstOrDefault(r => r.Mode == IoModeNames.ThreadPerRequest);
        var fastest = io.Where(r => r.Succeeded).MaxBy(r => r.ItemsPerSecond);
        if (coroutines is null || threads is null || fastest is null)
        {
            return;
        }

        var coroutinePart = coroutines.Succeeded
            ? $"coroutines on one loop served {Format.Count(coroutines.Completed)} requests at {Format.Rate(coroutines.ItemsPerSecond)} " +
              $"with {Format.Count(Math.Max(0, coroutines.PeakThreads - coroutines.ThreadsBefore), "thread")} added and {Format.Megabytes(coroutines.AddedMegabytes)} more memory"
            : $"coroutines on one loop failed ({coroutines.Error})";
        var threadPart = threads.Succeeded
            ? $"one thread per request managed {Format.Rate(threads.ItemsPerSecond)} but added {Format.Count(Math.Max(0, threads.PeakThreads - threads.ThreadsBefore), "thread")} " +
              $"and {Format.Megabytes(threads.AddedMegabytes)}"
            : $"one thread per request failed: {threads.Error}";
        sentences.Add($"I/O-bound: {fastest.Mode} was fastest at {Format.Rate(fastest.ItemsPerSecond)}; {coroutinePart}, while {threadPart}.");
    }

    private static void AddIoLimits(List<string> sentences, ResultSet results, WorkloadSizes sizes)
    {
        var sequential = results.Succeeded(results.Io, IoModeNames.Sequential);
        var pool = results.Succeeded(results.Io, IoModeNames.PoolBlocking);
        if (sequential is null || pool is null)
        {
            return;
        }

        var ceiling = 1 / sizes.Latency.TotalSeconds;
        sentences.Add($"Waiting is not work: sequential requests reached {Format.Rate(sequential.ItemsPerSecond)}, close to the " +
                      $"{Format.Rate(ceiling)} that one request at a time allows with {Format.Duration(sizes.Latency)} of latency, and blocking " +
                      $"thread-pool calls reached {Format.Rate(pool.ItemsPerSecond)}: each call holds a pool thread while it waits, and the pool " +
                      $"added only {Format.Count(Math.Max(0, pool.PeakThreads - pool.ThreadsBefore), "thread")} for them.");
    }
}
