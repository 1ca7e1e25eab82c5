using System.Runtime.ExceptionServices;

namespace CoopRuntime;

/// <summary>
/// One call of <see cref="EventLoop.RunOnThreadPoolAsync{T}(Func{T}, CancellationToken)"/>: it runs the work on the
/// thread pool, then posts its outcome to the loop, where the task completes. The task is this object (a
/// <see cref="TaskCompletionSource{TResult}"/>), so a call costs this object, its task and the pool's queue entry.
/// </summary>
/// <remarks>
/// Every completion happens on the loop thread: the work's outcome and the token's cancellation are both posted
/// there, and whichever runs first wins (<c>TrySet*</c>). Only if the loop closed before the outcome arrived does the
/// task complete on the pool thread; nothing on that loop can await it any more.
/// </remarks>
internal sealed class ThreadPoolWork<T> : TaskCompletionSource<T>
{
    private readonly EventLoop _loop;
    private readonly Func<T>? _function;
    private readonly Action? _action;
    private readonly CancellationToken _cancellationToken;
    private CancellationTokenRegistration _registration;
    private bool _ran;
    private T? _result;
    private ExceptionDispatchInfo? _error;

    private ThreadPoolWork(EventLoop loop, Func<T>? function, Action? action, CancellationToken cancellationToken)
    {
        _loop = loop;
        _function = function;
        _action = action;
        _cancellationToken = cancellationToken;
    }

    public static Task<T> Start(EventLoop loop, Func<T>? function, Action? action, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return System.Threading.Tasks.Task.FromCanceled<T>(cancellationToken);
        }

        var work = new ThreadPoolWork<T>(loop, function, action, cancellationToken);
        if (cancellationToken.CanBeCanceled)
        {
            work._registration = cancellationToken.UnsafeRegister(static w => ((ThreadPoolWork<T>)w!).OnCancelRequested(), work);
        }

        // QueueUserWorkItem (not the Unsafe variant) flows the ExecutionContext, as Task.Run does.
        ThreadPool.QueueUserWorkItem(static w => w.Execute(), work, preferLocal: false);
        return work.Task;
    }

    // Thread pool.
    private void Execute()
    {
        if (!_cancellationToken.IsCancellationRequested)
        {
            _ran = true;
            try
            {
                if (_function is not null)
                {
                    _result = _function();
                }
                else
                {
                    _action!();
                }
            }
            catch (Exception exception)
            {
                _error = ExceptionDispatchInfo.Capture(exception);
            }
        }

        if (!_loop.TryScheduleFromAnyThread(WorkItem.From(static w => w.Complete(), this)))
        {
            Complete();
        }
    }

    // Loop thread (or the pool thread if the loop closed). The post above orders the writes of Execute before this read.
    private void Complete()
    {
        _registration.Dispose();
        if (!_ran)
        {
            TrySetCanceled(_cancellationToken);
        }
        else if (_error?.SourceException is OperationCanceledException canceled)
        {
            // As Task.Run does: work that gave up through cancellation ends cancelled, not faulted.
            TrySetCanceled(canceled.CancellationToken);
        }
        else if (_error is not null)
        {
            TrySetException(_error.SourceException);
        }
        else
        {
            TrySetResult(_result!);
        }
    }

    // Any thread (whoever cancelled the token): hop to the loop, where completions happen.
    private void OnCancelRequested()
    {
        if (!_loop.TryScheduleFromAnyThread(WorkItem.From(static w => w.TrySetCanceled(w._cancellationToken), this)))
        {
            TrySetCanceled(_cancellationToken);
        }
    }
}
