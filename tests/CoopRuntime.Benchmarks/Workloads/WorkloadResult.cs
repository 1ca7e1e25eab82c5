using CoopRuntime.Benchmarks.Compare;
using CoopRuntime.Benchmarks.OutOfProcess;

namespace CoopRuntime.Benchmarks.Workloads;

/// <summary>Every sample of every variant of one workload (in-process and out-of-process), with the statistics the report needs.</summary>
internal sealed class WorkloadResult(
    Workload workload,
    IReadOnlyDictionary<Variant, IReadOnlyList<Sample>> samples,
    IReadOnlyList<(ScriptRow Row, IReadOnlyList<ScriptSample> Samples)> scriptSamples)
{
    public Workload Workload => workload;

    public IReadOnlyList<Sample> SamplesOf(Variant variant) => samples[variant];

    /// <summary>The out-of-process rows that ran, in the order they ran.</summary>
    public IReadOnlyList<(ScriptRow Row, IReadOnlyList<ScriptSample> Samples)> ScriptResults => scriptSamples;

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public double Median(Variant variant, Func<Sample, double> value) => Median(samples[variant].Select(value));

    public double Median(string variantName, Func<Sample, double> value) => Median(Find(variantName), value);

    public Variant Find(string variantName) => samples.Keys.Single(v => v.Name == variantName);

    /// <summary>The variant's median of <paramref name="metric"/> divided by the baseline's: 20 means CoopRuntime needed a twentieth.</summary>
    public double RatioToBaseline(Variant variant, RatioMetric metric)
    {
        var baseline = samples.Keys.Single(v => v.IsBaseline);
        var value = MetricOf(metric);
        return Median(variant, value) / Median(baseline, value);
    }

    /// <summary>The ratio in the workload's target metric.</summary>
    public double RatioToBaseline(string variantName) => RatioToBaseline(Find(variantName), workload.RatioMetric);

    public static Func<Sample, double> MetricOf(RatioMetric metric) => metric switch
    {
        RatioMetric.Cpu => s => s.Cpu.TotalMilliseconds,
        _ => s => s.Wall.TotalMilliseconds,
    };

    /// <summary>A script row's median wall or CPU time divided by its CoopRuntime counterpart's: 20 means CoopRuntime needed a twentieth.</summary>
    public double ScriptRatio(ScriptRow row, IReadOnlyList<ScriptSample> rowSamples, RatioMetric metric)
    {
        Func<ScriptSample, double> value = metric == RatioMetric.Cpu ? s => s.Cpu.TotalMilliseconds : s => s.Wall.TotalMilliseconds;
        return Median(rowSamples.Select(value)) / Median(row.Variant.Counterpart, MetricOf(metric));
    }

    /// <summary>The ratio of the first script row whose name starts with <paramref name="rowNamePrefix"/>, in the workload's target metric; null if that peer was skipped.</summary>
    public double? ScriptRatio(string rowNamePrefix)
    {
        foreach (var (row, rowSamples) in scriptSamples)
        {
            if (row.Name.StartsWith(rowNamePrefix, StringComparison.Ordinal))
            {
                return ScriptRatio(row, rowSamples, workload.RatioMetric);
            }
        }

        return null;
    }
}
