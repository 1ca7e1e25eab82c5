namespace CoopRuntime;

/// <summary>
/// The source of time for an <see cref="EventLoop"/>: a monotonic reading that only moves forward.
/// </summary>
/// <remarks>
/// The loop reads every deadline from its clock, never from <see cref="DateTime"/> or <see cref="System.Diagnostics.Stopwatch"/>,
/// so replacing the clock with a <see cref="VirtualClock"/> makes time-based code run instantly and
/// deterministically. Implementations are read from the loop thread; <see cref="Now"/> must never go backwards.
/// </remarks>
public interface IClock
{
    /// <summary>The current reading. Its zero point is arbitrary; only differences between readings mean anything.</summary>
    TimeSpan Now { get; }
}
