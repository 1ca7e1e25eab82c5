using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace CoopRuntime;

/// <summary>
/// The <see cref="SynchronizationContext"/> an <see cref="EventLoop"/> installs on its thread while it runs, so that
/// every <c>await</c> in code the loop started resumes on the loop thread.
/// </summary>
/// <remarks>
/// <para><see cref="Post"/> is thread-safe: on the loop thread it is a plain enqueue; from other threads it goes
/// through the loop's inbox and wakes the loop. Posting to a closed loop throws <see cref="ObjectDisposedException"/>
/// instead of dropping the callback; its message names what was posted. When that is an <c>await</c> resuming after
/// the loop closed (an async method that was neither awaited nor spawned), the runtime rethrows the exception on the
/// thread pool and the process ends with that message: start such work with <see cref="EventLoop.Spawn(Func{CancellationToken, Task}, string?)"/>
/// so that shutdown cancels it and waits for it.</para>
/// <para><see cref="OperationStarted"/>/<see cref="OperationCompleted"/> count pending <c>async void</c> methods;
/// shutdown waits for them. An exception that escapes an <c>async void</c> method is posted here by the compiler's
/// builder and reaches the loop's unhandled-exception handler.</para>
/// </remarks>
public sealed class LoopSynchronizationContext : SynchronizationContext
{
    private readonly EventLoop _loop;
    private int _outstandingOperations;

    internal LoopSynchronizationContext(EventLoop loop)
    {
        _loop = loop;
        if (loop.BlockingWaitLimitMilliseconds >= 0)
        {
            // Debug mode: the runtime then routes every blocking wait on a thread where this context is current through
            // Wait below (Task.Wait, .Result, ManualResetEventSlim, Monitor.Wait, contended locks), which is where a
            // .Result deadlock on the loop thread can be caught. It costs an array per blocking wait, so only in debug mode.
            SetWaitNotificationRequired();
        }
    }

    /// <summary>The loop this context schedules onto.</summary>
    public EventLoop Loop => _loop;

    internal int OutstandingOperations => Volatile.Read(ref _outstandingOperations);

    /// <summary>Schedules <paramref name="d"/> on the loop. Thread-safe.</summary>
    /// <param name="d">The callback.</param>
    /// <param name="state">Passed to the callback.</param>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public override void Post(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (!_loop.TryScheduleFromAnyThread(WorkItem.From(d, state)))
        {
            ThrowPostedAfterClose(d, state);
        }
    }

    /// <summary>
    /// Runs <paramref name="d"/> on the loop and waits for it: inline when called on the loop thread, otherwise
    /// posted, with the caller blocked until it has run. Its exception is rethrown to the caller.
    /// </summary>
    /// <param name="d">The callback.</param>
    /// <param name="state">Passed to the callback.</param>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    /// <remarks>From another thread this blocks until the loop runs the callback: a loop that is not running, or
    /// whose thread is itself waiting for the caller, never will.</remarks>
    public override void Send(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (_loop.IsOnLoopThread)
        {
            d(state);
            return;
        }

        var request = new SendRequest(d, state);
        _loop.ScheduleFromAnyThread(WorkItem.From(static r => r.Run(), request));
        request.Done.Wait();
        request.Done.Dispose();
        request.Error?.Throw();
    }

    /// <summary>
    /// Waits for <paramref name="waitHandles"/>. Only called in debug mode (<see cref="EventLoopOptions.Debug"/>), for
    /// blocking waits on the thread where this context is current: on the loop thread, a wait that lasts longer than
    /// <see cref="EventLoopOptions.StallThreshold"/> throws an <see cref="InvalidOperationException"/> that explains the
    /// <c>.Result</c>/<c>.Wait()</c> deadlock instead of hanging forever. The loop's own wait for I/O is exempt.
    /// </summary>
    /// <param name="waitHandles">The handles to wait for.</param>
    /// <param name="waitAll">True to wait for all of them.</param>
    /// <param name="millisecondsTimeout">The caller's timeout, or <see cref="Timeout.Infinite"/>.</param>
    /// <returns>The index of the signaled handle, or <see cref="WaitHandle.WaitTimeout"/>.</returns>
    /// <exception cref="InvalidOperationException">On the loop thread in debug mode, the wait outlasted the stall threshold.</exception>
    public override int Wait(IntPtr[] waitHandles, bool waitAll, int millisecondsTimeout)
    {
        var limit = _loop.BlockingWaitLimitMilliseconds;
        if (limit < 0
            || (millisecondsTimeout != Timeout.Infinite && millisecondsTimeout <= limit)
            || !_loop.IsOnLoopThread
            || _loop.IsInDriverWait)
        {
            return WaitHelper(waitHandles, waitAll, millisecondsTimeout);
        }

        var result = WaitHelper(waitHandles, waitAll, limit);
        if (result != WaitHandle.WaitTimeout)
        {
            return result;
        }

        throw _loop.BlockingWaitError(limit);
    }

    /// <summary>Returns this instance: a loop has exactly one context, so awaiting code can compare it by reference.</summary>
    /// <returns>This context.</returns>
    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Counts an <c>async void</c> method as pending. Thread-safe.</summary>
    public override void OperationStarted() => Interlocked.Increment(ref _outstandingOperations);

    /// <summary>Counts an <c>async void</c> method as finished. Thread-safe.</summary>
    public override void OperationCompleted() => Interlocked.Decrement(ref _outstandingOperations);

    /// <remarks>
    /// Most posts come from await machinery, not from user code: then nothing catches this exception, the runtime
    /// rethrows it on the thread pool, and the process ends with this message. So it names what was posted (the async
    /// method, when it is an await continuation) and the usual cause.
    /// </remarks>
    [DoesNotReturn]
    private void ThrowPostedAfterClose(SendOrPostCallback callback, object? state) =>
        throw new ObjectDisposedException(
            nameof(EventLoop),
            $"A callback ({CallbackNames.Describe(callback, state)}) was posted to loop '{_loop.Name}' after the loop closed, so it can " +
            "never run. When this is an await resuming (AwaitTaskContinuation in the stack), an async method the loop " +
            "started was neither awaited nor spawned and outlived the loop: start such work with loop.Spawn (shutdown " +
            "cancels it and waits for it) or await it before main returns.");

    private sealed class SendRequest(SendOrPostCallback callback, object? state)
    {
        public readonly ManualResetEventSlim Done = new();
        public ExceptionDispatchInfo? Error;

        public void Run()
        {
            try
            {
                callback(state);
            }
            catch (Exception exception)
            {
                Error = ExceptionDispatchInfo.Capture(exception);
            }
            finally
            {
                Done.Set();
            }
        }
    }
}
