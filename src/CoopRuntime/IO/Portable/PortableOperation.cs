using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace CoopRuntime;

/// <summary>
/// Brings one of .NET's asynchronous socket operations back to the loop: the <see cref="IValueTaskSource{TResult}"/>
/// the loop's code awaits, completed on the loop thread when .NET's operation completes on its own I/O thread.
/// </summary>
/// <remarks>
/// <para>An operation that .NET completes synchronously (it tries the system call first, too) is handed back as is:
/// no hop, no allocation. Otherwise its completion callback, which runs on a .NET I/O or thread-pool thread, posts
/// one item to the loop's inbox; that item reads the result and resumes the awaiting code inline (it is the loop's
/// dispatch). One operation object per socket and kind, reused: .NET's own pooled awaitables plus this make the
/// steady state allocation-free.</para>
/// <para>Errors are translated in one place (<see cref="PortableSocket.TranslateError"/>): a closed socket reports
/// <see cref="ObjectDisposedException"/>, stream errors become <see cref="IOException"/> as on the epoll driver.</para>
/// </remarks>
/// <typeparam name="TResult">The result; <see cref="bool"/> for operations without one.</typeparam>
[DebuggerDisplay("PortableOperation<{typeof(TResult).Name,nq}>, busy = {IsBusy}")]
internal sealed class PortableOperation<TResult> : IValueTaskSource<TResult>, IValueTaskSource, IPooledOperation
{
    private readonly PortableSocket _owner;
    private readonly string _what;
    private readonly Action _onPendingCompleted;
    private LoopOperationCore<TResult> _core;
    private ConfiguredValueTaskAwaitable<TResult>.ConfiguredValueTaskAwaiter _pending;

    public PortableOperation(PortableSocket owner, string what)
    {
        _owner = owner;
        _what = what;
        _onPendingCompleted = OnPendingCompleted;
    }

    /// <summary>True from the start of an operation until its outcome is on the loop.</summary>
    public bool IsBusy { get; private set; }

    public ValueTask<TResult> Await(ValueTask<TResult> operation)
    {
        if (operation.IsCompletedSuccessfully)
        {
            return operation;
        }

        Park(operation);
        return new ValueTask<TResult>(this, _core.Version);
    }

    /// <summary>Like <see cref="Await"/>, for callers that want completion only (a send's byte count).</summary>
    public ValueTask AwaitDiscardingResult(ValueTask<TResult> operation)
    {
        if (operation.IsCompletedSuccessfully)
        {
            _ = operation.Result;
            return ValueTask.CompletedTask;
        }

        Park(operation);
        return new ValueTask(this, _core.Version);
    }

    private void Park(ValueTask<TResult> operation)
    {
        _core.Reset();
        IsBusy = true;
        _pending = operation.ConfigureAwait(false).GetAwaiter();
        _pending.UnsafeOnCompleted(_onPendingCompleted);
    }

    // On .NET's thread: hop to the loop. If the loop has closed, nobody is left to resume.
    private void OnPendingCompleted() =>
        _owner.Loop.TryScheduleFromAnyThread(WorkItem.From(static (PortableOperation<TResult> self) => self.CompleteOnLoop(), this));

    private void CompleteOnLoop()
    {
        IsBusy = false;
        try
        {
            var pending = _pending;
            _pending = default;
            _core.TrySetResult(pending.GetResult());
        }
        catch (OperationCanceledException canceled)
        {
            _core.TrySetCanceled(canceled.CancellationToken);
        }
        catch (Exception error)
        {
            _core.TrySetException(_owner.TranslateError(error, _what));
        }

        _core.ResumeInline();
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(_owner.Loop, continuation, state, token, flags);

    public TResult GetResult(short token) => _core.GetResult(token, this);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token, this);

    void IPooledOperation.Recycle()
    {
    }
}
