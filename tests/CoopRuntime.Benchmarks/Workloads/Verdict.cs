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

    /// <summary>A target against an out-of-process peer; a peer that was skipped says so instead of a number.</summary>
    public static string Speedup(WorkloadResult result, string peerRowPrefix, string peerDescription, double target)
    {
        var metric = result.Workload.RatioMetric == RatioMetric.Cpu ? "CPU time" : "wall time";
        var what = $"CoopRuntime ≥ {target.ToString(CultureInfo.InvariantCulture)}× faster than {peerDescription} ({metric})";
        return result.ScriptRatio(peerRowPrefix) is { } ratio
            ? Line(what, Format.Ratio(ratio), ratio >= target)
            : $"- Target: {what} — not measured: that peer was skipped on this machine";
    }

    public static string AtMost(string what, double measured, double limit, Func<double, string> format) =>
        Line($"{what} ≤ {format(limit)}", format(measured), measured <= limit);

    private static string Line(string target, string measured, bool met) =>
        $"- Target: {target} — measured {measured} — **{(met ? "met" : "MISSED")}**";
}
