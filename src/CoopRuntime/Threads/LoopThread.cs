using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace CoopRuntime;

/// <summary>
/// An <see cref="EventLoop"/> running on a dedicated thread of its own, for programs whose main thread is not the
/// loop's (a UI, a host, a test): other threads hand it work with <see cref="InvokeAsync(Func{Task})"/> and await the
/// outcome. Disposing it stops the loop, shuts it down cleanly (spawned tasks cancelled, coroutines stopped) and
/// joins the thread.
/// </summary>
/// <remarks>
/// <para>Everything the work touches runs on the loop thread; the tasks returned to callers complete their
/// continuations asynchronously, so caller code never runs on the loop thread by accident.</para>
/// <para>With the default error handling, an unhandled exception on the loop (an <c>async void</c> that threw, a
/// spawned task nobody observed) stops the loop: invocations still in flight fail, later ones throw
/// <see cref="ObjectDisposedException"/>, and <see cref="Dispose"/> rethrows the exception. Set
/// <see cref="EventLoopOptions.UnhandledException"/> to keep the loop running instead.</para>
/// </remarks>
[DebuggerDisplay("LoopThread {Name,nq}")]
public sealed class LoopThread : IDisposable, IAsyncDisposable
{
    private readonly Thread _thread;
    private readonly EventLoop _loop;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Loop thread only (and, once the loop has closed, the same thread as it exits).
    private readonly HashSet<IInvocation> _pending = new();
    private readonly List<Exception> _errors = new();
    private int _disposeRequested;
    private int _errorsThrown;

    /// <summary>Creates the loop on a new thread and starts running it.</summary>
    /// <param name="name">The thread's name, for debuggers and error messages; null for "CoopRuntime LoopThread".</param>
    /// <param name="options">The loop's settings; null for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid (as for <see cref="EventLoop(EventLoopOptions?)"/>).</exception>
    public LoopThread(string? name = null, EventLoopOptions? options = null)
    {
        Name = name ?? "CoopRuntime LoopThread";
        EventLoop? loop = null;
        ExceptionDispatchInfo? creationError = null;
        using var created = new ManualResetEventSlim();

        // The loop is created on its own thread, so it belongs to that thread from the start: a post made before
        // RunForever begins goes through the loop's inbox, never straight into its ready queue from another thread.
        _thread = new Thread(() =>
        {
            EventLoop own;
            try
            {
                own = new EventLoop(options);
            }
            catch (Exception exception)
            {
                creationError = ExceptionDispatchInfo.Capture(exception);
                created.Set();
                return;
            }

            loop = own;
            created.Set();
            ThreadMain(own);
        })
        {
            IsBackground = true,
            Name = Name,
        };
        _thread.Start();
        created.Wait();
        creationError?.Throw();
        _loop = loop!;
    }

    /// <summary>The thread's name.</summary>
    public string Name { get; }

    /// <summary>The loop. Use its thread-safe members from other threads (<see cref="EventLoop.CallSoonThreadSafe(Action)"/>,
    /// <see cref="EventLoop.SwitchTo"/>, <see cref="EventLoop.SynchronizationContext"/>).</summary>
    public EventLoop Loop => _loop;

    /// <summary>Runs <paramref name="work"/> on the loop thread and completes when the task it returns completes. Thread-safe.</summary>
    /// <param name="work">Called on the loop thread; its awaits resume there.</param>
    /// <returns>A task with the work's outcome. If the loop shuts down before the work finishes, it is cancelled.</returns>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public Task InvokeAsync(Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Post(new Invocation<bool>(this, async () =>
        {
            await work();
            return true;
        }));
    }

    /// <summary>Runs <paramref name="work"/> on the loop thread and returns its result. Thread-safe.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="work">Called on the loop thread; its awaits resume there.</param>
    /// <returns>A task with the work's outcome. If the loop shuts down before the work finishes, it is cancelled.</returns>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public Task<T> InvokeAsync<T>(Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Post(new Invocation<T>(this, work));
    }

    /// <summary>Runs <paramref name="work"/> on the loop thread. Thread-safe.</summary>
    /// <param name="work">Called on the loop thread.</param>
    /// <returns>A task that completes once the action has run, with its exception if it threw.</returns>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public Task InvokeAsync(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Post(new Invocation<bool>(this, () =>
        {
            work();
            return Task.FromResult(true);
        }));
    }

    /// <summary>
    /// Stops the loop, shuts it down (spawned tasks cancelled and awaited, coroutines stopped), waits for the thread to
    /// end, and throws any unhandled exception the loop stopped on. Calling it again does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called from the loop's own thread, which cannot wait for itself.</exception>
    public void Dispose()
    {
        RequestStop();
        _thread.Join();
        ThrowErrorsOnce();
    }

    /// <summary>Like <see cref="Dispose"/>, waiting for the thread without blocking the caller.</summary>
    /// <returns>A task that completes once the thread has ended.</returns>
    /// <exception cref="InvalidOperationException">Called from the loop's own thread, which cannot wait for itself.</exception>
    public async ValueTask DisposeAsync()
    {
        RequestStop();
        await _finished.Task;
        ThrowErrorsOnce();
    }

    private void RequestStop()
    {
        if (EventLoop.Current == _loop)
        {
            throw new InvalidOperationException(
                $"LoopThread '{Name}' was disposed from its own loop thread, which cannot wait for itself to end. " +
                "Dispose it from another thread, or call Loop.Stop() here.");
        }

        if (Interlocked.Exchange(ref _disposeRequested, 1) == 0 && !_loop.IsClosed)
        {
            _loop.Stop();
        }
    }

    private void ThrowErrorsOnce()
    {
        if (_errors.Count == 0 || Interlocked.Exchange(ref _errorsThrown, 1) != 0)
        {
            return;
        }

        if (_errors.Count == 1)
        {
            ExceptionDispatchInfo.Throw(_errors[0]);
        }

        throw new AggregateException($"LoopThread '{Name}' stopped on more than one unhandled exception.", _errors);
    }

    private Task<T> Post<T>(Invocation<T> invocation)
    {
        _loop.CallSoonThreadSafe(static i => i.Start(), invocation);
        return invocation.Task;
    }

    private void ThreadMain(EventLoop loop)
    {
        try
        {
            try
            {
                loop.RunForever();
            }
            catch (Exception exception)
            {
                _errors.Add(exception);
            }

            try
            {
                loop.Dispose();
            }
            catch (Exception exception)
            {
                _errors.Add(exception);
            }

            // Work that never finished (it waited on something shutdown does not cancel) will never finish now.
            foreach (var invocation in _pending.ToArray())
            {
                invocation.Abandon();
            }

            _pending.Clear();
        }
        finally
        {
            _finished.TrySetResult();
        }
    }

    private interface IInvocation
    {
        void Abandon();
    }

    /// <summary>One call of InvokeAsync; the caller's task is this object's.</summary>
    private sealed class Invocation<T>(LoopThread owner, Func<Task<T>> work)
        : TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously), IInvocation
    {
        public void Start() => _ = RunAsync();

        public void Abandon() => TrySetCanceled();

        // Runs on the loop thread; its awaits resume there, so _pending is touched by the loop thread only.
        private async Task RunAsync()
        {
            owner._pending.Add(this);
            try
            {
                TrySetResult(await work());
            }
            catch (OperationCanceledException canceled)
            {
                TrySetCanceled(canceled.CancellationToken);
            }
            catch (Exception exception)
            {
                TrySetException(exception);
            }
            finally
            {
                owner._pending.Remove(this);
            }
        }
    }
}
