namespace CoopRuntime.Benchmarks.OutOfProcess;

/// <summary>One measured run of a workload script, as the script printed it.</summary>
/// <param name="Wall">Wall time of the run.</param>
/// <param name="Cpu">The script process's CPU time (user + system, all threads) during the run.</param>
/// <param name="PeakRssKib">The process's peak resident set, in KiB, interpreter included.</param>
/// <param name="BytesPerOperation">Workload-specific bytes per operation, for the workloads whose script reports them.</param>
internal sealed record ScriptSample(TimeSpan Wall, TimeSpan Cpu, long PeakRssKib, double? BytesPerOperation);
