using Showdown.Measurement;

namespace Showdown.Cpu;

/// <summary>
/// Parallel.For spreads the chunks over thread-pool threads, one per core. .NET has no global interpreter lock: the
/// threads really run at the same time, each on its own core.
/// </summary>
internal static class ThreadsCpuMode
{
    public static int Count(IReadOnlyList<PrimeRange> ranges, ModeContext context)
    {
        var total = 0;
        Parallel.For(0, ranges.Count, i =>
        {
            Interlocked.Add(ref total, Primes.Count(ranges[i])); // threads share memory, so the sum needs an atomic add
            context.ItemDone();
        });
        return total;
    }
}
