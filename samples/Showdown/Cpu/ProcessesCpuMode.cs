using CoopRuntime;
using Showdown.Measurement;

namespace Showdown.Cpu;

/// <summary>
/// A ProcessPool with one worker per core; the workers are copies of this program. The loop only sends chunks and
/// collects answers, so it stays free while the workers compute in parallel. The time includes starting the
/// workers (a new .NET process each), and the CPU time includes theirs, as each worker reports it.
/// </summary>
internal static class ProcessesCpuMode
{
    public static int Count(IReadOnlyList<PrimeRange> ranges, ModeContext context) => EventLoop.Run(async () =>
    {
        var workerCpu = new Dictionary<int, double>();
        int total;
        await using (var pool = new ProcessPool(new ProcessPoolOptions { WorkerCount = Environment.ProcessorCount }))
        {
            var answers = await Task.WhenAll(ranges.Select(async range =>
            {
                var answer = await pool.InvokeAsync<PrimeRange, PrimeCount>(PrimeWorker.CountPrimes, range);
                context.ItemDone();
                // Each answer carries the worker's CPU time so far; the last one per worker is its total.
                workerCpu[answer.WorkerProcessId] = Math.Max(workerCpu.GetValueOrDefault(answer.WorkerProcessId), answer.WorkerCpuMilliseconds);
                return answer.Primes;
            }));
            total = answers.Sum();
        }

        context.AddChildCpuTime(TimeSpan.FromMilliseconds(workerCpu.Values.Sum()));
        context.Note = $"{workerCpu.Count} worker processes; time includes starting them";
        return total;
    });
}
