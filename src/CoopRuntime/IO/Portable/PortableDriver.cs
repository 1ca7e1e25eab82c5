using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace CoopRuntime;

/// <summary>
/// The driver that runs everywhere: an auto-reset wait handle that other threads signal, and sockets driven by
/// .NET's own asynchronous methods (see <see cref="PortableSocket"/>).
/// </summary>
/// <remarks>
/// A signal that arrives while the loop is busy stays set, so the next <see cref="Wait"/> returns at once: no wake-up
/// is lost. The loop deduplicates wake-ups with its own flag, so a burst of cross-thread posts costs one signal.
/// Waits are rounded up to whole milliseconds (the wait handle's resolution), so a timer never fires early; the
/// loop re-checks the clock after every wait. Socket completions arrive as cross-thread posts, so nothing is ever
/// pending in the driver itself (<see cref="HasPendingIo"/> is false).
/// </remarks>
internal sealed class PortableDriver : IIoDriver
{
    private readonly AutoResetEvent _signal = new(initialState: false);
    private readonly HashSet<PortableSocket> _open = new();
    private readonly EventLoop _loop;

    public PortableDriver(EventLoop loop) => _loop = loop;

    public bool HasPendingIo => false;

    public int OpenSocketCount => _open.Count;

    public void Wait(TimeSpan timeout)
    {
        if (timeout == TimeSpan.Zero)
        {
            return;
        }

        int milliseconds;
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            milliseconds = Timeout.Infinite;
        }
        else
        {
            var rounded = (timeout.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
            milliseconds = (int)Math.Min(rounded, int.MaxValue - 1);
        }

        _signal.WaitOne(milliseconds);
    }

    public void Wake() => _signal.Set();

    public LoopSocket Adopt(Socket socket) => Track(new PortableSocket(_loop, socket));

    /// <summary>Pipes stay with .NET here: their asynchronous reads complete on the thread pool.</summary>
    public LoopSocket? AdoptPipe(SafeHandle pipe, IDisposable owner) => null;

    public async ValueTask<LoopSocket> ConnectAsync(EndPoint remote, CancellationToken cancellationToken)
    {
        var protocol = remote.AddressFamily == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp;
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, protocol);
        try
        {
            await socket.ConnectAsync(remote, cancellationToken);
        }
        catch (SocketException error)
        {
            socket.Dispose();
            throw new LoopSocketException(error.SocketErrorCode, $"connect to {remote}");
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return Track(new PortableSocket(_loop, socket));
    }

    /// <summary>Registers an accepted or connected socket so that it is closed with the loop.</summary>
    public PortableSocket Track(PortableSocket socket)
    {
        _open.Add(socket);
        return socket;
    }

    public void OnClosed(PortableSocket socket) => _open.Remove(socket);

    public void Dispose()
    {
        foreach (var socket in _open.ToArray())
        {
            socket.Dispose();
        }

        _signal.Dispose();
    }
}
