using System.Diagnostics;
using System.Threading.Tasks.Sources;

namespace CoopRuntime;

/// <summary>What <see cref="EpollSocket"/> needs from a parked operation, whatever its result type.</summary>
internal interface IEpollOperation
{
    /// <summary>The socket became ready for this operation's side: retry the system call.</summary>
    void OnReady();

    /// <summary>Completes the pending operation with <paramref name="error"/> (the socket is closing).</summary>
    void Abort(Exception error);
}

/// <summary>
/// One socket operation on the epoll driver (receive, send, accept, connect...), reused by its socket for every
/// call of its kind: the <see cref="IValueTaskSource{TResult}"/> behind the returned <see cref="ValueTask{TResult}"/>,
/// parked through <see cref="LoopOperationCore{TResult}"/>.
/// </summary>
/// <remarks>
/// <para>"Try the system call first, wait only on would-block": <see cref="Run"/> attempts the call at once when the
/// socket's readiness hint allows, and completes synchronously (no allocation, no await) when it succeeds. On
/// EAGAIN the operation parks on its socket; the next epoll edge for that side calls <see cref="OnReady"/>, which
/// retries the call. Completions resume the awaiting code through the ready queue (never inline inside
/// <c>epoll_wait</c>'s event processing), so they run in this iteration's batch, in event order.</para>
/// <para>Cancellation: the token's callback may run on any thread, so it only posts; the cancel item runs on the loop
/// thread and wins only if the operation is still pending. If an operation completes while a cancel item may still
/// be in flight (<c>Unregister</c> returned false), it is retired: its socket makes a fresh one for the next call,
/// so a late cancel item never meets a reused operation.</para>
/// <para>Only the loop thread touches the fields.</para>
/// </remarks>
/// <typeparam name="TResult">The operation's result; <see cref="bool"/> when it has none.</typeparam>
[DebuggerDisplay("{GetType().Name,nq}, pending = {IsPending}")]
internal abstract class EpollOperation<TResult> : IEpollOperation, IValueTaskSource<TResult>, IValueTaskSource, IPooledOperation
{
    private LoopOperationCore<TResult> _core;
    private CancellationToken _cancellationToken;
    private CancellationTokenRegistration _registration;

    protected EpollOperation(EpollSocket owner) => Owner = owner;

    protected EpollSocket Owner { get; }

    /// <summary>True once a cancel item may still arrive for a finished use; the socket then stops reusing it.</summary>
    public bool IsRetired { get; private set; }

    private bool IsPending => _core.IsPending;

    /// <summary>Which of the socket's two sides this operation waits on.</summary>
    protected abstract bool IsSendSide { get; }

    /// <summary>
    /// Makes the system call. Returns false on would-block (after clearing the socket's readiness hint), true when
    /// the operation finished, with <paramref name="error"/> set if it failed.
    /// </summary>
    protected abstract bool TryPerform(out TResult result, out Exception? error);

    /// <summary>Drops references to the caller's buffers and addresses once the operation is over.</summary>
    protected abstract void ClearArguments();

    /// <summary>Starts the operation; <paramref name="tryNow"/> false skips the first attempt (the socket is known not ready).</summary>
    public ValueTask<TResult> Run(bool tryNow, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            ClearArguments();
            return ValueTask.FromCanceled<TResult>(cancellationToken);
        }

        if (tryNow && TryPerform(out var result, out var error))
        {
            ClearArguments();
            return error is null ? new ValueTask<TResult>(result) : ValueTask.FromException<TResult>(error);
        }

        Park(cancellationToken);
        return new ValueTask<TResult>(this, _core.Version);
    }

    /// <summary>Like <see cref="Run"/>, for operations without a result.</summary>
    public ValueTask RunWithoutResult(bool tryNow, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            ClearArguments();
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (tryNow && TryPerform(out _, out var error))
        {
            ClearArguments();
            return error is null ? ValueTask.CompletedTask : ValueTask.FromException(error);
        }

        Park(cancellationToken);
        return new ValueTask(this, _core.Version);
    }

    private void Park(CancellationToken cancellationToken)
    {
        _core.Reset();
        _cancellationToken = cancellationToken;
        Owner.Park(this, IsSendSide);
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(
                static self => ((EpollOperation<TResult>)self!).OnCancelRequested(),
                this);
        }
    }

    public void OnReady()
    {
        if (TryPerform(out var result, out var error))
        {
            Finish(result, error);
        }
    }

    public void Abort(Exception error) => Finish(default!, error);

    private void Finish(TResult result, Exception? error)
    {
        Owner.Unpark(IsSendSide);
        ClearArguments();
        if (_cancellationToken.CanBeCanceled && !_registration.Unregister())
        {
            IsRetired = true;
        }

        if (error is null)
        {
            _core.TrySetResult(result);
        }
        else
        {
            _core.TrySetException(error);
        }

        _core.ResumeScheduled(Owner.Loop);
    }

    // Runs on whatever thread cancelled the token, possibly the loop thread inside Cancel(): hop to the dispatch.
    private void OnCancelRequested() =>
        Owner.Loop.TryScheduleFromAnyThread(WorkItem.From(static (EpollOperation<TResult> self) => self.CancelOnLoop(), this));

    private void CancelOnLoop()
    {
        if (!_core.IsPending)
        {
            return; // the system call won
        }

        Owner.Unpark(IsSendSide);
        ClearArguments();
        _core.TrySetCanceled(_cancellationToken);
        _core.ResumeInline();
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(Owner.Loop, continuation, state, token, flags);

    public TResult GetResult(short token) => _core.GetResult(token, this);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token, this);

    void IPooledOperation.Recycle()
    {
        _cancellationToken = default;
        _registration = default;
    }
}
