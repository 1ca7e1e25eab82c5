namespace CoopRuntime.Benchmarks.OutOfProcess;

/// <summary>One out-of-process peer: a runtime that runs the workload scripts, and whether this machine has it.</summary>
/// <param name="Name">The runtime's name in the tables ("Node.js", "asyncio", "uvloop").</param>
/// <param name="Language">Which script it runs.</param>
/// <param name="FileName">The interpreter to start.</param>
/// <param name="Arguments">Everything before the workload's own arguments: interpreter flags, the script, script flags.</param>
/// <param name="Version">What the machine line prints, e.g. "Node.js v20.20.2".</param>
/// <param name="WarmUpRuns">Unmeasured runs before the measured one in the same process (full sizes only).</param>
/// <param name="MissingReason">Why this peer cannot run here, or null.</param>
internal sealed record ScriptRuntime(
    string Name,
    ScriptLanguage Language,
    string FileName,
    IReadOnlyList<string> Arguments,
    string Version,
    int WarmUpRuns,
    string? MissingReason);
