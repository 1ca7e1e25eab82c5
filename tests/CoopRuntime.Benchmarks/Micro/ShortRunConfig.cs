using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace CoopRuntime.Benchmarks.Micro;

/// <summary>
/// One short job for every micro benchmark: one process, 3 warm-up and 5 measured iterations. The machines here have
/// two cores and the whole suite has to finish in minutes; the hot paths measured are steady enough that five
/// iterations give error bars of a few percent, and allocations (the point of several benchmarks) are exact anyway.
/// </summary>
public sealed class ShortRunConfig : ManualConfig
{
    /// <summary>One launch, 3 warm-up and 5 measured iterations.</summary>
    internal static Job ShortJob => Job.Default
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(5);

    public ShortRunConfig()
    {
        AddJob(ShortJob.WithId("Short"));
    }
}
