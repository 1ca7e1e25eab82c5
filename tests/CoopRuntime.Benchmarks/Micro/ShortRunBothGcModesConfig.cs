using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace CoopRuntime.Benchmarks.Micro;

/// <summary>
/// The short job of <see cref="ShortRunConfig"/> twice: with .NET's default workstation GC (concurrent) and with
/// <c>&lt;ConcurrentGarbageCollection&gt;false&lt;/ConcurrentGarbageCollection&gt;</c>. Bursts of short-lived objects
/// (100,000 coroutines started at once) depend on it: the concurrent GC caps its gen-0 budget at 6 MB, so a burst
/// larger than that is promoted (copied) on its way to dying; the non-concurrent GC sizes gen 0 from the CPU's cache.
/// </summary>
public sealed class ShortRunBothGcModesConfig : ManualConfig
{
    public ShortRunBothGcModesConfig()
    {
        AddJob(ShortRunConfig.ShortJob.WithId("Short, concurrent GC (default)"));
        AddJob(ShortRunConfig.ShortJob.WithGcConcurrent(false).WithId("Short, non-concurrent GC"));
    }
}
