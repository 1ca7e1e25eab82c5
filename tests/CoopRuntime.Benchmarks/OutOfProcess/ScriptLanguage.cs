namespace CoopRuntime.Benchmarks.OutOfProcess;

/// <summary>Which workload script a runtime runs: Peers/Node/workloads.js or Peers/Python/workloads.py (asyncio and uvloop share it).</summary>
internal enum ScriptLanguage
{
    Node,
    Python,
}
