using System.Diagnostics;
using System.Threading.Tasks.Sources;

namespace CoopRuntime;

/// <summary>
/// The pooled operation behind <see cref="EventLoop.Sleep(TimeSpan, CancellationToken)"/>: a timer node that is
/// also the <see cref="IValueTaskSource"/> of the returned <see cref="ValueTask"/>, parked through
/// <see cref="LoopOperationCore{TResult}"/>.
/// </summary>
/// <remarks>
/// <para>It completes on the loop thread by the timer or by cancellation, whichever comes first, and resumes the
/// awaiting code inline: both paths are the loop's dispatch (a timer pass, or the cancel item that the token's
/// callback posts), never user code such as <c>Cancel()</c>.</para>
/// <para>If the token's callback may still be in flight when the timer wins (<c>Unregister</c> returned false),
/// the operation is not returned to the pool: its late cancel item must never meet a reused operation.</para>
/// </remarks>
[DebuggerDisplay("Sleep until {Deadline}, pending = {IsPending}")]
internal sealed class SleepOperation : TimerNode, IValueTaskSource, IPooledOperation
{
    private readonly EventLoop _loop;
    private LoopOperationCore<bool> _core;
    private CancellationTokenRegistration _registration;
    private bool _mayHaveCancelInFlight;

    public SleepOperation(EventLoop loop) => _loop = loop;

    private bool IsPending => _core.IsPending;

    /// <summary>Arms the operation: schedules the timer unless the sleep is infinite, and hooks the token.</summary>
    public ValueTask Start(TimeSpan? deadline, CancellationToken cancellationToken)
    {
        _core.Reset();
        if (deadline is { } due)
        {
            _loop.ScheduleTimer(this, due);
        }

        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static self => ((SleepOperation)self!).OnCancelRequested(), this);
        }

        return new ValueTask(this, _core.Version);
    }

    internal override void GetTarget(out object? callback, out object? state) => _core.GetContinuation(out callback, out state);

    protected internal override void Fire()
    {
        if (!_core.IsPending)
        {
            return;
        }

        if (_registration.Token.CanBeCanceled && !_registration.Unregister())
        {
            _mayHaveCancelInFlight = true;
        }

        _core.TrySetResult(true);
        _core.ResumeInline();
    }

    // Runs on whatever thread cancelled the token, possibly the loop thread inside Cancel(): hop to the dispatch.
    private void OnCancelRequested() =>
        _loop.TryScheduleFromAnyThread(WorkItem.From(static self => self.CancelOnLoop(), this));

    private void CancelOnLoop()
    {
        if (!_core.TrySetCanceled(_registration.Token))
        {
            return; // the timer won
        }

        _loop.CancelTimer(this);
        _core.ResumeInline();
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(_loop, continuation, state, token, flags);

    public void GetResult(short token) => _core.GetResult(token, this);

    void IPooledOperation.Recycle()
    {
        _registration = default;
        if (!_mayHaveCancelInFlight)
        {
            _loop.ReturnSleepOperation(this);
        }
    }
}
