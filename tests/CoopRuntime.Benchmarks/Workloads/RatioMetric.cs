namespace CoopRuntime.Benchmarks.Workloads;

/// <summary>Which measurement a workload's ratio column compares. Timers are bounded below by their longest delay in wall time, so they compare CPU time.</summary>
internal enum RatioMetric
{
    None,
    Wall,
    Cpu,
}
