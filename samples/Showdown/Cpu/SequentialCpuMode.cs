using Showdown.Measurement;

namespace Showdown.Cpu;

/// <summary>The baseline: one chunk after the other on this thread.</summary>
internal static class SequentialCpuMode
{
    public static int Count(IReadOnlyList<PrimeRange> ranges, ModeContext context)
    {
        var total = 0;
        foreach (var range in ranges)
        {
            total += Primes.Count(range);
            context.ItemDone();
        }

        return total;
    }
}
