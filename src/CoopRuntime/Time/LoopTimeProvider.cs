namespace CoopRuntime;

/// <summary>
/// <see cref="TimeProvider"/> on a loop's clock; see <see cref="EventLoop.TimeProvider"/>.
/// </summary>
/// <remarks>
/// Timestamps are the loop clock's ticks (frequency 10 MHz). UTC time is an anchor plus elapsed loop time: for a
/// <see cref="VirtualClock"/> the anchor is its <see cref="VirtualClock.UtcEpoch"/> at reading zero, so wall time is
/// reproducible; for a real clock it is the system's UTC time when the provider was first used. Timers are loop
/// timers: their callbacks run on the loop thread.
/// </remarks>
internal sealed class LoopTimeProvider : TimeProvider
{
    private readonly EventLoop _loop;
    private readonly DateTimeOffset _utcAnchor;
    private readonly TimeSpan _clockAnchor;

    public LoopTimeProvider(EventLoop loop)
    {
        _loop = loop;
        if (loop.Clock is VirtualClock virtualClock)
        {
            _utcAnchor = virtualClock.UtcEpoch;
            _clockAnchor = TimeSpan.Zero;
        }
        else
        {
            _utcAnchor = System.GetUtcNow();
            _clockAnchor = loop.Now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _loop.Now.Ticks;

    public override DateTimeOffset GetUtcNow() => _utcAnchor + (_loop.Now - _clockAnchor);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        LoopTimer.ValidateInterval(dueTime, nameof(dueTime));
        LoopTimer.ValidateInterval(period, nameof(period));
        return new LoopTimer(_loop, callback, state, dueTime, period);
    }
}
