namespace Showdown.Measurement;

/// <summary>What one mode measured. <see cref="Error"/> is set when the mode failed; the numbers are then partial.</summary>
internal sealed record ModeResult(
    string Workload,
    string Mode,
    int Items,
    long Completed,
    TimeSpan WallTime,
    TimeSpan CpuTime,
    int PeakThreads,
    int ThreadsBefore,
    long PeakWorkingSetBytes,
    long WorkingSetBeforeBytes,
    string? Note,
    string? Error)
{
    public bool Succeeded => Error is null;

    /// <summary>Finished items per second of wall time.</summary>
    public double ItemsPerSecond => WallTime > TimeSpan.Zero ? Completed / WallTime.TotalSeconds : 0;

    /// <summary>CPU seconds per wall second: about 1 for one busy thread, up to the core count when all are busy.</summary>
    public double CoresBusy => WallTime > TimeSpan.Zero ? CpuTime / WallTime : 0;

    public double PeakWorkingSetMegabytes => PeakWorkingSetBytes / (1024.0 * 1024.0);

    /// <summary>How much the working set grew over what it was when the mode started.</summary>
    public double AddedMegabytes => Math.Max(0, PeakWorkingSetBytes - WorkingSetBeforeBytes) / (1024.0 * 1024.0);
}
