using System.Net;
using System.Net.Sockets;

namespace CoopRuntime;

/// <summary>
/// One OS socket driven by a loop's I/O driver: the seam between the public networking types (Net/) and the two
/// drivers. <see cref="EpollSocket"/> waits for readiness on the loop's own epoll instance;
/// <see cref="PortableSocket"/> uses .NET's asynchronous socket methods and marshals completions back
/// through the loop's inbox.
/// </summary>
/// <remarks>
/// <para>Contract, for both drivers: every member is called on the loop thread; awaiting code resumes on the loop
/// thread. At most one receive-side operation (receive, receive-from, accept) and one send-side operation (send,
/// send-to) may be pending at a time; a second one throws <see cref="InvalidOperationException"/>.
/// <see cref="SendAsync"/> completes when every byte is in the kernel's buffer.</para>
/// <para><see cref="Dispose"/> completes pending operations with <see cref="ObjectDisposedException"/>, takes the
/// socket off the driver and closes the file descriptor. Errors surface as <see cref="SocketException"/>; the
/// public types wrap them where .NET conventions ask for <see cref="IOException"/>.</para>
/// </remarks>
internal abstract class LoopSocket : IDisposable
{
    protected LoopSocket(EventLoop loop, AddressFamily addressFamily, bool isStream)
    {
        Loop = loop;
        AddressFamily = addressFamily;
        IsStream = isStream;
    }

    public EventLoop Loop { get; }

    public AddressFamily AddressFamily { get; }

    /// <summary>True for stream (TCP, Unix stream) sockets; false for datagram sockets.</summary>
    public bool IsStream { get; }

    public bool IsDisposed { get; protected set; }

    public abstract EndPoint? LocalEndPoint { get; }

    public abstract EndPoint? RemoteEndPoint { get; }

    public abstract bool NoDelay { get; set; }

    /// <summary>Receives at most <paramref name="buffer"/>'s length; 0 means the peer closed its side.</summary>
    public abstract ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Sends every byte of <paramref name="buffer"/>.</summary>
    public abstract ValueTask SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Accepts the next connection of a listening socket.</summary>
    public abstract ValueTask<LoopSocket> AcceptAsync(CancellationToken cancellationToken);

    public abstract ValueTask<SocketReceiveFromResult> ReceiveFromAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    public abstract ValueTask<int> SendToAsync(ReadOnlyMemory<byte> buffer, EndPoint remote, CancellationToken cancellationToken);

    /// <summary>Sets a datagram socket's default peer (a datagram connect never blocks).</summary>
    public abstract void ConnectDatagram(EndPoint remote);

    public abstract void Shutdown(SocketShutdown how);

    public abstract void Dispose();

    /// <summary>
    /// Closes the socket from any thread: at once on the loop thread, otherwise posted to the loop (only the loop thread
    /// touches the driver). A closed loop closed its sockets already, so then there is nothing to post.
    /// </summary>
    public void DisposeFromAnyThread()
    {
        if (Loop.IsOnLoopThread)
        {
            Dispose();
        }
        else
        {
            Loop.TryScheduleFromAnyThread(WorkItem.From(static (LoopSocket socket) => socket.Dispose(), this));
        }
    }

    protected static InvalidOperationException ConcurrentOperation(string side) =>
        new($"Another {side} is already pending on this socket. A socket allows one pending {side} at a time: await the " +
            $"first before starting the next, or use a queue to serialize them.");

    protected ObjectDisposedException Disposed() =>
        new(GetType().Name, "The socket was closed while the operation was pending, or before it started.");
}
