using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CoopRuntime;

/// <summary>
/// A socket on the portable driver: a .NET <see cref="System.Net.Sockets.Socket"/> driven by its own asynchronous
/// methods, with each completion brought back to the loop thread by a <see cref="PortableOperation{TResult}"/>.
/// </summary>
/// <remarks>Only the loop thread calls in; .NET's I/O threads only post completions to the loop's inbox.</remarks>
[DebuggerDisplay("PortableSocket {LocalEndPoint} → {RemoteEndPoint}")]
internal sealed class PortableSocket : LoopSocket
{
    private readonly Socket _socket;
    private PortableOperation<int>? _receive;
    private PortableOperation<int>? _send;
    private PortableOperation<Socket>? _accept;
    private PortableOperation<SocketReceiveFromResult>? _receiveFrom;
    private PortableOperation<int>? _sendTo;
    private EndPoint? _remoteEndPoint;

    // ReceiveFromAsync only reads the family of the address it is given: one shared instance per family will do.
    private static readonly IPEndPoint AnyIPv4 = new(IPAddress.Any, 0);
    private static readonly IPEndPoint AnyIPv6 = new(IPAddress.IPv6Any, 0);

    public PortableSocket(EventLoop loop, Socket socket)
        : base(loop, socket.AddressFamily, socket.SocketType == SocketType.Stream) =>
        _socket = socket;

    public override EndPoint? LocalEndPoint => IsDisposed ? null : _socket.LocalEndPoint;

    public override EndPoint? RemoteEndPoint => _remoteEndPoint ??= IsDisposed ? null : _socket.RemoteEndPoint;

    public override bool NoDelay
    {
        get => IsTcp && _socket.NoDelay;
        set
        {
            ThrowIfDisposed();
            if (IsTcp)
            {
                _socket.NoDelay = value;
            }
        }
    }

    private bool IsTcp => IsStream && AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;

    private bool ReceiveBusy => _receive?.IsBusy == true || _accept?.IsBusy == true || _receiveFrom?.IsBusy == true;

    private bool SendBusy => _send?.IsBusy == true || _sendTo?.IsBusy == true;

    public override ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        VerifyIdle(ReceiveBusy, "receive");
        _receive ??= new PortableOperation<int>(this, "receive");
        return _receive.Await(_socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken));
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        VerifyIdle(SendBusy, "send");
        _send ??= new PortableOperation<int>(this, "send");

        // .NET's SendAsync on a stream socket completes when every byte is sent, so its count needs no loop here.
        return _send.AwaitDiscardingResult(_socket.SendAsync(buffer, SocketFlags.None, cancellationToken));
    }

    public override async ValueTask<LoopSocket> AcceptAsync(CancellationToken cancellationToken)
    {
        VerifyIdle(ReceiveBusy, "accept");
        _accept ??= new PortableOperation<Socket>(this, "accept");
        var accepted = await _accept.Await(_socket.AcceptAsync(cancellationToken));
        return ((PortableDriver)Loop.Driver).Track(new PortableSocket(Loop, accepted));
    }

    public override ValueTask<SocketReceiveFromResult> ReceiveFromAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        VerifyIdle(ReceiveBusy, "receive");
        _receiveFrom ??= new PortableOperation<SocketReceiveFromResult>(this, "receive");
        var anyAddress = AddressFamily == AddressFamily.InterNetworkV6 ? AnyIPv6 : AnyIPv4;
        return _receiveFrom.Await(_socket.ReceiveFromAsync(buffer, SocketFlags.None, anyAddress, cancellationToken));
    }

    public override ValueTask<int> SendToAsync(ReadOnlyMemory<byte> buffer, EndPoint remote, CancellationToken cancellationToken)
    {
        VerifyIdle(SendBusy, "send");
        _sendTo ??= new PortableOperation<int>(this, "send");
        return _sendTo.Await(_socket.SendToAsync(buffer, SocketFlags.None, remote, cancellationToken));
    }

    public override void ConnectDatagram(EndPoint remote)
    {
        ThrowIfDisposed();
        _socket.Connect(remote);
        _remoteEndPoint = remote;
    }

    public override void Shutdown(SocketShutdown how)
    {
        ThrowIfDisposed();
        try
        {
            _socket.Shutdown(how);
        }
        catch (SocketException error) when (error.SocketErrorCode == SocketError.NotConnected)
        {
            // The peer is already gone: there is nothing left to shut down (as on the epoll driver).
        }
    }

    /// <summary>Turns .NET's errors into the ones both drivers report.</summary>
    public Exception TranslateError(Exception error, string what)
    {
        if (IsDisposed && error is SocketException or ObjectDisposedException)
        {
            return Disposed();
        }

        if (IsStream && error is SocketException socketError && what is "receive" or "send")
        {
            var peer = RemoteEndPoint?.ToString() ?? "the peer";
            var verb = what == "receive" ? "read from" : "write to";
            return new IOException($"Unable to {verb} the connection to {peer}: {socketError.Message} ({socketError.SocketErrorCode}).", socketError);
        }

        return error;
    }

    public override void Dispose()
    {
        if (IsDisposed)
        {
            return;
        }

        IsDisposed = true;
        (Loop.Driver as PortableDriver)?.OnClosed(this);
        _socket.Dispose();
    }

    private void VerifyIdle(bool busy, string side)
    {
        ThrowIfDisposed();
        if (busy)
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
}
