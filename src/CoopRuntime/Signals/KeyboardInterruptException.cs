namespace CoopRuntime;

/// <summary>
/// Thrown by <see cref="EventLoop.Run(Func{CancellationToken, Task}, EventLoopOptions?)"/> and the other static
/// <c>Run</c> overloads when Ctrl+C (SIGINT) interrupted the program: main was cancelled, the loop shut down cleanly
/// (finally blocks ran, spawned tasks were cancelled and awaited), and this reports the interruption to the host,
/// like Python's <c>KeyboardInterrupt</c> from <c>asyncio.run</c>.
/// </summary>
/// <remarks>
/// Catch it in <c>Main</c> and return <see cref="ExitCode"/> (130, the shell's code for a process ended by SIGINT):
/// <code>
/// try { EventLoop.Run(ct => ServeAsync(ct)); return 0; }
/// catch (KeyboardInterruptException interrupted) { return interrupted.ExitCode; }
/// </code>
/// It is an <see cref="OperationCanceledException"/>, so code that treats cancellation as a normal ending keeps working.
/// </remarks>
public sealed class KeyboardInterruptException : OperationCanceledException
{
    internal KeyboardInterruptException(CancellationToken token, Exception? innerException)
        : base(
            "Ctrl+C (SIGINT) interrupted the program: main was cancelled and the loop shut down. " +
            "Catch KeyboardInterruptException in Main and return its ExitCode (130) to exit the conventional way.",
            innerException,
            token)
    {
    }

    /// <summary>The conventional exit code of a program interrupted by SIGINT: 128 + 2 = 130.</summary>
    public int ExitCode => 130;
}
