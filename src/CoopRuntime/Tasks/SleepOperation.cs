using System.Diagnostics;
using System.Threading.Tasks.Sources;

namespace CoopRuntime;

/// <summary>
/// The pooled operation behind <see cref="EventLoop.Sleep(TimeSpan, CancellationToken)"/>: a timer node that is
/// also the <see cref="IValueTaskSource"/> of the returned <see cref="ValueTask"/>.
/// </summary>
/// <remarks>
/// <para>This is the runtime's one way to park a continuation until a loop event: it is resumed exactly once, on the
/// loop thread (by the timer or by cancellation, whichever comes first), and the cancellation callback's work runs
/// at most once. Both completions run from the loop's dispatch, never re-entrantly inside <c>Cancel()</c>.</para>
/// <para>Pooling follows System.Threading.Channels' AsyncOperation: <see cref="_version"/> is the ValueTask token; it
/// changes when the result is read, so a second await of the same ValueTask is detected and reported, and the
/// object goes back to the pool only after its result was read.</para>
/// <para>If the token's callback may still be in flight when the timer wins (<c>Unregister</c> returned false),
/// the operation is not returned to the pool: its late cancel item must never meet a reused operation.</para>
/// </remarks>
[DebuggerDisplay("Sleep until {Deadline}: {_status}")]
internal sealed class SleepOperation : TimerNode, IValueTaskSource
{
    private const int Pending = 0;
    private const int Succeeded = 1;
    private const int Canceled = 2;

    private readonly EventLoop _loop;
    private short _version;
    private int _status;
    private Action<object?>? _continuation;
    private object? _continuationState;
    private SynchronizationContext? _foreignContext;
    private ExecutionContext? _executionContext;
    private CancellationToken _cancellationToken;
    private CancellationTokenRegistration _registration;
    private bool _mayHaveCancelInFlight;

    public SleepOperation(EventLoop loop) => _loop = loop;

    public short ValueTaskToken => _version;

    /// <summary>Arms a fresh (or recycled) operation: schedule the timer unless the sleep is infinite, hook the token.</summary>
    public void Start(TimeSpan? deadline, CancellationToken cancellationToken)
    {
        _status = Pending;
        _cancellationToken = cancellationToken;
        if (deadline is { } due)
        {
            _loop.ScheduleTimer(this, due);
        }

        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static self => ((SleepOperation)self!).OnCancelRequested(), this);
        }
    }

    protected internal override void Fire()
    {
        if (_status != Pending)
        {
            return;
        }

        if (_cancellationToken.CanBeCanceled && !_registration.Unregister())
        {
            _mayHaveCancelInFlight = true;
        }

        Complete(Succeeded);
    }

    // Runs on whatever thread cancelled the token, possibly the loop thread inside Cancel(): hop to the dispatch.
    private void OnCancelRequested() =>
        _loop.TryScheduleFromAnyThread(WorkItem.From(static self => self.CancelOnLoop(), this));

    private void CancelOnLoop()
    {
        if (_status != Pending)
        {
            return;
        }

        _loop.CancelTimer(this);
        Complete(Canceled);
    }

    private void Complete(int status)
    {
        _status = status;
        var continuation = _continuation;
        if (continuation is null)
        {
            return;
        }

        var state = _continuationState;
        _continuation = null;
        _continuationState = null;
        if (_foreignContext is { } foreign)
        {
            _foreignContext = null;
            foreign.Post(static s => { var (c, st) = ((Action<object?>, object?))s!; c(st); }, (continuation, state));
        }
        else if (_executionContext is { } executionContext)
        {
            _executionContext = null;
            ExecutionContext.Run(executionContext, static s => { var (c, st) = ((Action<object?>, object?))s!; c(st); }, (continuation, state));
        }
        else
        {
            // We are in the loop's dispatch (a timer pass or a cancel item): resume the awaiting code inline.
            continuation(state);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token)
    {
        VerifyToken(token);
        return _status switch
        {
            Pending => ValueTaskSourceStatus.Pending,
            Succeeded => ValueTaskSourceStatus.Succeeded,
            _ => ValueTaskSourceStatus.Canceled,
        };
    }

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        VerifyToken(token);
        if (_continuation is not null)
        {
            throw new InvalidOperationException("A ValueTask from EventLoop.Sleep was awaited twice at once. Await it once, or call AsTask() first.");
        }

        if ((flags & ValueTaskSourceOnCompletedFlags.UseSchedulingContext) != 0 &&
            SynchronizationContext.Current is { } context && context != _loop.SynchronizationContext &&
            context.GetType() != typeof(SynchronizationContext))
        {
            _foreignContext = context;
        }

        if ((flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0)
        {
            _executionContext = ExecutionContext.Capture();
        }

        if (_status != Pending)
        {
            // Completed between the awaiter's IsCompleted check and now; resume on the next iteration.
            _continuation = continuation;
            _continuationState = state;
            _loop.ScheduleFromAnyThread(WorkItem.From(static self => self.Complete(self._status), this));
            return;
        }

        _continuation = continuation;
        _continuationState = state;
    }

    public void GetResult(short token)
    {
        VerifyToken(token);
        var status = _status;
        if (status == Pending)
        {
            throw new InvalidOperationException("The ValueTask from EventLoop.Sleep was read before it completed. Await it instead of reading its result.");
        }

        var cancellationToken = _cancellationToken;
        _version++;
        _cancellationToken = default;
        _registration = default;
        if (!_mayHaveCancelInFlight)
        {
            _loop.ReturnSleepOperation(this);
        }

        if (status == Canceled)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private void VerifyToken(short token)
    {
        if (token != _version)
        {
            ThrowAwaitedTwice();
        }
    }

    private static void ThrowAwaitedTwice() =>
        throw new InvalidOperationException(
            "The ValueTask returned by EventLoop.Sleep was already awaited. A ValueTask may be awaited once; call AsTask() to await it more than once.");
}
