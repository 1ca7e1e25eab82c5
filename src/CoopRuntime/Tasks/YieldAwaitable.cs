using System.Runtime.CompilerServices;

namespace CoopRuntime;

/// <summary>
/// What <see cref="EventLoop.Yield"/> returns: awaiting it resumes the caller on the loop's next iteration, after
/// everything already scheduled. Allocates nothing.
/// </summary>
public readonly struct YieldAwaitable
{
    private readonly EventLoop _loop;

    internal YieldAwaitable(EventLoop loop) => _loop = loop;

    /// <summary>Gets the awaiter.</summary>
    /// <returns>An awaiter that always suspends.</returns>
    public Awaiter GetAwaiter() => new(_loop);

    /// <summary>The awaiter of <see cref="YieldAwaitable"/>.</summary>
    public readonly struct Awaiter : ICriticalNotifyCompletion
    {
        private readonly EventLoop _loop;

        internal Awaiter(EventLoop loop) => _loop = loop;

        /// <summary>True for a default instance (an async method's awaiter field that holds no pending yield).</summary>
        internal bool IsDefault => _loop is null;

        /// <summary>Always false: yielding always suspends.</summary>
        public bool IsCompleted => false;

        /// <summary>Ends the await.</summary>
        public void GetResult()
        {
        }

        /// <summary>Schedules <paramref name="continuation"/> on the loop, flowing the execution context.</summary>
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

            _loop.ScheduleFromAnyThread(WorkItem.From(
                static state => ExecutionContext.Run(state.context, static c => ((Action)c!)(), state.continuation),
                (context, continuation)));
        }

        /// <summary>Schedules <paramref name="continuation"/> on the loop (the async method builder flows the context itself).</summary>
        /// <param name="continuation">The code after the await.</param>
        public void UnsafeOnCompleted(Action continuation) =>
            _loop.ScheduleFromAnyThread(WorkItem.From(continuation));
    }
}
