using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// The default clock: real, monotonic time from <see cref="Stopwatch"/>, starting at a large random offset.
/// </summary>
/// <remarks>
/// The random offset (between one and ten days) is deliberate, after Trio's SystemClock: code that mixes loop time
/// with <see cref="DateTime.Now"/> or <see cref="Stopwatch"/> readings produces visibly wrong numbers at once
/// instead of passing tests by accident. Use <see cref="EventLoop.TimeProvider"/> when wall-clock time is needed.
/// </remarks>
public sealed class MonotonicClock : IClock
{
    private static readonly double s_ticksPerStopwatchTick = (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency;

    private readonly long _originTimestamp = Stopwatch.GetTimestamp();
    private readonly long _offsetTicks;

    /// <summary>Creates a clock starting at a random offset between one and ten days.</summary>
    public MonotonicClock()
        : this(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(Random.Shared.Next(0, 9 * 24 * 3600)))
    {
    }

    /// <summary>Creates a clock whose first reading is <paramref name="start"/>.</summary>
    /// <param name="start">The reading at creation; must not be negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is negative.</exception>
    public MonotonicClock(TimeSpan start)
    {
        if (start < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, "A clock's start reading must be zero or positive.");
        }

        _offsetTicks = start.Ticks;
    }

    /// <inheritdoc />
    public TimeSpan Now
    {
        get
        {
            var elapsed = Stopwatch.GetTimestamp() - _originTimestamp;
            return new TimeSpan(_offsetTicks + (long)(elapsed * s_ticksPerStopwatchTick));
        }
    }
}
