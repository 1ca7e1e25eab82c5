namespace CoopRuntime;

/// <summary>
/// The timer node behind <see cref="EventLoop.CallLater(TimeSpan, Action)"/> and friends. Pooled per loop: a node
/// goes back to the pool as soon as it fires or is cancelled, and the version bump makes every
/// <see cref="TimerHandle"/> to its old scheduling inert.
/// </summary>
internal sealed class CallbackTimer : TimerNode
{
    private readonly EventLoop _loop;
    private WorkItem _work;

    public CallbackTimer(EventLoop loop) => _loop = loop;

    public EventLoop Loop => _loop;

    public void Arm(in WorkItem work) => _work = work;

    internal override void GetTarget(out object? callback, out object? state)
    {
        callback = _work.Callback;
        state = _work.State;
    }

    protected internal override void Fire()
    {
        var work = _work;
        Release();
        work.Invoke();
    }

    /// <summary>Forgets the callback and returns the node to its loop's pool.</summary>
    public void Release()
    {
        _work = default;
        _loop.ReturnCallbackTimer(this);
    }
}
