using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CoopRuntime;

/// <summary>
/// A connected byte stream (TCP, or a Unix domain socket) driven by the loop: reads and writes are awaited on the
/// loop thread, with no thread-pool hop and, in steady state, no allocation.
/// </summary>
/// <remarks>
/// <para>Get one from <see cref="ConnectAsync(string, int, CancellationToken)"/> or from a <see cref="TcpServer"/>.
/// It is a <see cref="Stream"/>, so <c>StreamReader</c>, <c>SslStream</c>, <c>PipeReader.Create</c> and
/// <see cref="ByteStreamReader"/> work on it.</para>
/// <para><see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/> completes when every byte is in the
/// kernel's send buffer: a writer faster than its peer waits there, which is backpressure for free.
/// <see cref="ReadAsync(Memory{byte}, CancellationToken)"/> returns 0 once the peer has closed its side.</para>
/// <para>One read and one write may be pending at the same time (a second concurrent read throws
/// <see cref="InvalidOperationException"/>). Cancelling a write may leave part of it sent; the stream is then only
/// good for closing. Disposing the stream completes pending reads and writes with
/// <see cref="ObjectDisposedException"/>. Errors from the connection (reset, broken pipe) are
/// <see cref="IOException"/>s wrapping the <see cref="SocketException"/>, as with <c>NetworkStream</c>.</para>
/// <para>Thread rule: use it from its loop's thread. Reads, writes and <c>Dispose</c> that arrive from another thread
/// hop onto the loop first (BCL adapters such as <c>StreamReader</c> and <c>PipeReader</c> resume on the thread pool
/// after their internal <c>ConfigureAwait(false)</c> awaits); the other members throw <see cref="WrongThreadException"/>
/// there. The synchronous <see cref="Read(byte[], int, int)"/> and <see cref="Write(byte[], int, int)"/> would block
/// the whole loop, so they throw <see cref="NotSupportedException"/>.</para>
/// </remarks>
[DebuggerDisplay("TcpStream {LocalEndPoint} → {RemoteEndPoint}")]
public sealed class TcpStream : Stream
{
    private readonly LoopSocket _socket;

    internal TcpStream(LoopSocket socket) => _socket = socket;

    /// <summary>
    /// Resolves <paramref name="host"/> off the loop, then connects to its addresses in turn until one accepts.
    /// Call it on a loop thread; the stream belongs to that loop.
    /// </summary>
    /// <param name="host">A host name or an IP address literal.</param>
    /// <param name="port">The TCP port, 1 to 65535.</param>
    /// <param name="cancellationToken">Cancels the resolution and the connection attempts.</param>
    /// <returns>The connected stream.</returns>
    /// <exception cref="ArgumentException"><paramref name="host"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is out of range.</exception>
    /// <exception cref="SocketException">The name did not resolve, or no address accepted the connection (the message names the endpoint).</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static async Task<TcpStream> ConnectAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ValidatePort(port);
        var loop = EventLoop.RequireCurrent("TcpStream.ConnectAsync");
        var addresses = await LoopDns.GetHostAddressesAsync(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new LoopSocketException(SocketError.HostNotFound, $"resolve {host}");
        }

        Exception? lastError = null;
        foreach (var address in addresses)
        {
            try
            {
                return new TcpStream(await loop.Driver.ConnectAsync(new IPEndPoint(address, port), cancellationToken));
            }
            catch (SocketException error)
            {
                lastError = error; // try the next address, as a happy-eyeballs client falls back
            }
        }

        throw lastError!;
    }

    /// <summary>Connects to <paramref name="remote"/>: an <see cref="IPEndPoint"/>, a <see cref="UnixDomainSocketEndPoint"/>, or a <see cref="DnsEndPoint"/>.</summary>
    /// <param name="remote">Where to connect.</param>
    /// <param name="cancellationToken">Cancels the attempt; the half-open socket is closed.</param>
    /// <returns>The connected stream.</returns>
    /// <exception cref="SocketException">The connection failed: refused, unreachable... (the message names the endpoint).</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static async Task<TcpStream> ConnectAsync(EndPoint remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (remote is DnsEndPoint dns)
        {
            return await ConnectAsync(dns.Host, dns.Port, cancellationToken);
        }

        var loop = EventLoop.RequireCurrent("TcpStream.ConnectAsync");
        return new TcpStream(await loop.Driver.ConnectAsync(remote, cancellationToken));
    }

    /// <summary>The local end of the connection.</summary>
    public EndPoint? LocalEndPoint => _socket.LocalEndPoint;

    /// <summary>The peer's end of the connection.</summary>
    public EndPoint? RemoteEndPoint => _socket.RemoteEndPoint;

    /// <summary>
    /// True to send small writes at once instead of coalescing them (turns off Nagle's algorithm). Ignored for Unix
    /// domain sockets, which have no such delay.
    /// </summary>
    public bool NoDelay
    {
        get => _socket.NoDelay;
        set
        {
            VerifyThread(nameof(NoDelay));
            _socket.NoDelay = value;
        }
    }

    /// <inheritdoc/>
    public override bool CanRead => !_socket.IsDisposed;

    /// <inheritdoc/>
    public override bool CanWrite => !_socket.IsDisposed;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <summary>Not supported: a network stream has no length.</summary>
    public override long Length => throw new NotSupportedException("A TcpStream has no length.");

    /// <summary>Not supported: a network stream has no position.</summary>
    public override long Position
    {
        get => throw new NotSupportedException("A TcpStream has no position.");
        set => throw new NotSupportedException("A TcpStream has no position.");
    }

    internal LoopSocket Socket => _socket;

    /// <summary>Receives up to <paramref name="buffer"/>'s length of bytes; 0 means the peer closed its side.</summary>
    /// <param name="buffer">Where to put the bytes. An empty buffer waits until data arrives without consuming it.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>How many bytes were read.</returns>
    /// <exception cref="IOException">The connection failed (reset by the peer...).</exception>
    /// <exception cref="ObjectDisposedException">The stream was closed.</exception>
    /// <exception cref="InvalidOperationException">Another read is pending.</exception>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _socket.Loop.IsOnLoopThread
            ? _socket.ReceiveAsync(buffer, cancellationToken)
            : LoopSocketCalls.ReceiveOnLoopAsync(_socket, buffer, cancellationToken);

    /// <summary>Sends every byte of <paramref name="buffer"/>; completes when all of them are in the kernel's buffer.</summary>
    /// <param name="buffer">The bytes to send.</param>
    /// <param name="cancellationToken">Cancels the wait; part of the buffer may already be sent.</param>
    /// <returns>A task that completes when everything is sent.</returns>
    /// <exception cref="IOException">The connection failed (reset, or the peer is gone).</exception>
    /// <exception cref="ObjectDisposedException">The stream was closed.</exception>
    /// <exception cref="InvalidOperationException">Another write is pending.</exception>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _socket.Loop.IsOnLoopThread
            ? _socket.SendAsync(buffer, cancellationToken)
            : LoopSocketCalls.SendOnLoopAsync(_socket, buffer, cancellationToken);

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>Does nothing: writes go straight to the kernel, there is no buffer to flush.</summary>
    /// <param name="cancellationToken">Checked, for the Stream contract.</param>
    /// <returns>A completed task.</returns>
    public override Task FlushAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;

    /// <summary>Does nothing: writes go straight to the kernel.</summary>
    public override void Flush()
    {
    }

    /// <summary>
    /// Half-closes the connection: tells the peer that no more bytes will come (it reads 0), while this side can still
    /// read what the peer sends.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The stream was closed.</exception>
    public void ShutdownWrite()
    {
        VerifyThread(nameof(ShutdownWrite));
        _socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Not supported: a synchronous read would block the loop. Use <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>.</summary>
    /// <param name="buffer">Unused.</param>
    /// <param name="offset">Unused.</param>
    /// <param name="count">Unused.</param>
    /// <returns>Never returns.</returns>
    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("TcpStream.Read would block the event loop's thread. Use await ReadAsync(...) instead.");

    /// <summary>Not supported: a synchronous write would block the loop. Use <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.</summary>
    /// <param name="buffer">Unused.</param>
    /// <param name="offset">Unused.</param>
    /// <param name="count">Unused.</param>
    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("TcpStream.Write would block the event loop's thread. Use await WriteAsync(...) instead.");

    /// <summary>Not supported.</summary>
    /// <param name="offset">Unused.</param>
    /// <param name="origin">Unused.</param>
    /// <returns>Never returns.</returns>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A TcpStream cannot seek.");

    /// <summary>Not supported.</summary>
    /// <param name="value">Unused.</param>
    public override void SetLength(long value) => throw new NotSupportedException("A TcpStream has no length.");

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Closing is allowed from any thread: off the loop it is posted there (a closed loop closed it already).
            _socket.DisposeFromAnyThread();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc/>
    public override ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void VerifyThread(string member) => _socket.Loop.VerifyThread(nameof(TcpStream), member);

    internal static void ValidatePort(int port)
    {
        if (port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "The port must be between 1 and 65535.");
        }
    }
}
