using CoopRuntime.Benchmarks.Compare;

namespace CoopRuntime.Benchmarks.Workloads;

/// <summary>A workload-specific column: a value computed from each sample (its median is shown).</summary>
internal sealed record ExtraColumn(string Header, Func<Sample, double> Value, Func<double, string> Format)
{
    /// <summary>Bytes allocated between two probe marks, divided by <paramref name="divisor"/>.</summary>
    public static ExtraColumn BytesBetween(string header, string from, string to, long divisor) =>
        new(header, sample => (double)sample.BytesBetween(from, to) / divisor, Compare.Format.BytesPerOp);
}
