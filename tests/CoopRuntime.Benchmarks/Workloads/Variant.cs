using CoopRuntime.Benchmarks.Compare;

namespace CoopRuntime.Benchmarks.Workloads;

/// <summary>One way to run a workload: a runtime (and, where it matters, a style of code on it).</summary>
/// <param name="Name">The row's name in the table.</param>
/// <param name="Run">Runs the whole workload once, on a fresh runtime unless the workload says otherwise.</param>
/// <param name="IsBaseline">The CoopRuntime row the ratio column divides by.</param>
internal sealed record Variant(string Name, Action<Probe> Run, bool IsBaseline = false);
