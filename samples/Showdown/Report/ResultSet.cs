using Showdown.Cpu;
using Showdown.Io;
using Showdown.Measurement;

namespace Showdown.Report;

/// <summary>The results of one run, split by workload, with the lookups the reports need.</summary>
internal sealed class ResultSet(IReadOnlyList<ModeResult> all)
{
    public IReadOnlyList<ModeResult> All { get; } = all;

    public IReadOnlyList<ModeResult> Cpu { get; } = all.Where(r => r.Workload == CpuWorkload.Name).ToArray();

    public IReadOnlyList<ModeResult> Io { get; } = all.Where(r => r.Workload == IoWorkload.Name).ToArray();

    /// <summary>The mode's result if it ran and succeeded, else null.</summary>
    public ModeResult? Succeeded(IReadOnlyList<ModeResult> workload, string mode) =>
        workload.FirstOrDefault(r => r.Mode == mode && r.Succeeded);

    /// <summary>How many times faster than sequential a CPU-bound mode was; null when either failed.</summary>
    public double? Speedup(ModeResult result) =>
        Succeeded(Cpu, CpuModeNames.Sequential) is { } sequential && result.Succeeded && result.WallTime > TimeSpan.Zero
            ? sequential.WallTime / result.WallTime
            : null;
}
