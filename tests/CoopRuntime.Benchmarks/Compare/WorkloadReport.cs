using CoopRuntime.Benchmarks.OutOfProcess;
using CoopRuntime.Benchmarks.Workloads;

namespace CoopRuntime.Benchmarks.Compare;

/// <summary>Writes one workload's section: description, table, notes, target verdicts.</summary>
internal static class WorkloadReport
{
    public static void Write(WorkloadResult result, TextWriter output)
    {
        var workload = result.Workload;
        output.WriteLine($"## {workload.Title}");
        output.WriteLine();
        output.WriteLine(workload.Description);
        output.WriteLine();

        var headers = new List<string> { "Variant" };
        if (workload.ShowTiming)
        {
            headers.AddRange(["Wall median", "Wall min", "Wall max", "CPU median", "Allocated", $"Per {workload.OperationName}", "GCs g0/g1/g2", "Pool items"]);
        }

        headers.AddRange(workload.ExtraColumns.Select(c => c.Header));
        if (workload.RatioMetric != RatioMetric.None)
        {
            // Both ratios, the target's metric marked: on a shared machine another process's work lands in wall time
            // but mostly not in this process's CPU time, so the two together show how much the numbers were disturbed.
            headers.Add(workload.RatioMetric == RatioMetric.Wall ? "Wall vs CoopRuntime (target)" : "Wall vs CoopRuntime");
            headers.Add(workload.RatioMetric == RatioMetric.Cpu ? "CPU vs CoopRuntime (target)" : "CPU vs CoopRuntime");
        }

        var table = new MarkdownTable(headers, headers.Select((_, i) => i > 0).ToArray());
        foreach (var variant in workload.Variants.Select(v => result.Find(v.Name)))
        {
            var cells = new List<string> { variant.Name };
            if (workload.ShowTiming)
            {
                var samples = result.SamplesOf(variant);
                var allocated = result.Median(variant, s => s.AllocatedBytes);
                cells.AddRange(
                [
                    Format.Time(TimeSpan.FromMilliseconds(result.Median(variant, s => s.Wall.TotalMilliseconds))),
                    Format.Time(samples.Min(s => s.Wall)),
                    Format.Time(samples.Max(s => s.Wall)),
                    Format.Time(TimeSpan.FromMilliseconds(result.Median(variant, s => s.Cpu.TotalMilliseconds))),
                    Format.Bytes(allocated),
                    Format.BytesPerOp(allocated / workload.Operations),
                    $"{Format.Count(result.Median(variant, s => s.Gen0))}/{Format.Count(result.Median(variant, s => s.Gen1))}/{Format.Count(result.Median(variant, s => s.Gen2))}",
                    Format.Count(result.Median(variant, s => s.ThreadPoolItems)),
                ]);
            }

            cells.AddRange(workload.ExtraColumns.Select(c => c.Format(result.Median(variant, c.Value))));
            if (workload.RatioMetric != RatioMetric.None)
            {
                cells.Add(Format.Ratio(result.RatioToBaseline(variant, RatioMetric.Wall)));
                cells.Add(Format.Ratio(result.RatioToBaseline(variant, RatioMetric.Cpu)));
            }

            table.AddRow([.. cells]);
        }

        output.Write(table.ToString());
        output.WriteLine();
        if (workload.ShowTiming)
        {
            output.WriteLine("Medians over the repetitions; \"Allocated\" counts every thread; \"Pool items\" is thread-pool work items completed during the run.");
        }

        if (workload.RatioMetric != RatioMetric.None)
        {
            var metric = workload.RatioMetric == RatioMetric.Cpu ? "CPU time" : "wall time";
            output.WriteLine($"The ratio columns divide the row's median wall or CPU time by the CoopRuntime baseline's (\"{workload.Variants.Single(v => v.IsBaseline).Name}\"): 20× means CoopRuntime took a twentieth. The target is stated in {metric}.");
        }

        foreach (var note in workload.Notes)
        {
            output.WriteLine(note);
        }

        output.WriteLine();
        OutOfProcessReport.Write(result, output);
        var verdicts = workload.Verdicts(result).ToList();
        if (verdicts.Count > 0)
        {
            foreach (var verdict in verdicts)
            {
                output.WriteLine(verdict);
            }

            output.WriteLine();
        }
    }
}
