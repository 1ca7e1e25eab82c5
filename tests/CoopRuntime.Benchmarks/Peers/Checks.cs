namespace CoopRuntime.Benchmarks.Peers;

/// <summary>Every workload checks that it did all of its work: a fast wrong benchmark is worse than none.</summary>
internal static class Checks
{
    public static void Equal(long expected, long actual, string what)
    {
        if (expected != actual)
        {
            throw new InvalidOperationException($"{what}: expected {expected}, got {actual}. The workload did not do all of its work.");
        }
    }
}
