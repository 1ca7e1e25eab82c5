using System.Globalization;
using CoopRuntime.Benchmarks.Compare;

namespace CoopRuntime.Benchmarks.Workloads;

/// <summary>One line per target: what it asks, what was measured, met or missed. Missed targets are reported, never hidden.</summary>
internal static class Verdict
{
    public static string Speedup(WorkloadResult result, string peer, double target)
    {
        var ratio = result.RatioToBaseline(peer);
        var metric = result.Workload.RatioMetric == RatioMetric.Cpu ? "CPU time" : "wall time";
        return Line($"CoopRuntime ≥ {target.ToString(CultureInfo.InvariantCulture)}× faster than {peer} ({metric})", Format.Ratio(ratio), ratio >= target);
    }

    public static string AtMost(string what, double measured, double limit, Func<double, string> format) =>
        Line($"{what} ≤ {format(limit)}", format(measured), measured <= limit);

    private static string Line(string target, string measured, bool met) =>
        $"- Target: {target} — measured {measured} — **{(met ? "met" : "MISSED")}**";
}
