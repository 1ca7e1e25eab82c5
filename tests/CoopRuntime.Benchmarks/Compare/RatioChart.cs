using CoopRuntime.Benchmarks.Workloads;
using ScottPlot;

namespace CoopRuntime.Benchmarks.Compare;

/// <summary>
/// The headline chart: for every workload that has a ratio, how many times longer each peer took than CoopRuntime,
/// one horizontal bar per peer row, on a log scale centred on 1×.
/// </summary>
internal static class RatioChart
{
    private const int Width = 1400;
    private const int RowHeight = 24;

    public static void Save(IReadOnlyList<WorkloadResult> results, string path, bool smoke)
    {
        var plot = new Plot();
        var bars = new List<Bar>();
        var tickPositions = new List<double>();
        var tickLabels = new List<string>();
        var position = 0.0;
        foreach (var result in results.Where(r => r.Workload.RatioMetric != RatioMetric.None))
        {
            var metric = result.Workload.RatioMetric == RatioMetric.Cpu ? "CPU" : "wall";
            tickPositions.Add(position);
            tickLabels.Add($"{result.Workload.Title} ({metric} time)");
            position--;
            foreach (var (name, ratio) in PeerRatios(result))
            {
                bars.Add(new Bar
                {
                    Position = position,
                    Value = Math.Log10(ratio),
                    ValueBase = 0,
                    FillColor = ratio >= 1 ? Colors.SeaGreen : Colors.IndianRed,
                    Label = Format.Ratio(ratio),
                    Size = 0.7,
                });
                tickPositions.Add(position);
                tickLabels.Add(ShortName(name));
                position--;
            }

            position -= 0.5;
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        plot.Add.VerticalLine(0, 1.5f, Colors.Black);

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. tickPositions], [.. tickLabels]);
        var low = Math.Floor(Math.Min(-1, bars.Min(b => b.Value)));
        var high = Math.Ceiling(Math.Max(1, bars.Max(b => b.Value)));
        var decades = Enumerable.Range((int)low, (int)(high - low) + 1).Select(d => (double)d).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(decades, decades.Select(d => Format.Ratio(Math.Pow(10, d))).ToArray());
        plot.Axes.SetLimits(low - 0.1, high + 0.35, position, 1);
        plot.Title($"Peer time ÷ CoopRuntime time (log scale){(smoke ? ": SMOKE SIZES, NOT FOR QUOTING" : string.Empty)}");
        plot.XLabel("Medians; right of 1× (green): CoopRuntime was faster; left (red): the peer was");
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        plot.SavePng(path, Width, (int)((-position + 6) * RowHeight));
    }

    /// <summary>The row's name without its parenthesised explanation (the tables keep it), so labels fit beside the bars.</summary>
    private static string ShortName(string name)
    {
        var explanation = name.IndexOf(" (", StringComparison.Ordinal);
        return explanation > 0 ? name[..explanation] : name;
    }

    /// <summary>Every non-CoopRuntime row with its ratio in the workload's target metric: in-process peers against the baseline, scripts against their counterparts.</summary>
    private static IEnumerable<(string Name, double Ratio)> PeerRatios(WorkloadResult result)
    {
        foreach (var variant in result.Workload.Variants.Where(v => !v.Name.StartsWith("CoopRuntime", StringComparison.Ordinal)))
        {
            yield return (variant.Name, result.RatioToBaseline(variant.Name));
        }

        foreach (var (row, samples) in result.ScriptResults)
        {
            yield return (row.Name, result.ScriptRatio(row, samples, result.Workload.RatioMetric));
        }
    }
}
