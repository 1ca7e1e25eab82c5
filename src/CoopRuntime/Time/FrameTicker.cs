namespace CoopRuntime;

/// <summary>
/// The loop's fixed-rate frame clock (<see cref="EventLoopOptions.FrameRate"/>): a self-rescheduling timer that
/// counts <see cref="Frame"/> and tells its listener each time a frame begins.
/// </summary>
/// <remarks>
/// Ticks are drift-free (each deadline is the previous one plus the period), and never burst: a loop that falls
/// behind gets late ticks, one per iteration, not several at once. Under a <see cref="VirtualClock"/> the ticks are
/// exact. Only the loop thread touches a ticker.
/// </remarks>
internal sealed class FrameTicker : TimerNode
{
    private readonly EventLoop _loop;
    private readonly TimeSpan _period;
    private TimeSpan _nextTick;

    public FrameTicker(EventLoop loop, TimeSpan period)
    {
        _loop = loop;
        _period = period;
    }

    /// <summary>Ticks counted so far.</summary>
    public long Frame { get; private set; }

    /// <summary>The time between ticks.</summary>
    public TimeSpan Period => _period;

    /// <summary>Called on every tick, after <see cref="Frame"/> moved on (the coroutine layer's frame waiters).</summary>
    public Action? Ticked { get; set; }

    public void Start()
    {
        _nextTick = _loop.Now + _period;
        _loop.ScheduleTimer(this, _nextTick);
    }

    protected internal override void Fire()
    {
        Frame++;
        var now = _loop.Now;
        _nextTick += _period;
        if (_nextTick < now)
        {
            _nextTick = now;
        }

        _loop.ScheduleTimer(this, _nextTick);
        Ticked?.Invoke();
    }
}
