using System.Runtime.CompilerServices;

namespace CoopRuntime;

/// <summary>
/// What <see cref="EventLoop.SwitchTo"/> returns: awaiting it continues the awaiting code on that loop's thread.
/// </summary>
public readonly struct SwitchToAwaitable
{
    private readonly EventLoop _loop;

    internal SwitchToAwaitable(EventLoop loop) => _loop = loop;

    /// <summary>Gets the awaiter.</summary>
    /// <returns>An awaiter that completes at once on the loop's own thread and otherwise posts to the loop.</returns>
    public Awaiter GetAwaiter() => new(_loop);

    /// <summary>The awaiter of <see cref="SwitchToAwaitable"/>.</summary>
    public readonly struct Awaiter : ICriticalNotifyCompletion
    {
        private readonly EventLoop _loop;

        internal Awaiter(EventLoop loop) => _loop = loop;

        /// <summary>True when the caller already runs on the loop; then the await does not suspend.</summary>
        /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
        public bool IsCompleted
        {
            get
            {
                // Checked here, inside the awaiting method, so the error reaches its task instead of the thread pool.
                if (_loop.IsClosed)
                {
                    EventLoop.ThrowClosed();
                }

                return EventLoop.Current == _loop;
            }
        }

        /// <summary>Ends the await.</summary>
        /// <exception cref="ObjectDisposedException">The loop closed before the continuation could be posted to it.</exception>
        public void GetResult()
        {
            if (EventLoop.Current != _loop)
            {
                EventLoop.ThrowClosed();
            }
        }

        /// <summary>Posts <paramref name="continuation"/> to the loop, flowing the execution context.</summary>
        /// <param name="continuation">The code after the await.</param>
        public void OnCompleted(Action continuation)
        {
            ArgumentNullException.ThrowIfNull(continuation);
            var context = ExecutionContext.Capture();
            if (context is null)
            {
                UnsafeOnCompleted(continuation);
                return;
            }

            Post(_loop, () => ExecutionContext.Run(context, static c => ((Action)c!)(), continuation), continuation);
        }

        /// <summary>Posts <paramref name="continuation"/> to the loop (the async method builder flows the context itself).</summary>
        /// <param name="continuation">The code after the await.</param>
        public void UnsafeOnCompleted(Action continuation)
        {
            ArgumentNullException.ThrowIfNull(continuation);
            Post(_loop, continuation, continuation);
        }

        private static void Post(EventLoop loop, Action onLoop, Action continuation)
        {
            if (!loop.TryScheduleFromAnyThread(WorkItem.From(onLoop)))
            {
                // The loop closed after IsCompleted looked. Resume on the thread pool; GetResult sees that it is not
                // on the loop and throws ObjectDisposedException into the awaiting method.
                ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);
            }
        }
    }
}
