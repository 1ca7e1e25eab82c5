namespace CoopRuntime;

/// <summary>
/// Thrown when a loop-bound API is called from a thread other than the one that runs the loop.
/// </summary>
/// <remarks>
/// Everything a loop owns is touched by its one thread only; that is what lets the runtime go without locks.
/// The message names the thread-safe alternative (<see cref="EventLoop.CallSoonThreadSafe(Action)"/>,
/// <see cref="LoopSynchronizationContext.Post"/>, <see cref="EventLoop.TaskScheduler"/>).
/// </remarks>
public sealed class WrongThreadException : InvalidOperationException
{
    /// <summary>Creates the exception with a message that says what to use instead.</summary>
    /// <param name="message">What was called, from where, and what to call instead.</param>
    public WrongThreadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What was called, from where, and what to call instead.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public WrongThreadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
