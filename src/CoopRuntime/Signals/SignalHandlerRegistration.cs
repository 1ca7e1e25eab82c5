using System.Runtime.InteropServices;

namespace CoopRuntime;

/// <summary>
/// A handler added with <see cref="EventLoop.AddSignalHandler(PosixSignal, Action{PosixSignal})"/>: a
/// <see cref="PosixSignalRegistration"/> whose callback, on the runtime's signal thread, only posts to the loop.
/// </summary>
internal sealed class SignalHandlerRegistration : IDisposable
{
    private readonly EventLoop _loop;
    private readonly Action<PosixSignal> _handler;
    private readonly PosixSignalRegistration _registration;
    private volatile bool _disposed;

    public SignalHandlerRegistration(EventLoop loop, PosixSignal signal, Action<PosixSignal> handler)
    {
        _loop = loop;
        _handler = handler;
        _registration = PosixSignalRegistration.Create(signal, OnSignal);
    }

    // The runtime's signal thread. Suppressing the default action only while the loop can still run the handler
    // means a signal sent after the loop closed does what it would without us (for SIGTERM: end the process).
    private void OnSignal(PosixSignalContext context)
    {
        if (_disposed)
        {
            return;
        }

        var signal = context.Signal;
        context.Cancel = _loop.TryScheduleFromAnyThread(WorkItem.From(
            static state => state.Registration.RunHandler(state.Signal),
            (Registration: this, Signal: signal)));
    }

    // Loop thread: a registration disposed after the post was made no longer runs its handler.
    private void RunHandler(PosixSignal signal)
    {
        if (!_disposed)
        {
            _handler(signal);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _registration.Dispose();
        _loop.RemoveSignalHandler(this);
    }
}
