using System.Runtime.InteropServices;

namespace CoopRuntime;

/// <summary>Awaitable OS signals for code running on an <see cref="EventLoop"/>.</summary>
public static class Signals
{
    /// <summary>
    /// Waits on the current loop until the process receives <paramref name="signal"/>, for example
    /// <c>await Signals.WaitAsync(PosixSignal.SIGTERM, ct)</c> in a service that shuts down on SIGTERM. While it waits, the
    /// signal's default action is suppressed.
    /// </summary>
    /// <param name="signal">The signal; raw numbers are accepted on Unix (for example <c>(PosixSignal)10</c>, SIGUSR1 on Linux).</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns>A task that completes on the loop thread once the signal has arrived.</returns>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    /// <exception cref="PlatformNotSupportedException">The platform cannot deliver this signal.</exception>
    public static async Task WaitAsync(PosixSignal signal, CancellationToken cancellationToken = default)
    {
        var loop = EventLoop.RequireCurrent("Signals.WaitAsync");
        cancellationToken.ThrowIfCancellationRequested();
        var arrived = new TaskCompletionSource();
        using var registration = loop.AddSignalHandler(signal, () => arrived.TrySetResult());
        await arrived.Task.WaitAsync(cancellationToken);
    }
}
