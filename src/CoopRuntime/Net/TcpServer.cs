using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace CoopRuntime;

/// <summary>
/// A listening socket on the loop: accept connections one by one (<see cref="AcceptAsync"/>), as a sequence
/// (<see cref="AcceptAllAsync"/>), or hand each one to a handler (<see cref="ServeAsync"/>).
/// </summary>
/// <remarks>
/// <para>Works for TCP (<see cref="IPEndPoint"/>; <c>IPAddress.IPv6Any</c> also accepts IPv4) and Unix domain sockets
/// (<see cref="UnixDomainSocketEndPoint"/>). With <c>reusePort</c>, several loops — one per core — can listen on the
/// same port and the kernel spreads connections across them (<c>SO_REUSEPORT</c>).</para>
/// <para>Thread rule: use it from the loop thread it was created on.</para>
/// </remarks>
[DebuggerDisplay("TcpServer {LocalEndPoint}, connections = {ConnectionCount}")]
public sealed class TcpServer : IDisposable, IAsyncDisposable
{
    private const int LinuxSolSocket = 1;
    private const int LinuxSoReuseAddress = 2;
    private const int LinuxSoReusePort = 15;

    private readonly LoopSocket _listener;
    private readonly Dictionary<TcpStream, LoopTask> _connections = new();
    private bool _disposed;

    private TcpServer(LoopSocket listener, EndPoint localEndPoint)
    {
        _listener = listener;
        LocalEndPoint = localEndPoint;
    }

    /// <summary>Binds to <paramref name="localEndPoint"/> and starts listening, on the loop running on this thread.</summary>
    /// <param name="localEndPoint">Where to listen: an <see cref="IPEndPoint"/> (port 0 picks a free port; read
    /// <see cref="LocalEndPoint"/> to learn it) or a <see cref="UnixDomainSocketEndPoint"/> (the path must not exist).</param>
    /// <param name="backlog">How many connections the kernel queues before they are accepted; at least 1.</param>
    /// <param name="reusePort">True to let other sockets (other loops, other processes) listen on the same port
    /// (<c>SO_REUSEPORT</c>, Linux only).</param>
    /// <returns>The listening server.</returns>
    /// <exception cref="SocketException">The address is in use or not available (the message names it).</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static TcpServer Listen(EndPoint localEndPoint, int backlog = 512, bool reusePort = false)
    {
        ArgumentNullException.ThrowIfNull(localEndPoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(backlog, 1);
        var loop = EventLoop.RequireCurrent("TcpServer.Listen");
        var isUnix = localEndPoint.AddressFamily == AddressFamily.Unix;
        var socket = new Socket(localEndPoint.AddressFamily, SocketType.Stream, isUnix ? ProtocolType.Unspecified : ProtocolType.Tcp);
        try
        {
            if (!isUnix)
            {
                // A restarted server must be able to bind while old connections linger in TIME_WAIT. On Linux, .NET's
                // ReuseAddress option also sets SO_REUSEPORT (which would let a second server steal the port), so
                // the plain SO_REUSEADDR is set directly there.
                if (OperatingSystem.IsLinux())
                {
                    socket.SetRawSocketOption(LinuxSolSocket, LinuxSoReuseAddress, BitConverter.GetBytes(1));
                }
                else
                {
                    socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                }

                if (localEndPoint is IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip && ip.Address.Equals(IPAddress.IPv6Any))
                {
                    socket.DualMode = true;
                }
            }

            if (reusePort)
            {
                if (!OperatingSystem.IsLinux())
                {
                    throw new PlatformNotSupportedException("reusePort (SO_REUSEPORT with load balancing across listeners) is available on Linux only.");
                }

                socket.SetRawSocketOption(LinuxSolSocket, LinuxSoReusePort, BitConverter.GetBytes(1));
            }

            socket.Bind(localEndPoint);
            socket.Listen(backlog);
        }
        catch (SocketException error)
        {
            socket.Dispose();
            throw new LoopSocketException(error.SocketErrorCode, $"listen on {localEndPoint}");
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var bound = socket.LocalEndPoint ?? localEndPoint;
        return new TcpServer(loop.Driver.Adopt(socket), bound);
    }

    /// <summary>Where the server listens (with the actual port when it was bound to port 0).</summary>
    public EndPoint LocalEndPoint { get; }

    /// <summary>How many connections <see cref="ServeAsync"/> is handling right now.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Waits for the next connection.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The connected stream; dispose it when done.</returns>
    /// <exception cref="ObjectDisposedException">The server was closed.</exception>
    /// <exception cref="SocketException">Accepting failed, for example because the process ran out of file descriptors.</exception>
    public async ValueTask<TcpStream> AcceptAsync(CancellationToken cancellationToken = default)
    {
        _listener.Loop.VerifyThread(nameof(TcpServer), nameof(AcceptAsync));
        return new TcpStream(await _listener.AcceptAsync(cancellationToken));
    }

    /// <summary>The connections as they arrive, until <paramref name="cancellationToken"/> is cancelled or the server is closed.</summary>
    /// <param name="cancellationToken">Ends the sequence (it then completes without an exception).</param>
    /// <returns>An endless sequence of connected streams; dispose each when done.</returns>
    public async IAsyncEnumerable<TcpStream> AcceptAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            TcpStream stream;
            try
            {
                stream = await AcceptAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
            catch (ObjectDisposedException) when (_disposed)
            {
                yield break;
            }

            yield return stream;
        }
    }

    /// <summary>
    /// Accepts connections and runs <paramref name="handler"/> for each, concurrently, as a spawned task on the loop,
    /// until <paramref name="cancellationToken"/> is cancelled or the server is disposed. Then it stops accepting,
    /// cancels the handlers' tokens, closes every connection, and returns when all handlers have finished.
    /// </summary>
    /// <param name="handler">Serves one connection. The stream is closed when it returns. An exception that
    /// escapes it (other than cancellation after the server stopped) goes to the loop's unhandled-exception handler
    /// (<see cref="EventLoopOptions.UnhandledException"/>) and does not stop the server.</param>
    /// <param name="cancellationToken">Stops the server.</param>
    /// <returns>A task that completes once the server stopped and every handler finished.</returns>
    public async Task ServeAsync(Func<TcpStream, CancellationToken, Task> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var loop = _listener.Loop;
        loop.VerifyThread(nameof(TcpServer), nameof(ServeAsync));
        try
        {
            await foreach (var stream in AcceptAllAsync(cancellationToken))
            {
                _connections[stream] = loop.Spawn(token => RunConnectionAsync(stream, handler, token), name: $"connection from {stream.RemoteEndPoint}");
            }
        }
        finally
        {
            await StopConnectionsAsync();
        }
    }

    private async Task RunConnectionAsync(TcpStream stream, Func<TcpStream, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        try
        {
            await handler(stream, cancellationToken);
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested)
        {
            // One connection's failure is not the server's: report it (no lost errors) and keep serving the others.
            stream.Socket.Loop.ReportUnhandledException(error);
        }
        catch when (cancellationToken.IsCancellationRequested)
        {
            // The server is stopping: whatever the handler ran into while its connection was being closed is expected.
        }
        finally
        {
            _connections.Remove(stream);
            stream.Dispose();
        }
    }

    private async Task StopConnectionsAsync()
    {
        if (_connections.Count == 0)
        {
            return;
        }

        var running = new List<Task>(_connections.Count);
        foreach (var (stream, task) in _connections.ToArray())
        {
            task.Cancel();
            running.Add(task.Completion);
            stream.Dispose();
        }

        await Task.WhenAll(running);
    }

    /// <summary>Stops listening. Pending accepts complete with <see cref="ObjectDisposedException"/>; connections already accepted stay open.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _listener.DisposeFromAnyThread();

        if (_listener.AddressFamily == AddressFamily.Unix && LocalEndPoint is UnixDomainSocketEndPoint unix)
        {
            // The socket file outlives the socket; remove it so that the path can be listened on again.
            TryDeleteSocketFile(unix.ToString());
        }
    }

    /// <summary>Same as <see cref="Dispose"/>.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static void TryDeleteSocketFile(string path)
    {
        if (path.Length == 0 || path[0] == '\0' || path[0] == '@')
        {
            return; // abstract-namespace sockets have no file
        }

        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
