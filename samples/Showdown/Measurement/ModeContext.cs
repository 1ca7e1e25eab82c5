namespace Showdown.Measurement;

/// <summary>
/// What a running mode reports besides its result: finished items (read by the progress bar from another thread),
/// CPU time spent in other processes, and a note for the table.
/// </summary>
internal sealed class ModeContext
{
    private long _completed;
    private long _childCpuTicks;

    /// <summary>Items finished so far; safe to read from any thread.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>CPU time used by child processes on this mode's behalf (Process.TotalProcessorTime sees only ours).</summary>
    public TimeSpan ChildCpuTime => TimeSpan.FromTicks(Interlocked.Read(ref _childCpuTicks));

    /// <summary>A remark for the table, such as a check that failed or what a number includes.</summary>
    public string? Note { get; set; }

    /// <summary>Counts one finished item; callable from any thread.</summary>
    public void ItemDone() => Interlocked.Increment(ref _completed);

    /// <summary>Adds CPU time measured in a child process.</summary>
    public void AddChildCpuTime(TimeSpan cpu) => Interlocked.Add(ref _childCpuTicks, cpu.Ticks);
}
