using CoopRuntime.Benchmarks.Workloads;

namespace CoopRuntime.Benchmarks.OutOfProcess;

/// <summary>How the workload scripts run one workload: its name and sizes on their command line, and their variants.</summary>
/// <param name="Name">The workload's name on the scripts' command line ("post-chain").</param>
/// <param name="Arguments">The sizes (or a data file) that make the scripts' run the same as the .NET variants'.</param>
/// <param name="Variants">Each script variant, for whichever runtimes run its language.</param>
/// <param name="BytesPerOperation">If the scripts report bytes per operation: the column's header, and the in-process
/// column whose value the CoopRuntime rows show in it.</param>
internal sealed record ScriptWorkload(
    string Name,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<ScriptVariant> Variants,
    ExtraColumn? BytesPerOperation = null)
{
    /// <summary>A size as the scripts read it (invariant digits, no separators).</summary>
    public static string Number(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
