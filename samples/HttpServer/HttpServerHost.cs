using System.Net;
using CoopRuntime;

namespace HttpServer;

/// <summary>
/// Serves HTTP/1.1 on a <see cref="TcpServer"/>: every connection a task on the loop, plus one heartbeat timer that
/// refreshes the Date header and times out slow or idle connections.
/// </summary>
public sealed class HttpServerHost
{
    private readonly HashSet<HttpConnection> _connections = [];
    private readonly List<HttpConnection> _expired = [];
    private int _largestBuffer;

    /// <summary>Creates a host with <paramref name="limits"/> (the defaults when null).</summary>
    public HttpServerHost(HttpLimits? limits = null) => Limits = limits ?? new HttpLimits();

    /// <summary>The limits and timeouts every connection enforces.</summary>
    public HttpLimits Limits { get; }

    /// <summary>The routes.</summary>
    public HttpRouter Router { get; } = new();

    /// <summary>The cached Date header value.</summary>
    public HttpDate Date { get; } = new();

    /// <summary>How many connections are open.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>How many requests got a response (error responses not included).</summary>
    public long RequestsServed { get; internal set; }

    /// <summary>How many error responses (4xx and 5xx that close the connection) were sent.</summary>
    public long ErrorsSent { get; internal set; }

    /// <summary>The largest read buffer any connection has held, in bytes (tests check that the limits bound memory).</summary>
    public int LargestBuffer => _largestBuffer;

    /// <summary>How often the heartbeat runs: once a second, or often enough for the shortest timeout.</summary>
    public TimeSpan HeartbeatInterval
    {
        get
        {
            var shortest = new[] { Limits.HeadersTimeout, Limits.BodyTimeout, Limits.KeepAliveTimeout }.Min();
            return TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 4, TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerSecond));
        }
    }

    /// <summary>Listens on <paramref name="endPoint"/> and serves until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="endPoint">Where to listen.</param>
    /// <param name="reusePort">True when several loops share the port (SO_REUSEPORT).</param>
    /// <param name="onListening">Called with the bound endpoint once the server listens (port 0 picks a free port).</param>
    /// <param name="cancellationToken">Stops the server.</param>
    /// <param name="limits">The limits (the defaults when null).</param>
    public static async Task RunAsync(IPEndPoint endPoint, bool reusePort, Action<EndPoint>? onListening, CancellationToken cancellationToken, HttpLimits? limits = null)
    {
        using var server = TcpServer.Listen(endPoint, backlog: 4096, reusePort: reusePort);
        var host = new HttpServerHost(limits);
        onListening?.Invoke(server.LocalEndPoint);
        await host.ServeAsync(server, cancellationToken);
    }

    /// <summary>Serves the connections of <paramref name="server"/> until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task ServeAsync(TcpServer server, CancellationToken cancellationToken)
    {
        var loop = EventLoop.Current ?? throw new InvalidOperationException("HttpServerHost.ServeAsync must be called on a loop thread.");
        var heartbeat = loop.Spawn(HeartbeatAsync, name: "HTTP heartbeat");
        try
        {
            await server.ServeAsync(ServeConnectionAsync, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            heartbeat.Cancel();
            try
            {
                await heartbeat;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    internal void NoteBufferSize(int size) => _largestBuffer = Math.Max(_largestBuffer, size);

    private async Task ServeConnectionAsync(TcpStream stream, CancellationToken cancellationToken)
    {
        var connection = new HttpConnection(this, stream, cancellationToken);
        _connections.Add(connection);
        try
        {
            await connection.RunAsync(cancellationToken);
        }
        finally
        {
            _connections.Remove(connection);
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var loop = EventLoop.Current!;
        var interval = HeartbeatInterval;
        while (true)
        {
            await EventLoop.Sleep(interval, cancellationToken);
            Date.Update(DateTimeOffset.UtcNow);
            var now = loop.Now;

            // Collect first: timing a connection out may run its continuation inline, which removes it from the set.
            foreach (var connection in _connections)
            {
                if (connection.Deadline <= now)
                {
                    _expired.Add(connection);
                }
            }

            foreach (var connection in _expired)
            {
                connection.TimeOut();
            }

            _expired.Clear();
        }
    }
}
