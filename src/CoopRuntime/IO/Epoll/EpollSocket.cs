using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace CoopRuntime;

/// <summary>
/// A socket on the loop's own epoll instance: a raw non-blocking file descriptor, registered once (edge-triggered,
/// for both directions), read and written by direct system calls on the loop thread.
/// </summary>
/// <remarks>
/// <para>Some facts about edge-triggered epoll that this class relies on. An edge is reported when the socket goes
/// from "nothing to do" to "something to do" on a side: new bytes, a peer's FIN, free space in the send buffer
/// after it was full. Nothing is reported for readiness that was already there, so a reader must not wait unless a
/// system call just told it EAGAIN — or, for stream sockets, unless its last read came back short (the kernel
/// returns less than asked only when its receive queue is empty, and every later arrival raises a new edge; Tokio
/// relies on the same fact). <see cref="IsReadable"/> and <see cref="IsWritable"/> are those hints: true until a
/// call proves the side empty or full, true again at the next edge. A false hint lets an operation park without the
/// system call that would only say EAGAIN.</para>
/// <para>Once the peer closed its side (EPOLLRDHUP/EPOLLHUP) no more edges come, so the read hint stays true: reads
/// drain what is left and then return 0.</para>
/// <para>Closing: pending operations complete with <see cref="ObjectDisposedException"/>, the descriptor leaves the
/// epoll set explicitly (closing alone would not remove it while a duplicate existed), then it is closed. Sockets
/// created by .NET (listeners, datagram sockets; see <see cref="EpollDriver.Adopt"/>) are closed through their
/// <see cref="Socket"/>, which owns the descriptor.</para>
/// <para>Only the loop thread touches a socket.</para>
/// </remarks>
[DebuggerDisplay("EpollSocket fd {Fd}, readable = {IsReadable}, writable = {IsWritable}")]
internal sealed class EpollSocket : LoopSocket
{
    // What owns the descriptor when it is not ours to close: the .NET Socket of a listener or datagram socket, the
    // .NET stream of a pipe. Disposing it closes the descriptor.
    private readonly IDisposable? _adopted;
    private IEpollOperation? _pendingReceive;
    private IEpollOperation? _pendingSend;
    private EpollReceiveOperation? _receive;
    private EpollSendOperation? _send;
    private EpollAcceptOperation? _accept;
    private EpollReceiveFromOperation? _receiveFrom;
    private EpollSendToOperation? _sendTo;
    private EndPoint? _localEndPoint;
    private EndPoint? _remoteEndPoint;
    private bool _peerClosed;

    public EpollSocket(EpollDriver driver, int fd, AddressFamily addressFamily, bool isStream, IDisposable? adopted)
        : base(driver.Loop, addressFamily, isStream)
    {
        Driver = driver;
        Fd = fd;
        _adopted = adopted;
    }

    public EpollDriver Driver { get; }

    public int Fd { get; }

    /// <summary>Where the driver keeps this socket, and the generation that tells a stale event from a live one.</summary>
    public int Slot { get; set; } = -1;

    public uint Generation { get; set; }

    /// <summary>True for a pipe end: read and written with <c>read</c>/<c>write</c> instead of <c>recv</c>/<c>send</c>.</summary>
    public bool IsPipe { get; set; }

    public bool IsReadable { get; set; } = true;

    public bool IsWritable { get; set; } = true;

    public bool HasPendingOperation => _pendingReceive is not null || _pendingSend is not null;

    public override EndPoint? LocalEndPoint => _localEndPoint ??= (_adopted as Socket)?.LocalEndPoint ?? QueryEndPoint(remote: false);

    public override EndPoint? RemoteEndPoint => _remoteEndPoint ??= (_adopted as Socket)?.RemoteEndPoint ?? QueryEndPoint(remote: true);

    public override unsafe bool NoDelay
    {
        get
        {
            if (!IsTcp)
            {
                return false;
            }

            int value = 0;
            var length = sizeof(int);
            ThrowIfFailed(Libc.GetSocketOption(Fd, Libc.IPPROTO_TCP, Libc.TCP_NODELAY, &value, &length), "read TCP_NODELAY");
            return value != 0;
        }

        set
        {
            ThrowIfDisposed();
            if (!IsTcp)
            {
                return; // Unix domain sockets have no Nagle algorithm to turn off.
            }

            int flag = value ? 1 : 0;
            ThrowIfFailed(Libc.SetSocketOption(Fd, Libc.IPPROTO_TCP, Libc.TCP_NODELAY, &flag, sizeof(int)), "set TCP_NODELAY");
        }
    }

    private bool IsTcp => IsStream && AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;

    // ───────────────────────────── Operations ─────────────────────────────

    public override ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        VerifyIdle(_pendingReceive, "receive");
        var operation = _receive is { IsRetired: false } reusable ? reusable : _receive = new EpollReceiveOperation(this);
        operation.Buffer = buffer;
        return operation.Run(IsReadable, cancellationToken);
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        VerifyIdle(_pendingSend, "send");
        var operation = _send is { IsRetired: false } reusable ? reusable : _send = new EpollSendOperation(this);
        operation.Remaining = buffer;
        return operation.RunWithoutResult(IsWritable, cancellationToken);
    }

    public override ValueTask<LoopSocket> AcceptAsync(CancellationToken cancellationToken)
    {
        VerifyIdle(_pendingReceive, "accept");
        var operation = _accept is { IsRetired: false } reusable ? reusable : _accept = new EpollAcceptOperation(this);
        return operation.Run(IsReadable, cancellationToken);
    }

    public override ValueTask<SocketReceiveFromResult> ReceiveFromAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        VerifyIdle(_pendingReceive, "receive");
        var operation = _receiveFrom is { IsRetired: false } reusable ? reusable : _receiveFrom = new EpollReceiveFromOperation(this);
        operation.Buffer = buffer;
        return operation.Run(IsReadable, cancellationToken);
    }

    public override ValueTask<int> SendToAsync(ReadOnlyMemory<byte> buffer, EndPoint remote, CancellationToken cancellationToken)
    {
        VerifyIdle(_pendingSend, "send");
        var operation = _sendTo is { IsRetired: false } reusable ? reusable : _sendTo = new EpollSendToOperation(this);
        operation.Datagram = buffer;
        operation.Remote = remote;
        return operation.Run(IsWritable, cancellationToken);
    }

    /// <summary>Waits for a connect that reported EINPROGRESS (see <see cref="EpollDriver.ConnectAsync"/>).</summary>
    public ValueTask WaitForConnectAsync(EndPoint remote, CancellationToken cancellationToken)
    {
        var operation = new EpollConnectOperation(this) { Remote = remote };
        IsWritable = false;
        return operation.RunWithoutResult(tryNow: false, cancellationToken);
    }

    public override unsafe void ConnectDatagram(EndPoint remote)
    {
        ThrowIfDisposed();
        var address = remote.Serialize();
        fixed (byte* bytes = address.Buffer.Span)
        {
            ThrowIfFailed(Libc.Connect(Fd, bytes, address.Size), $"connect to {remote}");
        }

        _remoteEndPoint = remote;
    }

    public override void Shutdown(SocketShutdown how)
    {
        ThrowIfDisposed();
        var mode = how switch
        {
            SocketShutdown.Receive => Libc.SHUT_RD,
            SocketShutdown.Send => Libc.SHUT_WR,
            _ => Libc.SHUT_RDWR,
        };
        if (Libc.Shutdown(Fd, mode) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != 107)
            {
                // ENOTCONN means the peer is already gone: there is nothing left to shut down.
                throw Errno.ToException(errno, $"shutdown of {DescribePeer()}");
            }
        }
    }

    // ───────────────────────────── Driver side ─────────────────────────────

    /// <summary>Handles one epoll event for this socket: refresh the hints, retry what waits on the ready sides.</summary>
    public void OnEvents(uint events)
    {
        if ((events & (Libc.EPOLLRDHUP | Libc.EPOLLHUP)) != 0)
        {
            _peerClosed = true;
        }

        if ((events & (Libc.EPOLLIN | Libc.EPOLLERR | Libc.EPOLLHUP | Libc.EPOLLRDHUP)) != 0)
        {
            IsReadable = true;
            _pendingReceive?.OnReady();
        }

        if ((events & (Libc.EPOLLOUT | Libc.EPOLLERR | Libc.EPOLLHUP)) != 0)
        {
            IsWritable = true;
            _pendingSend?.OnReady();
        }
    }

    public void Park(IEpollOperation operation, bool sendSide)
    {
        if (sendSide)
        {
            _pendingSend = operation;
        }
        else
        {
            _pendingReceive = operation;
        }

        Driver.OnParked();
    }

    public void Unpark(bool sendSide)
    {
        if (sendSide)
        {
            _pendingSend = null;
        }
        else
        {
            _pendingReceive = null;
        }

        Driver.OnUnparked();
    }

    /// <summary>Updates the read hint after a successful receive of <paramref name="received"/> of <paramref name="requested"/> bytes.</summary>
    public void OnReceived(int received, int requested)
    {
        if (IsStream && received > 0 && received < requested && !_peerClosed)
        {
            IsReadable = false; // a short stream read means the receive queue is empty; the next arrival is an edge
        }
    }

    public Exception ReceiveError(int errno)
    {
        var socketError = Errno.ToException(errno, $"receive from {DescribePeer()}");
        return IsStream ? new IOException($"Unable to read from the connection to {DescribePeer()}: {socketError.Message}", socketError) : socketError;
    }

    public Exception SendError(int errno)
    {
        var socketError = Errno.ToException(errno, $"send to {DescribePeer()}");
        return IsStream ? new IOException($"Unable to write to the connection to {DescribePeer()}: {socketError.Message}", socketError) : socketError;
    }

    public EndPoint EndPointFrom(SocketAddress address) => EndPointTemplate.Create(address);

    public override void Dispose()
    {
        if (IsDisposed)
        {
            return;
        }

        IsDisposed = true;
        _pendingReceive?.Abort(Disposed());
        _pendingSend?.Abort(Disposed());
        Driver.Unregister(this);
        if (_adopted is not null)
        {
            _adopted.Dispose();
        }
        else
        {
            Libc.Close(Fd);
        }
    }

    // ───────────────────────────── Helpers ─────────────────────────────

    private EndPoint EndPointTemplate => AddressFamily switch
    {
        AddressFamily.InterNetwork => IPv4Template,
        AddressFamily.InterNetworkV6 => IPv6Template,
        _ => UnixTemplate,
    };

    private static readonly IPEndPoint IPv4Template = new(IPAddress.Any, 0);
    private static readonly IPEndPoint IPv6Template = new(IPAddress.IPv6Any, 0);
    private static readonly UnixDomainSocketEndPoint UnixTemplate = new("template");

    private unsafe EndPoint? QueryEndPoint(bool remote)
    {
        if (IsDisposed || IsPipe)
        {
            return null;
        }

        var address = new SocketAddress(AddressFamily, SocketAddress.GetMaximumAddressSize(AddressFamily));
        var length = address.Buffer.Length;
        int status;
        fixed (byte* bytes = address.Buffer.Span)
        {
            status = remote ? Libc.GetPeerName(Fd, bytes, &length) : Libc.GetSocketName(Fd, bytes, &length);
        }

        if (status != 0)
        {
            return null;
        }

        address.Size = length;
        return EndPointFrom(address);
    }

    private string DescribePeer() =>
        IsPipe ? $"pipe {Fd}" : (_remoteEndPoint ?? (_adopted is null ? QueryEndPoint(remote: true) : null))?.ToString() ?? $"socket {Fd}";

    private void VerifyIdle(IEpollOperation? pending, string side)
    {
        ThrowIfDisposed();
        if (pending is not null)
        {
            throw ConcurrentOperation(side);
        }
    }

    private void ThrowIfDisposed()
    {
        if (IsDisposed)
        {
            throw Disposed();
        }
    }

    private void ThrowIfFailed(int status, string what)
    {
        if (status != 0)
        {
            throw Errno.ToException(Marshal.GetLastPInvokeError(), $"{what} on {DescribePeer()}");
        }
    }
}
