namespace Showdown.Cpu;

/// <summary>The CPU-bound modes' names, shared by the modes, the report's reading and the smoke test's expectations.</summary>
internal static class CpuModeNames
{
    public const string Sequential = "sequential";
    public const string Coroutines = "coroutines on one loop";
    public const string Threads = "threads (Parallel.For)";
    public const string Processes = "processes (ProcessPool)";
}
