using CoopRuntime.Benchmarks.Compare;
using CoopRuntime.Benchmarks.Workloads;

namespace CoopRuntime.Benchmarks.OutOfProcess;

/// <summary>
/// A workload's "other runtimes" table: the CoopRuntime rows that the scripts are compared with (from the in-process
/// table above it), then every script row with its ratio to its CoopRuntime counterpart.
/// </summary>
/// <remarks>
/// A separate table rather than extra rows of the in-process one: the in-process columns (bytes allocated, .NET
/// collections, thread-pool items) mean nothing for another runtime, and a script's peak RSS means nothing for one
/// variant among many in a shared .NET process.
/// </remarks>
internal static class OutOfProcessReport
{
    public static void Write(WorkloadResult result, TextWriter output)
    {
        var workload = result.Workload;
        if (workload.Scripts is not { } scripts || result.ScriptResults.Count == 0)
        {
            return;
        }

        var perOperation = $"Wall per {workload.OperationName}";
        var headers = new List<string> { "Runtime: variant", "Wall median", "Wall min", "Wall max", "CPU median", perOperation, "Peak RSS" };
        if (scripts.BytesPerOperation is { } bytesColumn)
        {
            headers.Add(bytesColumn.Header);
        }

        var targetMetric = workload.RatioMetric == RatioMetric.Cpu ? RatioMetric.Cpu : RatioMetric.Wall;
        headers.AddRange(["Compared with", Marked("Wall vs CoopRuntime", RatioMetric.Wall), Marked("CPU vs CoopRuntime", RatioMetric.Cpu)]);
        var table = new MarkdownTable(headers, headers.Select((h, i) => i > 0 && h != "Compared with").ToArray());

        foreach (var counterpart in result.ScriptResults.Select(r => r.Row.Variant.Counterpart).Distinct())
        {
            var variant = result.Find(counterpart);
            var samples = result.SamplesOf(variant);
            var cells = new List<string> { counterpart };
            cells.AddRange(TimeCells(samples.Select(s => s.Wall).ToList(), samples.Select(s => s.Cpu).ToList(), workload.Operations));
            cells.Add("in-process");
            if (scripts.BytesPerOperation is { } column)
            {
                cells.Add(column.Format(result.Median(variant, column.Value)));
            }

            cells.AddRange([string.Empty, "1.00×", "1.00×"]);
            table.AddRow([.. cells]);
        }

        foreach (var (row, samples) in result.ScriptResults)
        {
            var cells = new List<string> { row.Name };
            cells.AddRange(TimeCells(samples.Select(s => s.Wall).ToList(), samples.Select(s => s.Cpu).ToList(), workload.Operations));
            cells.Add(Format.KibAsBytes((long)WorkloadResult.Median(samples.Select(s => (double)s.PeakRssKib))));
            if (scripts.BytesPerOperation is not null)
            {
                var bytes = samples.Where(s => s.BytesPerOperation is not null).Select(s => s.BytesPerOperation!.Value).ToList();
                cells.Add(bytes.Count > 0 ? Format.BytesPerOp(WorkloadResult.Median(bytes)) : "-");
            }

            cells.Add(row.Variant.Counterpart);
            cells.Add(Format.Ratio(result.ScriptRatio(row, samples, RatioMetric.Wall)));
            cells.Add(Format.Ratio(result.ScriptRatio(row, samples, RatioMetric.Cpu)));
            table.AddRow([.. cells]);
        }

        output.WriteLine($"Other runtimes, out of process (one fresh process per measured run; {string.Join(", ", result.ScriptResults.Select(r => r.Row.Runtime.Version).Distinct())}):");
        output.WriteLine();
        output.Write(table.ToString());
        output.WriteLine();
        output.WriteLine(
            "Each script times its own run (interpreter start-up excluded) after its warm-up runs in the same process, and reports its " +
            "process's CPU time (all threads) and peak resident set (interpreter included). The ratio columns divide the row's median by " +
            "the median of the CoopRuntime row it is compared with, measured in the same repetitions: above 1× CoopRuntime was faster.");
        output.WriteLine();
        return;

        string Marked(string header, RatioMetric metric) => workload.RatioMetric != RatioMetric.None && metric == targetMetric ? header + " (target)" : header;
    }

    private static IEnumerable<string> TimeCells(IReadOnlyList<TimeSpan> walls, IReadOnlyList<TimeSpan> cpus, long operations)
    {
        var wallMedian = WorkloadResult.Median(walls.Select(w => w.TotalMilliseconds));
        return
        [
            Format.Time(TimeSpan.FromMilliseconds(wallMedian)),
            Format.Time(walls.Min()),
            Format.Time(walls.Max()),
            Format.Time(TimeSpan.FromMilliseconds(WorkloadResult.Median(cpus.Select(c => c.TotalMilliseconds)))),
            Format.Nanoseconds(wallMedian * 1e6 / operations),
        ];
    }
}
