namespace CoopRuntime.Benchmarks.Compare;

/// <summary>
/// Lets a workload mark points inside a measured run (for example "every task is parked") so that the report can
/// show the bytes allocated between two marks, not only over the whole run.
/// </summary>
internal sealed class Probe
{
    // Sized up front: growing the dictionary inside a run would put the probe's own allocations into the numbers.
    private readonly Dictionary<string, long> _allocatedAt = new(capacity: 16);

    /// <summary>Records the process's allocated-bytes counter under <paramref name="name"/> (a constant string, so marking allocates nothing).</summary>
    public void Mark(string name) => _allocatedAt[name] = GC.GetTotalAllocatedBytes(precise: true);

    public IReadOnlyDictionary<string, long> Marks => _allocatedAt;
}
