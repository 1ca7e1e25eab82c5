using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// A clock that moves only when told to, or, with <see cref="AutoAdvance"/> (the default), jumps straight to the
/// next timer whenever the loop has nothing else to do.
/// </summary>
/// <remarks>
/// <para>With auto-advance, an hour of <c>await EventLoop.Sleep(...)</c> finishes in microseconds and every run
/// with the same inputs takes the same steps (after Trio's MockClock with <c>autojump_threshold = 0</c>).
/// The loop jumps only when its ready queue and inbox are empty and no I/O is ready; if work on other threads
/// is still running, set <see cref="AutoAdvanceThreshold"/> to let it finish in real time before time jumps.</para>
/// <para>A clock serves at most one loop at a time. <see cref="Advance"/> may be called from any thread: it wakes
/// the loop so that timers that became due fire.</para>
/// </remarks>
[DebuggerDisplay("VirtualClock Now = {Now}, AutoAdvance = {AutoAdvance}")]
public sealed class VirtualClock : IClock
{
    private long _ticks;
    private EventLoop? _owner;

    /// <summary>Creates a clock reading zero, with auto-advance on.</summary>
    public VirtualClock()
    {
    }

    /// <summary>Creates a clock reading <paramref name="start"/>.</summary>
    /// <param name="start">The first reading; must not be negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is negative.</exception>
    public VirtualClock(TimeSpan start)
    {
        if (start < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, "A clock's start reading must be zero or positive.");
        }

        _ticks = start.Ticks;
    }

    /// <inheritdoc />
    public TimeSpan Now => new(Volatile.Read(ref _ticks));

    /// <summary>
    /// When true (the default), an idle loop moves this clock to its next timer's deadline instead of waiting.
    /// When false, time moves only through <see cref="Advance"/>.
    /// </summary>
    public bool AutoAdvance { get; init; } = true;

    /// <summary>
    /// How long, in real time, the loop must have been idle before it jumps to the next timer. Zero (the default)
    /// jumps at once; a few milliseconds let thread-pool work that the loop awaits finish first.
    /// </summary>
    public TimeSpan AutoAdvanceThreshold { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// The wall-clock time that <see cref="EventLoop.TimeProvider"/> reports when this clock reads zero.
    /// Fixed (2000-01-01 UTC) by default so that runs are reproducible.
    /// </summary>
    public DateTimeOffset UtcEpoch { get; init; } = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Moves the clock forward by <paramref name="delta"/> and wakes the loop so that due timers fire.</summary>
    /// <param name="delta">How far to move; zero is allowed, negative is not.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is negative: clocks never go back.</exception>
    public void Advance(TimeSpan delta)
    {
        if (delta < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "A clock only moves forward; pass a zero or positive TimeSpan.");
        }

        Interlocked.Add(ref _ticks, delta.Ticks);
        Volatile.Read(ref _owner)?.WakeFromAnyThread();
    }

    /// <summary>Moves the clock to <paramref name="deadline"/> if it is later than <see cref="Now"/> (the loop's auto-advance).</summary>
    internal void AdvanceTo(TimeSpan deadline)
    {
        long current;
        do
        {
            current = Volatile.Read(ref _ticks);
            if (deadline.Ticks <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _ticks, deadline.Ticks, current) != current);
    }

    internal void Attach(EventLoop loop)
    {
        if (Interlocked.CompareExchange(ref _owner, loop, null) is { } other && other != loop)
        {
            throw new ArgumentException(
                "This VirtualClock already drives another EventLoop; a clock serves one loop at a time. Create one VirtualClock per loop.",
                "options");
        }
    }

    internal void Detach(EventLoop loop) => Interlocked.CompareExchange(ref _owner, null, loop);
}
