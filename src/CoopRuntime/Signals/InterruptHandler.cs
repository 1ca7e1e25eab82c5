using System.Runtime.InteropServices;

namespace CoopRuntime;

/// <summary>
/// Ctrl+C for the static <c>EventLoop.Run</c>: the first SIGINT cancels the token main was given (asyncio.run cancels
/// the main task); the second is left to the runtime's default action, which ends the process at once.
/// </summary>
internal sealed class InterruptHandler : IDisposable
{
    private readonly EventLoop _loop;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration _registration;
    private int _signals;

    private InterruptHandler(EventLoop loop)
    {
        _loop = loop;
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
    }

    /// <summary>Cancelled on the loop thread by the first Ctrl+C.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>True once the first Ctrl+C reached the loop. Read on the loop's thread after the run.</summary>
    public bool Interrupted { get; private set; }

    /// <summary>Installs the handler, or returns null where the platform has no SIGINT (browser, some mobile targets).</summary>
    public static InterruptHandler? TryInstall(EventLoop loop)
    {
        try
        {
            return new InterruptHandler(loop);
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    // The runtime's signal thread.
    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) > 1)
        {
            // The second Ctrl+C: the user does not want to wait for shutdown. Not cancelling lets the runtime apply
            // SIGINT's default action and end the process.
            context.Cancel = false;
            return;
        }

        context.Cancel = _loop.TryScheduleFromAnyThread(WorkItem.From(static handler => handler.InterruptOnLoop(), this));
    }

    private void InterruptOnLoop()
    {
        Interrupted = true;
        _cancellation.Cancel();
    }

    public void Dispose()
    {
        _registration.Dispose();
        _cancellation.Dispose();
    }
}
