namespace CoopRuntime.Tests.Support;

/// <summary>
/// The test collection for classes that assert zero allocation with <see cref="GC.GetAllocatedBytesForCurrentThread"/>.
/// It runs alone, not in parallel with other tests: collections triggered by other tests' allocations occasionally
/// show up as a few kilobytes in the measuring thread's counter, which would make an exact-zero assertion flaky.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasurements
{
    public const string Name = "Allocation measurements (run alone)";
}
