using Showdown.Measurement;

namespace Showdown.Cpu;

/// <summary>
/// The CPU-bound workload: count the primes below a limit, split into chunks, four ways. Every mode must find the same
/// count; one that does not fails in the table.
/// </summary>
internal static class CpuWorkload
{
    public const string Name = "CPU-bound";

    /// <summary>Runs the prime counting long enough for the JIT to compile its optimized version.</summary>
    public static void WarmUp() => Primes.Count(0, 200_000);

    public static IReadOnlyList<ShowdownMode> Modes(WorkloadSizes sizes)
    {
        var ranges = PrimeRange.Split(sizes.PrimeLimit, sizes.PrimeChunks);
        int? expected = null;
        ShowdownMode Checked(string name, Func<IReadOnlyList<PrimeRange>, ModeContext, int> count) =>
            new(Name, name, ranges.Count, context =>
            {
                var primes = count(ranges, context);
                expected ??= primes; // the first mode (sequential) sets the answer the others must match
                if (primes != expected)
                {
                    throw new InvalidOperationException($"counted {primes:N0} primes, sequential counted {expected:N0}");
                }
            });

        return
        [
            Checked(CpuModeNames.Sequential, SequentialCpuMode.Count),
            Checked(CpuModeNames.Coroutines, CoroutineCpuMode.Count),
            Checked(CpuModeNames.Threads, ThreadsCpuMode.Count),
            Checked(CpuModeNames.Processes, ProcessesCpuMode.Count),
        ];
    }
}
