using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Tasks.Sources;

namespace CoopRuntime;

/// <summary>
/// The runtime's one way to park a continuation: the state machine behind every pooled
/// <see cref="IValueTaskSource{TResult}"/> the loop hands out (sleeps, lock and semaphore waits, queue reads...).
/// Embed it in a pooled class, forward the <see cref="IValueTaskSource{TResult}"/> members to it, and complete it from
/// the loop thread.
/// </summary>
/// <remarks>
/// <para>Contract:</para>
/// <list type="bullet">
/// <item>The awaiting code is resumed exactly once, on the loop thread: <see cref="ResumeInline"/> runs it right
/// away (for callers that are themselves the loop's dispatch, like a timer firing), <see cref="ResumeScheduled"/>
/// queues it for the next iteration (for callers inside user code, like <c>Release</c>, which must never run
/// other code re-entrantly).</item>
/// <item>Exactly one of <see cref="TrySetResult"/>, <see cref="TrySetException"/>, <see cref="TrySetCanceled"/>
/// succeeds per use; the owner then calls one of the resume methods.</item>
/// <item><see cref="Version"/> is the <see cref="ValueTask"/> token. <see cref="GetResult"/> checks it and bumps it,
/// so a second await of the same <see cref="ValueTask"/> fails with a clear message instead of reading someone
/// else's result. <see cref="GetResult"/> hands the owner back to its pool only after the outcome was read (the
/// "available" state is written back after the result is read, as in System.Threading.Channels' AsyncOperation).</item>
/// <item>Only the loop thread touches the core.</item>
/// </list>
/// </remarks>
/// <typeparam name="TResult">The result type; use <see cref="bool"/> for operations without one.</typeparam>
internal struct LoopOperationCore<TResult>
{
    private const int Pending = 0;
    private const int Succeeded = 1;
    private const int Faulted = 2;
    private const int Canceled = 3;

    private Action<object?>? _continuation;
    private object? _continuationState;
    private SynchronizationContext? _foreignContext;
    private ExecutionContext? _executionContext;
    private ExceptionDispatchInfo? _error;
    private CancellationToken _canceledBy;
    private TResult? _result;
    private short _version;
    private int _status;

    /// <summary>The token of the <see cref="ValueTask"/> for the current use.</summary>
    public readonly short Version => _version;

    /// <summary>True until a result, an error or a cancellation is set.</summary>
    public readonly bool IsPending => _status == Pending;

    /// <summary>The parked continuation and its state, for diagnostics that name what a completion resumes.</summary>
    public readonly void GetContinuation(out object? continuation, out object? state)
    {
        continuation = _continuation;
        state = _continuationState;
    }


    /// <summary>Readies the core for a new use (the <see cref="Version"/> already moved on in <see cref="GetResult"/>).</summary>
    public void Reset()
    {
        Debug.Assert(_continuation is null, "A core must not be reset while an awaiter is parked on it.");
        _status = Pending;
        _result = default;
        _error = null;
        _canceledBy = default;
    }

    public bool TrySetResult(TResult result)
    {
        if (_status != Pending)
        {
            return false;
        }

        _result = result;
        _status = Succeeded;
        return true;
    }

    public bool TrySetException(Exception error)
    {
        if (_status != Pending)
        {
            return false;
        }

        _error = ExceptionDispatchInfo.Capture(error);
        _status = Faulted;
        return true;
    }

    public bool TrySetCanceled(CancellationToken cancellationToken)
    {
        if (_status != Pending)
        {
            return false;
        }

        _canceledBy = cancellationToken;
        _status = Canceled;
        return true;
    }

    /// <summary>Resumes the parked awaiter now. Call only from the loop's dispatch, never from inside user code.</summary>
    public void ResumeInline()
    {
        if (TakeContinuation(out var continuation, out var state))
        {
            Invoke(continuation, state);
        }
    }

    /// <summary>Queues the parked awaiter to resume on the next iteration, after everything already scheduled.</summary>
    public void ResumeScheduled(EventLoop loop)
    {
        if (TakeContinuation(out var continuation, out var state))
        {
            if (_foreignContext is null && _executionContext is null)
            {
                loop.ScheduleLocal(WorkItem.From(continuation, state));
            }
            else
            {
                var foreign = _foreignContext;
                var executionContext = _executionContext;
                _foreignContext = null;
                _executionContext = null;
                loop.ScheduleLocal(WorkItem.From(
                    static parked => InvokeIn(parked.Foreign, parked.ExecutionContext, parked.Continuation, parked.State),
                    new ParkedContinuation(continuation, state, foreign, executionContext)));
            }
        }
    }

    public readonly ValueTaskSourceStatus GetStatus(short token)
    {
        VerifyToken(token);
        return _status switch
        {
            Pending => ValueTaskSourceStatus.Pending,
            Succeeded => ValueTaskSourceStatus.Succeeded,
            Faulted => ValueTaskSourceStatus.Faulted,
            _ => ValueTaskSourceStatus.Canceled,
        };
    }

    public void OnCompleted(EventLoop loop, Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        VerifyToken(token);
        if (_continuation is not null)
        {
            throw new InvalidOperationException(
                "A ValueTask from the event loop is being awaited twice at once. Await it once, or call AsTask() first.");
        }

        if ((flags & ValueTaskSourceOnCompletedFlags.UseSchedulingContext) != 0 &&
            SynchronizationContext.Current is { } context && context != loop.SynchronizationContext &&
            context.GetType() != typeof(SynchronizationContext))
        {
            // Someone installed their own context on the loop thread; honour it as the BCL would.
            _foreignContext = context;
        }

        if ((flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0)
        {
            _executionContext = ExecutionContext.Capture();
        }

        _continuation = continuation;
        _continuationState = state;
        if (_status != Pending)
        {
            // Completed between the awaiter's IsCompleted check and now.
            ResumeScheduled(loop);
        }
    }

    /// <summary>
    /// Reads the outcome once, moving <see cref="Version"/> on so that a second read is detected, and hands the
    /// owner back to its pool (<paramref name="owner"/>) before returning or throwing.
    /// </summary>
    public TResult GetResult(short token, IPooledOperation owner)
    {
        VerifyToken(token);
        var status = _status;
        if (status == Pending)
        {
            throw new InvalidOperationException(
                "The result of a ValueTask from the event loop was read before it completed. Await it instead.");
        }

        _version++;
        var result = _result;
        var error = _error;
        var canceledBy = _canceledBy;
        owner.Recycle();
        switch (status)
        {
            case Faulted:
                error!.Throw();
                break;
            case Canceled:
                throw new OperationCanceledException(canceledBy);
        }

        return result!;
    }

    private bool TakeContinuation(out Action<object?> continuation, out object? state)
    {
        if (_continuation is null)
        {
            continuation = null!;
            state = null;
            return false;
        }

        continuation = _continuation;
        state = _continuationState;
        _continuation = null;
        _continuationState = null;
        return true;
    }

    private void Invoke(Action<object?> continuation, object? state)
    {
        if (_foreignContext is null && _executionContext is null)
        {
            continuation(state);
            return;
        }

        var foreign = _foreignContext;
        var executionContext = _executionContext;
        _foreignContext = null;
        _executionContext = null;
        InvokeIn(foreign, executionContext, continuation, state);
    }

    private static void InvokeIn(SynchronizationContext? foreign, ExecutionContext? executionContext, Action<object?> continuation, object? state)
    {
        var parked = new ParkedContinuation(continuation, state, null, executionContext);
        if (foreign is not null)
        {
            foreign.Post(static p => ((ParkedContinuation)p!).Run(), parked);
        }
        else
        {
            parked.Run();
        }
    }

    private readonly void VerifyToken(short token)
    {
        if (token != _version)
        {
            throw new InvalidOperationException(
                "This ValueTask from the event loop was already awaited, and its operation has been reused. A ValueTask may be " +
                "awaited once; call AsTask() to await it more than once.");
        }
    }

    /// <summary>A continuation that must run in a captured context (the rare path, so it may allocate).</summary>
    private sealed record ParkedContinuation(
        Action<object?> Continuation,
        object? State,
        SynchronizationContext? Foreign,
        ExecutionContext? ExecutionContext) : IContinuationHolder
    {
        public void GetContinuation(out object? continuation, out object? state)
        {
            continuation = Continuation;
            state = State;
        }

        public void Run()
        {
            if (ExecutionContext is null)
            {
                Continuation(State);
            }
            else
            {
                ExecutionContext.Run(ExecutionContext, static p => { var self = (ParkedContinuation)p!; self.Continuation(self.State); }, this);
            }
        }
    }
}
