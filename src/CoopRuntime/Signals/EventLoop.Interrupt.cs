namespace CoopRuntime;

// Ctrl+C handling for the static Run methods (see InterruptHandler), and the Run overloads whose main receives the
// token that Ctrl+C cancels.
public sealed partial class EventLoop
{
    /// <summary>
    /// Runs <paramref name="main"/> on a new loop on this thread until its task completes, then shuts the loop down and
    /// closes it, like <see cref="Run(Func{Task}, EventLoopOptions?)"/>; <paramref name="main"/> receives a token that
    /// Ctrl+C (SIGINT) cancels, so its own <c>finally</c> blocks run on Ctrl+C.
    /// </summary>
    /// <param name="main">The program. It starts on the loop thread, and its awaits resume there.</param>
    /// <param name="options">Loop settings; null for the defaults. <see cref="EventLoopOptions.HandleCtrlC"/> turns
    /// the Ctrl+C handling off.</param>
    /// <exception cref="KeyboardInterruptException">Ctrl+C cancelled main and main ended with that cancellation; the
    /// loop has shut down cleanly. Return its <see cref="KeyboardInterruptException.ExitCode"/> (130) from Main.</exception>
    /// <exception cref="InvalidOperationException">This thread already runs a loop.</exception>
    /// <remarks>The first Ctrl+C cancels main's token (Python's <c>asyncio.run</c> cancels the main task); spawned tasks
    /// are cancelled by the shutdown that follows main. A second Ctrl+C is left to the runtime's default action, which
    /// ends the process at once (exit status 130).</remarks>
    public static void Run(Func<CancellationToken, Task> main, EventLoopOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        RunProgram(options, main);
    }

    /// <summary>Like <see cref="Run(Func{CancellationToken, Task}, EventLoopOptions?)"/>, returning main's result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="main">The program; it receives a token that Ctrl+C cancels.</param>
    /// <param name="options">Loop settings; null for the defaults.</param>
    /// <returns>What <paramref name="main"/>'s task returned.</returns>
    /// <exception cref="KeyboardInterruptException">Ctrl+C cancelled main and main ended with that cancellation.</exception>
    /// <exception cref="InvalidOperationException">This thread already runs a loop.</exception>
    public static T Run<T>(Func<CancellationToken, Task<T>> main, EventLoopOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        return ((Task<T>)RunProgram(options, main)).Result;
    }

    /// <summary>
    /// The static Run methods: a new loop, Ctrl+C handling unless turned off, run until main completes, shut down,
    /// close; a cancellation that Ctrl+C caused is reported as <see cref="KeyboardInterruptException"/>.
    /// </summary>
    private static Task RunProgram(EventLoopOptions? options, Func<CancellationToken, Task> main)
    {
        var loop = new EventLoop(options);
        using var interrupt = options?.HandleCtrlC ?? true ? InterruptHandler.TryInstall(loop) : null;
        var token = interrupt?.Token ?? CancellationToken.None;
        try
        {
            return RunThenClose(loop, () => main(token));
        }
        catch (OperationCanceledException canceled) when (interrupt is { Interrupted: true })
        {
            throw new KeyboardInterruptException(token, canceled);
        }
        catch (AggregateException errors) when (interrupt is { Interrupted: true } && errors.InnerExceptions[0] is OperationCanceledException canceled)
        {
            throw new AggregateException(errors.Message, errors.InnerExceptions.Skip(1).Prepend(new KeyboardInterruptException(token, canceled)));
        }
    }

    /// <summary>
    /// Main without a token: on Ctrl+C the run stops waiting for it (its task is abandoned, so its own finally blocks
    /// do not run) and shutdown cancels everything the loop tracks.
    /// </summary>
    private static Task UntilInterrupted(Func<Task> main, CancellationToken interrupt)
    {
        var task = main() ?? throw new InvalidOperationException("The main function returned null instead of a Task.");
        return interrupt.CanBeCanceled ? task.WaitAsync(interrupt) : task;
    }

    private static Task<T> UntilInterrupted<T>(Func<Task<T>> main, CancellationToken interrupt)
    {
        var task = main() ?? throw new InvalidOperationException("The main function returned null instead of a Task.");
        return interrupt.CanBeCanceled ? task.WaitAsync(interrupt) : task;
    }
}
