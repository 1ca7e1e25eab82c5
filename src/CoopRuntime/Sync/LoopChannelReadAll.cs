using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace CoopRuntime;

/// <summary>
/// <c>ReadAllAsync</c> of a <see cref="LoopChannel{T}"/>: the BCL's loop (<c>while (await WaitToReadAsync())
/// while (TryRead(out item)) yield return item;</c>) written by hand, so that each item costs one loop iteration and
/// no allocation.
/// </summary>
/// <remarks>
/// The BCL's <c>ReadAllAsync</c> is a compiler-built async iterator: its <c>MoveNextAsync</c> resumes the consumer
/// through <c>SynchronizationContext.Post</c> with a new delegate, so on a loop every awaited item cost an extra
/// iteration and 64 bytes. Here the wait is the channel's own pooled waiter, and when it is granted (in the loop's
/// dispatch) this enumerator reads the item and resumes the consumer inline. The enumerable is its own first
/// enumerator; later <c>GetAsyncEnumerator</c> calls get fresh ones. Loop thread only, one <c>MoveNextAsync</c> at a
/// time, as for any async enumerator.
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
[DebuggerDisplay("ReadAllAsync of {_channel}")]
internal sealed class LoopChannelReadAll<T> : IAsyncEnumerable<T>, IAsyncEnumerator<T>, IValueTaskSource<bool>, IPooledOperation
{
    private readonly LoopChannel<T> _channel;
    private readonly CancellationToken _cancellationToken;
    private readonly Action _onWaitCompleted;
    private LoopOperationCore<bool> _core;
    private ConfiguredValueTaskAwaitable<bool>.ConfiguredValueTaskAwaiter _wait;
    private CancellationTokenSource? _linked;
    private EventLoop? _loop;
    private bool _enumeratorTaken;

    public LoopChannelReadAll(LoopChannel<T> channel, CancellationToken cancellationToken)
    {
        _channel = channel;
        _cancellationToken = cancellationToken;
        _onWaitCompleted = OnWaitCompleted;
    }

    public T Current { get; private set; } = default!;

    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        var token = _cancellationToken;
        CancellationTokenSource? linked = null;
        if (cancellationToken.CanBeCanceled && cancellationToken != token)
        {
            if (token.CanBeCanceled)
            {
                linked = CancellationTokenSource.CreateLinkedTokenSource(token, cancellationToken);
                token = linked.Token;
            }
            else
            {
                token = cancellationToken;
            }
        }

        if (!_enumeratorTaken && token == _cancellationToken)
        {
            _enumeratorTaken = true;
            return this;
        }

        return new LoopChannelReadAll<T>(_channel, token) { _enumeratorTaken = true, _linked = linked };
    }

    public ValueTask<bool> MoveNextAsync()
    {
        while (true)
        {
            if (_channel.TryRead(out var item))
            {
                Current = item;
                return new ValueTask<bool>(true);
            }

            var wait = _channel.WaitToReadAsync(_cancellationToken);
            if (!wait.IsCompleted)
            {
                _loop = EventLoop.Current;
                _core.Reset();
                _wait = wait.ConfigureAwait(false).GetAwaiter();
                _wait.UnsafeOnCompleted(_onWaitCompleted);
                return new ValueTask<bool>(this, _core.Version);
            }

            if (!wait.Result)
            {
                return new ValueTask<bool>(false); // completed and drained (a failed channel throws from Result)
            }
        }
    }

    // Runs in the loop's dispatch (the channel's waiter resumes through the ready queue), so resuming inline is safe.
    private void OnWaitCompleted()
    {
        var wait = _wait;
        _wait = default;
        try
        {
            while (true)
            {
                if (!wait.GetResult())
                {
                    _core.TrySetResult(false);
                    break;
                }

                if (_channel.TryRead(out var item))
                {
                    Current = item;
                    _core.TrySetResult(true);
                    break;
                }

                // Another reader took the item first: wait again.
                var next = _channel.WaitToReadAsync(_cancellationToken);
                if (!next.IsCompleted)
                {
                    _wait = next.ConfigureAwait(false).GetAwaiter();
                    _wait.UnsafeOnCompleted(_onWaitCompleted);
                    return;
                }

                wait = next.ConfigureAwait(false).GetAwaiter();
            }
        }
        catch (OperationCanceledException canceled)
        {
            _core.TrySetCanceled(canceled.CancellationToken);
        }
        catch (Exception error)
        {
            _core.TrySetException(error);
        }

        _core.ResumeInline();
    }

    public ValueTask DisposeAsync()
    {
        _linked?.Dispose();
        return ValueTask.CompletedTask;
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(_loop!, continuation, state, token, flags);

    public bool GetResult(short token) => _core.GetResult(token, this);

    void IPooledOperation.Recycle()
    {
    }
}
