using System.Runtime.InteropServices;

namespace CoopRuntime;

// OS signals delivered to the loop thread. Kept apart from Loop/EventLoop.cs; the core only calls
// CloseSignalHandlers when it closes.
public sealed partial class EventLoop
{
    // Registrations may be disposed from any thread, so the set has its own lock (rarely taken: adding, removing,
    // closing). The handlers themselves only ever run on the loop thread.
    private readonly HashSet<SignalHandlerRegistration> _signalHandlers = new();

    /// <summary>
    /// Runs <paramref name="handler"/> on the loop thread whenever the process receives <paramref name="signal"/>
    /// (Python's <c>loop.add_signal_handler</c>). While the registration is live, the signal's default action (such as
    /// terminating the process on <see cref="PosixSignal.SIGTERM"/>) is suppressed.
    /// </summary>
    /// <param name="signal">The signal. Signals without a <see cref="PosixSignal"/> name can be given by their raw
    /// number on Unix, for example <c>(PosixSignal)10</c> for SIGUSR1 on Linux.</param>
    /// <param name="handler">Called on the loop thread with the signal that arrived. An exception it throws goes to the
    /// loop's unhandled-exception handling.</param>
    /// <returns>The registration; dispose it (from any thread) to remove the handler. Closing the loop removes it too.</returns>
    /// <exception cref="PlatformNotSupportedException">The platform cannot deliver this signal.</exception>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    /// <remarks>Delivery is asynchronous: the runtime's signal thread posts to the loop, and the handler runs on a later
    /// iteration. Several signals that arrive close together may be coalesced by the operating system.</remarks>
    public IDisposable AddSignalHandler(PosixSignal signal, Action<PosixSignal> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        VerifyThreadAndOpen(nameof(AddSignalHandler));
        var registration = new SignalHandlerRegistration(this, signal, handler);
        lock (_signalHandlers)
        {
            _signalHandlers.Add(registration);
        }

        return registration;
    }

    /// <summary>Like <see cref="AddSignalHandler(PosixSignal, Action{PosixSignal})"/>, for a handler that does not need the signal.</summary>
    /// <param name="signal">The signal; raw numbers are accepted on Unix (for example <c>(PosixSignal)10</c>, SIGUSR1 on Linux).</param>
    /// <param name="handler">Called on the loop thread each time the signal arrives.</param>
    /// <returns>The registration; dispose it (from any thread) to remove the handler.</returns>
    /// <exception cref="PlatformNotSupportedException">The platform cannot deliver this signal.</exception>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public IDisposable AddSignalHandler(PosixSignal signal, Action handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddSignalHandler(signal, _ => handler());
    }

    /// <summary>How many handlers are registered; for tests.</summary>
    internal int SignalHandlerCount
    {
        get
        {
            lock (_signalHandlers)
            {
                return _signalHandlers.Count;
            }
        }
    }

    internal void RemoveSignalHandler(SignalHandlerRegistration registration)
    {
        lock (_signalHandlers)
        {
            _signalHandlers.Remove(registration);
        }
    }

    /// <summary>Removes every handler still registered; part of closing the loop.</summary>
    private void CloseSignalHandlers()
    {
        SignalHandlerRegistration[] live;
        lock (_signalHandlers)
        {
            live = _signalHandlers.ToArray();
        }

        foreach (var registration in live)
        {
            registration.Dispose();
        }
    }
}
