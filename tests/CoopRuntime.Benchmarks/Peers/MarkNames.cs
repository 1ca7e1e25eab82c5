namespace CoopRuntime.Benchmarks.Peers;

/// <summary>
/// Probe mark names, as constants: building them with string interpolation inside a measured window would count the
/// strings as the runtime's allocations.
/// </summary>
internal static class MarkNames
{
    private static readonly string[] BurstStart = ["burst0.start", "burst1.start", "burst2.start"];
    private static readonly string[] BurstParked = ["burst0.parked", "burst1.parked", "burst2.parked"];

    public const string FirstStart = "n.start";
    public const string FirstEnd = "n.end";
    public const string DoubleStart = "2n.start";
    public const string DoubleEnd = "2n.end";

    /// <summary>Just before burst <paramref name="burst"/> spawns its first task.</summary>
    public static string Start(int burst) => BurstStart[burst];

    /// <summary>Once every task of burst <paramref name="burst"/> has started and is waiting on the gate.</summary>
    public static string Parked(int burst) => BurstParked[burst];
}
