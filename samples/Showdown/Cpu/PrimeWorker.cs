using System.Diagnostics;
using CoopRuntime;

namespace Showdown.Cpu;

/// <summary>What this program does when ProcessPool starts it as a worker.</summary>
internal static class PrimeWorker
{
    public const string CountPrimes = "count-primes";

    public static ProcessPoolHandlers Handlers { get; } = new ProcessPoolHandlers().Add<PrimeRange, PrimeCount>(CountPrimes, Count);

    private static PrimeCount Count(PrimeRange range)
    {
        var primes = Primes.Count(range);
        using var self = Process.GetCurrentProcess();
        return new PrimeCount(primes, self.Id, self.TotalProcessorTime.TotalMilliseconds);
    }
}
