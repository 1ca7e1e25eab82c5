namespace CoopRuntime;

/// <summary>
/// An <see cref="ITimer"/> backed by a loop timer, created by <see cref="LoopTimeProvider.CreateTimer"/>.
/// </summary>
/// <remarks>
/// <para>The BCL calls <see cref="Change"/> and <see cref="Dispose"/> from whatever thread it is on (a token's
/// cancellation, a task continuation), so both are thread-safe: on the loop thread they act at once, elsewhere they
/// are posted to the loop, in order. As with <see cref="System.Threading.Timer"/>, a callback already due may still
/// run once after a <see cref="Dispose"/> made on another thread. Calling either on a closed loop does nothing.</para>
/// <para>The callback runs on the loop thread in the execution context captured at creation; an exception it throws
/// goes to the loop's unhandled-exception handler (a thread-pool timer would crash the process).</para>
/// </remarks>
internal sealed class LoopTimer : TimerNode, ITimer
{
    private readonly EventLoop _loop;
    private readonly TimerCallback _callback;
    private readonly object? _state;
    private readonly ExecutionContext? _executionContext;
    private TimeSpan _period = Timeout.InfiniteTimeSpan;
    private volatile bool _disposed;

    public LoopTimer(EventLoop loop, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _loop = loop;
        _callback = callback;
        _state = state;
        _executionContext = ExecutionContext.Capture();
        if (!Change(dueTime, period))
        {
            EventLoop.ThrowClosed();
        }
    }

    internal static void ValidateInterval(TimeSpan value, string parameterName)
    {
        if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "Must be zero or positive, or Timeout.InfiniteTimeSpan.");
        }
    }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        ValidateInterval(dueTime, nameof(dueTime));
        ValidateInterval(period, nameof(period));
        if (_disposed)
        {
            return false;
        }

        if (_loop.IsOnLoopThread && !_loop.IsClosed)
        {
            ChangeOnLoop(dueTime, period);
            return true;
        }

        return _loop.TryScheduleFromAnyThread(WorkItem.From(
            static request => request.Timer.ChangeOnLoop(request.DueTime, request.Period),
            new ChangeRequest(this, dueTime, period)));
    }

    private void ChangeOnLoop(TimeSpan dueTime, TimeSpan period)
    {
        if (_disposed)
        {
            return;
        }

        _loop.CancelTimer(this);
        _period = period;
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _loop.ScheduleTimer(this, _loop.DeadlineAfter(dueTime, nameof(dueTime)));
        }
    }

    internal override void GetTarget(out object? callback, out object? state)
    {
        callback = _callback;
        state = _state;
    }

    protected internal override void Fire()
    {
        if (_disposed)
        {
            return;
        }

        // Zero or infinite period: one shot, as with System.Threading.Timer.
        if (_period > TimeSpan.Zero)
        {
            _loop.ScheduleTimer(this, _loop.DeadlineAfter(_period, "period"));
        }

        if (_executionContext is null)
        {
            _callback(_state);
        }
        else
        {
            ExecutionContext.Run(_executionContext, static self => ((LoopTimer)self!)._callback(((LoopTimer)self)._state), this);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_loop.IsOnLoopThread && !_loop.IsClosed)
        {
            _loop.CancelTimer(this);
        }
        else
        {
            _loop.TryScheduleFromAnyThread(WorkItem.From(static timer => timer._loop.CancelTimer(timer), this));
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }

    private sealed record ChangeRequest(LoopTimer Timer, TimeSpan DueTime, TimeSpan Period);
}
