namespace CoopRuntime.Benchmarks.Compare;

/// <summary>What one run of one variant cost: wall and CPU time, bytes allocated, collections, thread-pool work.</summary>
/// <param name="Wall">Stopwatch time of the run.</param>
/// <param name="Cpu">Process CPU time (all threads) spent during the run.</param>
/// <param name="AllocatedBytes">Bytes allocated by every thread during the run (precise counter).</param>
/// <param name="Gen0">Gen-0 collections during the run.</param>
/// <param name="Gen1">Gen-1 collections during the run.</param>
/// <param name="Gen2">Gen-2 collections during the run.</param>
/// <param name="ThreadPoolItems">Thread-pool work items completed during the run: a single-threaded loop should need none.</param>
/// <param name="Marks">Allocated-bytes readings taken by the workload through its <see cref="Probe"/>.</param>
internal sealed record Sample(
    TimeSpan Wall,
    TimeSpan Cpu,
    long AllocatedBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    long ThreadPoolItems,
    IReadOnlyDictionary<string, long> Marks)
{
    /// <summary>Bytes allocated between two marks of this run.</summary>
    public long BytesBetween(string from, string to) => Marks[to] - Marks[from];
}
