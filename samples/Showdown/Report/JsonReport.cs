using System.Text.Json;
using Showdown.Measurement;

namespace Showdown.Report;

/// <summary>The results as JSON: raw numbers (seconds, bytes), for tools and for docs generated from them.</summary>
internal static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static string Render(ResultSet results, IReadOnlyList<string> reading, WorkloadSizes sizes, MachineInfo machine) =>
        JsonSerializer.Serialize(new
        {
            machine,
            sizes = new { sizes.Name, sizes.PrimeLimit, sizes.PrimeChunks, latencySeconds = sizes.Latency.TotalSeconds },
            results = results.All.Select(r => new
            {
                r.Workload,
                r.Mode,
                r.Items,
                r.Completed,
                r.Succeeded,
                r.Error,
                r.Note,
                wallSeconds = r.WallTime.TotalSeconds,
                cpuSeconds = r.CpuTime.TotalSeconds,
                r.CoresBusy,
                speedupOverSequential = r.Workload == Cpu.CpuWorkload.Name ? results.Speedup(r) : null,
                r.ItemsPerSecond,
                r.PeakThreads,
                r.ThreadsBefore,
                r.PeakWorkingSetBytes,
                r.WorkingSetBeforeBytes,
            }),
            reading,
        }, Options);
}
