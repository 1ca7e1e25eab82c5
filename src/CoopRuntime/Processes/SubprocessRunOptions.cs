namespace CoopRuntime;

/// <summary>Settings for <see cref="Subprocess.RunAsync(string, IEnumerable{string}, SubprocessRunOptions?, CancellationToken)"/>.</summary>
public sealed class SubprocessRunOptions
{
    internal static readonly SubprocessRunOptions Default = new();

    /// <summary>Text written to the process's standard input (UTF-8 unless the start info says otherwise), which is then
    /// closed. Null (the default) closes standard input at once, so the process reads end-of-file.</summary>
    public string? StandardInput { get; init; }

    /// <summary>The most bytes kept from standard output, and separately from standard error; anything past it is read
    /// and dropped (the child never blocks) and the result reports truncation. Null (the default) keeps everything.</summary>
    public long? MaxOutputBytes { get; init; }

    /// <summary>How long, in loop time, the process may run before it is killed and <see cref="TimeoutException"/> is
    /// thrown. Null or <see cref="Timeout.InfiniteTimeSpan"/> (the default) waits as long as it takes. Loop time: under an
    /// auto-advancing <see cref="VirtualClock"/> an idle loop jumps straight to the deadline, so time real processes on a
    /// real clock.</summary>
    public TimeSpan? Timeout { get; init; }
}
