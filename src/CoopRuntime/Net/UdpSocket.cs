using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CoopRuntime;

/// <summary>
/// A datagram socket on the loop (UDP, or Unix domain datagrams): send and receive whole datagrams, to and from any
/// peer (<see cref="SendToAsync"/>, <see cref="ReceiveFromAsync"/>) or, after <see cref="ConnectAsync"/>, one peer
/// (<see cref="SendAsync"/>, <see cref="ReceiveAsync"/>).
/// </summary>
/// <remarks>
/// <para>A datagram larger than the receive buffer is truncated to it (the rest is dropped by the kernel), so size
/// buffers for the largest datagram expected (65,507 bytes for UDP over IPv4).</para>
/// <para>Thread rule: use it from the loop thread it was created on. One receive and one send may be pending at a
/// time.</para>
/// </remarks>
[DebuggerDisplay("UdpSocket {LocalEndPoint} → {RemoteEndPoint}")]
public sealed class UdpSocket : IDisposable
{
    private readonly LoopSocket _socket;

    private UdpSocket(LoopSocket socket) => _socket = socket;

    /// <summary>Creates a datagram socket bound to <paramref name="localEndPoint"/>, on the loop running on this thread.</summary>
    /// <param name="localEndPoint">Where to receive: for example <c>new IPEndPoint(IPAddress.Loopback, 0)</c> (port 0
    /// picks a free port; read <see cref="LocalEndPoint"/>), or a <see cref="UnixDomainSocketEndPoint"/>.</param>
    /// <returns>The bound socket.</returns>
    /// <exception cref="SocketException">The address is in use or not available (the message names it).</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static UdpSocket Bind(EndPoint localEndPoint)
    {
        ArgumentNullException.ThrowIfNull(localEndPoint);
        var loop = EventLoop.RequireCurrent("UdpSocket.Bind");
        var isUnix = localEndPoint.AddressFamily == AddressFamily.Unix;
        var socket = new Socket(localEndPoint.AddressFamily, SocketType.Dgram, isUnix ? ProtocolType.Unspecified : ProtocolType.Udp);
        try
        {
            if (localEndPoint is IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip && ip.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(localEndPoint);
        }
        catch (SocketException error)
        {
            socket.Dispose();
            throw new LoopSocketException(error.SocketErrorCode, $"bind to {localEndPoint}");
        }

        return new UdpSocket(loop.Driver.Adopt(socket));
    }

    /// <summary>The address this socket receives on.</summary>
    public EndPoint? LocalEndPoint => _socket.LocalEndPoint;

    /// <summary>The peer set by <see cref="ConnectAsync"/>, or null.</summary>
    public EndPoint? RemoteEndPoint => _socket.RemoteEndPoint;

    /// <summary>
    /// Sets the default peer: <see cref="SendAsync"/> sends there, and only its datagrams are received. A datagram
    /// connect sends nothing; a <see cref="DnsEndPoint"/> is resolved first, off the loop.
    /// </summary>
    /// <param name="remote">The peer.</param>
    /// <param name="cancellationToken">Cancels the name resolution.</param>
    /// <returns>A task that completes when the peer is set.</returns>
    public async ValueTask ConnectAsync(EndPoint remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        VerifyThread(nameof(ConnectAsync));
        if (remote is DnsEndPoint dns)
        {
            var addresses = await Dns.GetHostAddressesAsync(dns.Host, _socket.AddressFamily, cancellationToken);
            if (addresses.Length == 0)
            {
                throw new LoopSocketException(SocketError.HostNotFound, $"resolve {dns.Host}");
            }

            remote = new IPEndPoint(addresses[0], dns.Port);
        }

        _socket.ConnectDatagram(remote);
    }

    /// <summary>Sends one datagram to <paramref name="remote"/>.</summary>
    /// <param name="datagram">The datagram.</param>
    /// <param name="remote">Its destination.</param>
    /// <param name="cancellationToken">Cancels a send that waits for buffer space.</param>
    /// <returns>The number of bytes sent (the whole datagram).</returns>
    /// <exception cref="SocketException">The datagram is too large, or the destination is unreachable...</exception>
    public ValueTask<int> SendToAsync(ReadOnlyMemory<byte> datagram, EndPoint remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        VerifyThread(nameof(SendToAsync));
        return _socket.SendToAsync(datagram, remote, cancellationToken);
    }

    /// <summary>Receives one datagram and tells who sent it.</summary>
    /// <param name="buffer">Where to put it; a longer datagram is truncated.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The byte count and the sender.</returns>
    public ValueTask<SocketReceiveFromResult> ReceiveFromAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        VerifyThread(nameof(ReceiveFromAsync));
        return _socket.ReceiveFromAsync(buffer, cancellationToken);
    }

    /// <summary>Sends one datagram to the peer set by <see cref="ConnectAsync"/>.</summary>
    /// <param name="datagram">The datagram.</param>
    /// <param name="cancellationToken">Cancels a send that waits for buffer space.</param>
    /// <returns>A task that completes when the datagram is sent.</returns>
    /// <exception cref="SocketException">Not connected, the datagram is too large, or the peer refused an earlier one.</exception>
    public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default)
    {
        VerifyThread(nameof(SendAsync));
        return _socket.SendAsync(datagram, cancellationToken);
    }

    /// <summary>Receives one datagram from the peer set by <see cref="ConnectAsync"/>.</summary>
    /// <param name="buffer">Where to put it; a longer datagram is truncated.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The datagram's length.</returns>
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        VerifyThread(nameof(ReceiveAsync));
        return _socket.ReceiveAsync(buffer, cancellationToken);
    }

    /// <summary>Closes the socket; pending operations complete with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _socket.DisposeFromAnyThread();

    private void VerifyThread(string member) => _socket.Loop.VerifyThread(nameof(UdpSocket), member);
}
