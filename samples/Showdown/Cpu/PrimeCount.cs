namespace Showdown.Cpu;

/// <summary>A worker process's answer: the count, and the CPU time the worker process has used so far.</summary>
/// <param name="Primes">How many primes the range holds.</param>
/// <param name="WorkerProcessId">Which worker answered.</param>
/// <param name="WorkerCpuMilliseconds">The worker's Process.TotalProcessorTime when it answered, start-up included.</param>
internal sealed record PrimeCount(int Primes, int WorkerProcessId, double WorkerCpuMilliseconds);
