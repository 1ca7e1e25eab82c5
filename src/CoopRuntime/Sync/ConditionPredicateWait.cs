using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace CoopRuntime;

/// <summary>
/// The pooled operation behind <see cref="AsyncCondition.WaitForAsync"/>: it waits on the condition, re-checks the
/// predicate each time the wait returns (holding the lock again), and completes when the predicate holds or the
/// wait throws. Hand-written rather than an <c>async</c> method so that a suspended <c>WaitForAsync</c> allocates
/// nothing, however many are suspended at once.
/// </summary>
/// <remarks>
/// <para>The inner waits are ordinary condition waits, parked through <see cref="Waiter{T}"/>. Their completions
/// arrive from the loop's dispatch (a scheduled grant), so this operation resumes the awaiting code inline there.</para>
/// <para>Only the loop thread touches it.</para>
/// </remarks>
[DebuggerDisplay("WaitForAsync pending = {IsPending}")]
internal sealed class ConditionPredicateWait : IValueTaskSource, IPooledOperation
{
    private readonly AsyncCondition _condition;
    private readonly EventLoop _loop;
    private readonly Action _onWaitCompleted;
    private LoopOperationCore<bool> _core;
    private Func<bool>? _predicate;
    private CancellationToken _cancellationToken;
    private ConfiguredValueTaskAwaitable.ConfiguredValueTaskAwaiter _wait;

    public ConditionPredicateWait(AsyncCondition condition, EventLoop loop)
    {
        _condition = condition;
        _loop = loop;
        _onWaitCompleted = OnWaitCompleted;
    }

    private bool IsPending => _core.IsPending;

    /// <summary>Starts waiting; the caller holds the lock and has seen the predicate return false.</summary>
    public ValueTask Start(Func<bool> predicate, CancellationToken cancellationToken)
    {
        _core.Reset();
        _predicate = predicate;
        _cancellationToken = cancellationToken;
        WaitUntilTrue();
        return new ValueTask(this, _core.Version);
    }

    private void WaitUntilTrue()
    {
        do
        {
            _wait = _condition.WaitAsync(_cancellationToken).ConfigureAwait(false).GetAwaiter();
            if (!_wait.IsCompleted)
            {
                // Resumed through the waiter's scheduled continuation, on the loop; the flags carry no context.
                _wait.UnsafeOnCompleted(_onWaitCompleted);
                return;
            }
        }
        while (CheckAgain());
    }

    private void OnWaitCompleted()
    {
        if (CheckAgain())
        {
            WaitUntilTrue();
        }
    }

    // Reads the finished wait and re-checks the predicate. Returns true to wait again; otherwise completes.
    private bool CheckAgain()
    {
        var wait = _wait;
        _wait = default;
        try
        {
            wait.GetResult();
            if (!_predicate!())
            {
                return true;
            }

            _core.TrySetResult(true);
        }
        catch (OperationCanceledException canceled) when (canceled.CancellationToken == _cancellationToken)
        {
            _core.TrySetCanceled(_cancellationToken);
        }
        catch (Exception error)
        {
            _core.TrySetException(error);
        }

        // From the dispatch (the awaiting code registered its continuation) or from Start (nothing registered yet).
        _core.ResumeInline();
        return false;
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(_loop, continuation, state, token, flags);

    public void GetResult(short token) => _core.GetResult(token, this);

    void IPooledOperation.Recycle()
    {
        _predicate = null;
        _cancellationToken = default;
        _condition.ReturnPredicateWait(this);
    }
}
