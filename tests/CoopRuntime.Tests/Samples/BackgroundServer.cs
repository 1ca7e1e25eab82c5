using System.Net;
using System.Runtime.ExceptionServices;

namespace CoopRuntime.Tests.Samples;

/// <summary>
/// A sample server on its own loop thread, for tests whose client is an external tool (or a blocking socket) on the
/// test thread. Disposing stops the server, joins the thread, and rethrows anything the loop failed with.
/// </summary>
internal sealed class BackgroundServer : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private EventLoop? _loop;
    private Exception? _failure;

    /// <param name="serve">Runs the server: calls its first argument with the bound endpoint, then serves until the token is cancelled.</param>
    public BackgroundServer(Func<Action<EndPoint>, CancellationToken, Task> serve)
    {
        _thread = new Thread(() =>
        {
            try
            {
                EventLoop.Run(
                    () =>
                    {
                        _loop = EventLoop.Current;
                        return serve(endPoint => _listening.TrySetResult((IPEndPoint)endPoint), _stop.Token);
                    },
                    new EventLoopOptions { UnhandledException = error => _failure ??= error });
            }
            catch (Exception error)
            {
                _failure ??= error;
                _listening.TrySetException(error);
            }
        })
        {
            IsBackground = true,
            Name = "sample server loop",
        };
        _thread.Start();
        if (!_listening.Task.Wait(HangGuard))
        {
            throw new TimeoutException("The sample server did not start listening.");
        }

        EndPoint = _listening.Task.Result;
    }

    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    /// <summary>Runs <paramref name="action"/> on the server's loop thread and waits for its result.</summary>
    public T OnLoop<T>(Func<T> action)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop!.CallSoonThreadSafe(() =>
        {
            try
            {
                result.SetResult(action());
            }
            catch (Exception error)
            {
                result.SetException(error);
            }
        });
        return result.Task.WaitAsync(HangGuard).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        // Cancel on the loop thread, where the server's registrations live.
        if (_thread.IsAlive && _loop is { } loop)
        {
            try
            {
                loop.CallSoonThreadSafe(() => _stop.Cancel());
            }
            catch (InvalidOperationException)
            {
                // The loop already ended (it failed): the join below returns at once.
            }
        }

        if (!_thread.Join(HangGuard))
        {
            throw new TimeoutException("The sample server did not stop.");
        }

        _stop.Dispose();
        if (_failure is not null)
        {
            ExceptionDispatchInfo.Capture(_failure).Throw();
        }
    }
}
