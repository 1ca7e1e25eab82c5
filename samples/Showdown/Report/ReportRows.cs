using Showdown.Measurement;

namespace Showdown.Report;

/// <summary>
/// The table rows as text, shared by the console and Markdown reports so both say the same thing. A failed mode
/// shows "failed" in its numbers and the reason in its note.
/// </summary>
internal static class ReportRows
{
    public static readonly string[] CpuHeaders = ["Mode", "Wall time", "CPU time", "Cores busy", "Speedup", "Note"];

    public static readonly string[] IoHeaders = ["Mode", "Requests", "Wall time", "Requests/s", "Peak threads", "Peak memory", "Note"];

    public static IEnumerable<string[]> Cpu(ResultSet results) => results.Cpu.Select(r => r.Succeeded
        ? new[]
        {
            r.Mode, Format.Duration(r.WallTime), Format.Duration(r.CpuTime), Format.Decimal(r.CoresBusy),
            results.Speedup(r) is { } speedup ? Format.Times(speedup) : "-", r.Note ?? "",
        }
        : Failed(r, CpuHeaders.Length));

    public static IEnumerable<string[]> Io(ResultSet results) => results.Io.Select(r => r.Succeeded
        ? new[]
        {
            r.Mode, Format.Count(r.Completed), Format.Duration(r.WallTime), Format.Rate(r.ItemsPerSecond),
            $"{Format.Count(r.PeakThreads)} (+{Format.Count(Math.Max(0, r.PeakThreads - r.ThreadsBefore))})",
            $"{Format.Megabytes(r.PeakWorkingSetMegabytes)} (+{Format.Megabytes(r.AddedMegabytes)})",
            r.Note ?? "",
        }
        : Failed(r, IoHeaders.Length));

    private static string[] Failed(ModeResult result, int columns)
    {
        var row = Enumerable.Repeat("failed", columns).ToArray();
        row[0] = result.Mode;
        row[^1] = $"{result.Error} (after {Format.Duration(result.WallTime)}, {Format.Count(result.Completed)} done)";
        return row;
    }
}
