using System.Net;
using System.Text;
using CoopRuntime.Tests.Net;
using HttpServer;

namespace CoopRuntime.Tests.Samples;

/// <summary>The HTTP server in-process, on both I/O drivers, with raw loopback clients that send exactly the bytes a test needs.</summary>
public abstract class HttpServerHostTests : NetworkTestBase
{
    private T WithServer<T>(Func<HttpServerHost, IPEndPoint, CancellationToken, Task<T>> body, HttpLimits? limits = null) =>
        Run(async ct =>
        {
            using var listener = TcpServer.Listen(AnyLoopbackPort);
            var host = new HttpServerHost(limits);
            using var stop = new CancellationTokenSource();
            var serving = host.ServeAsync(listener, stop.Token);
            try
            {
                return await body(host, (IPEndPoint)listener.LocalEndPoint, ct);
            }
            finally
            {
                stop.Cancel();
                await serving;
            }
        });

    /// <summary>A response as the tests see it.</summary>
    protected sealed record Response(int Status, Dictionary<string, string> Headers, string Body);

    /// <summary>Reads one response (head, then a Content-Length body); null if the server closed first.</summary>
    protected static async Task<Response?> ReadResponseAsync(ByteStreamReader reader, CancellationToken ct)
    {
        var head = await reader.ReadUntilAsync("\r\n\r\n"u8.ToArray(), 64 * 1024, ct);
        if (head.IsEmpty)
        {
            return null;
        }

        var lines = Encoding.ASCII.GetString(head.Span).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(line => line.Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var length = headers.TryGetValue("Content-Length", out var text) ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var body = length == 0 ? string.Empty : Encoding.UTF8.GetString((await reader.ReadExactlyAsync(length, ct)).Span);
        return new Response(status, headers, body);
    }

    private static async Task<(TcpStream Stream, ByteStreamReader Reader)> ConnectAsync(IPEndPoint endPoint, CancellationToken ct)
    {
        var stream = await TcpStream.ConnectAsync(endPoint, ct);
        return (stream, new ByteStreamReader(stream, leaveOpen: true));
    }

    private static Task SendAsync(TcpStream stream, string text, CancellationToken ct) => stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct).AsTask();

    [Fact]
    public void KeepAlive_ServesSeveralRequestsOnOneConnection()
    {
        var bodies = WithServer(async (_, endPoint, ct) =>
        {
            var (stream, reader) = await ConnectAsync(endPoint, ct);
            using var connection = stream;
            var results = new List<string>();
            foreach (var path in new[] { "/", "/json", "/" })
            {
                await SendAsync(stream, $"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n", ct);
                results.Add((await ReadResponseAsync(reader, ct))!.Body);
            }

            return results;
        });

        Assert.Equal(["Hello, World!", "{\"message\":\"Hello, World!\"}", "Hello, World!"], bodies);
    }

    [Fact]
    public void PipelinedRequests_AreAnsweredInOrder_AndASlowOneDoesNotReorderThem()
    {
        var responses = WithServer(async (_, endPoint, ct) =>
        {
            var (stream, reader) = await ConnectAsync(endPoint, ct);
            using var connection = stream;
            await SendAsync(
                stream,
                "GET / HTTP/1.1\r\nHost: t\r\n\r\n" +
                "GET /slow?ms=20 HTTP/1.1\r\nHost: t\r\n\r\n" +
                "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello" +
                "GET /json HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                ct);
            var all = new List<Response>();
            while (await ReadResponseAsync(reader, ct) is { } response)
            {
                all.Add(response);
            }

            return all;
        });

        Assert.Equal(["Hello, World!", "Slept 20 ms\n", "hello", "{\"message\":\"Hello, World!\"}"], responses.Select(r => r.Body));
        Assert.Equal("close", responses[^1].Headers["Connection"]);
    }

    [Fact]
    public void ChunkedBodies_AreDecodedForEcho_EvenWhenSplitAcrossWrites()
    {
        var response = WithServer(async (_, endPoint, ct) =>
        {
            var (stream, reader) = await ConnectAsync(endPoint, ct);
            using var connection = stream;
            stream.NoDelay = true;
            await SendAsync(stream, "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Type: text/x-test\r\n\r\n5\r\nhel", ct);
            await EventLoop.Yield();
            await SendAsync(stream, "lo\r\n6\r\n world\r\n0\r\n\r\n", ct);
            return await ReadResponseAsync(reader, ct);
        });

        Assert.Equal(200, response!.Status);
        Assert.Equal("hello world", response.Body);
        Assert.Equal("text/x-test", response.Headers["Content-Type"]);
    }

    [Fact]
    public void ExpectContinue_GetsAnInterimResponseBeforeTheBodyIsSent()
    {
        var (interim, final) = WithServer(async (_, endPoint, ct) =>
        {
            var (stream, reader) = await ConnectAsync(endPoint, ct);
            using var connection = stream;
            await SendAsync(stream, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n", ct);
            var first = await ReadResponseAsync(reader, ct);
            await SendAsync(stream, "ping", ct);
            return (first, await ReadResponseAsync(reader, ct));
        });

        Assert.Equal(100, interim!.Status);
        Assert.Equal("ping", final!.Body);
    }

    [Theory]
    [InlineData("GET /nope HTTP/1.1\r\nHost: t\r\n\r\n", 404)]
    [InlineData("DELETE / HTTP/1.1\r\nHost: t\r\n\r\n", 405)]
    [InlineData("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n", 405)]
    [InlineData("GET /slow?ms=abc HTTP/1.1\r\nHost: t\r\n\r\n", 400)]
    public void RoutingErrors_KeepTheConnection(string request, int expected)
    {
        var (status, next) = WithServer(async (_, endPoint, ct) =>
        {
            var (stream, reader) = await ConnectAsync(endPoint, ct);
            using var connection = stream;
            await SendAsync(stream, request + "GET / HTTP/1.1\r\nHost: t\r\n\r\n", ct);
            return ((await ReadResponseAsync(reader, ct))!.Status, (await ReadResponseAsync(reader, ct))!.Status);
        });

        Assert.Equal(expected, status);
        Assert.Equal(200, next);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\n\r\n", 400)]
    [InlineData("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n", 413)]
    public void ProtocolErrors_AreAnsweredAndCloseTheConnection(string request, int expected)
    {
        var (response, afterwards) = WithServer(
            async (_, endPoint, ct) =>
            {
                var (stream, reader) = await ConnectAsync(endPoint, ct);
                using var connection = stream;
                await SendAsync(stream, request + "GET / HTTP/1.1\r\nHost: t\r\n\r\n", ct);
                return (await ReadResponseAsync(reader, ct), await ReadResponseAsync(reader, ct));
            },
            new HttpLimits { MaxBodyBytes = 1000 });

        Assert.Equal(expected, response!.Status);
        Assert.Equal("close", response.Headers["Connection"]);
        Assert.Null(afterwards);
    }

    [Fact]
    public void AHugeHeader_Gets431_AndTheServerBuffersNoMoreThanItsLimit()
    {
        // Up to 100 MiB of one header line, sent while the response is read: the server answers once the head passes
        // its limit, lingers a moment reading and discarding, then closes, which ends the sending.
        const long Total = 100L * 1024 * 1024;
        var (status, largest, limit) = WithServer(
            async (host, endPoint, ct) =>
            {
                var (stream, reader) = await ConnectAsync(endPoint, ct);
                using var connection = stream;
                var send = SendHugeHeaderAsync(stream, Total, ct);
                var response = await ReadResponseAsync(reader, ct);
                await send;
                return (response!.Status, host.LargestBuffer, host.Limits.MaxHeaderBytes);
            },
            new HttpLimits { LingerTimeout = TimeSpan.FromMilliseconds(100) });

        Assert.Equal(431, status);
        Assert.True(largest <= 2 * limit, $"The server's read buffer grew to {largest} bytes for a {limit}-byte limit.");
    }

    [Fact]
    public void ASlowHead_Gets408_WhenTheHeadersTimeoutPasses()
    {
        var response = WithServer(
            async (_, endPoint, ct) =>
            {
                var (stream, reader) = await ConnectAsync(endPoint, ct);
                using var connection = stream;
                await SendAsync(stream, "GET / HTTP/1.1\r\nHost: t\r\n", ct); // and never the empty line
                return await ReadResponseAsync(reader, ct);
            },
            new HttpLimits { HeadersTimeout = TimeSpan.FromMilliseconds(100) });

        Assert.Equal(408, response!.Status);
        Assert.Equal("close", response.Headers["Connection"]);
    }

    [Fact]
    public void AnIdleKeptAliveConnection_IsClosedAfterTheKeepAliveTimeout()
    {
        var (first, afterIdle) = WithServer(
            async (_, endPoint, ct) =>
            {
                var (stream, reader) = await ConnectAsync(endPoint, ct);
                using var connection = stream;
                await SendAsync(stream, "GET / HTTP/1.1\r\nHost: t\r\n\r\n", ct);
                var response = await ReadResponseAsync(reader, ct);
                return (response, await ReadResponseAsync(reader, ct)); // null: closed without a response
            },
            new HttpLimits { KeepAliveTimeout = TimeSpan.FromMilliseconds(100) });

        Assert.Equal(200, first!.Status);
        Assert.Null(afterIdle);
    }

    [Fact]
    public void ClientsThatVanishMidRequest_DoNotDisturbTheServer()
    {
        var (status, served, open) = WithServer(async (host, endPoint, ct) =>
        {
            var (closes, closesReader) = await ConnectAsync(endPoint, ct);
            await SendAsync(closes, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly part", ct);
            closes.Dispose();
            using (var resets = ConnectRawPeer(endPoint))
            {
                resets.Send("GET / HTTP/1.1\r\nHo"u8);
                Reset(resets);
            }

            var (stream, reader) = await ConnectAsync(endPoint, ct);
            await SendAsync(stream, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", ct);
            var response = await ReadResponseAsync(reader, ct);
            Assert.Null(await ReadResponseAsync(reader, ct));
            stream.Dispose();

            // Every connection ends: by the client's close, its reset, or (the last) the server's close. The test's
            // hang guard bounds this wait; no time limit is asserted.
            while (host.ConnectionCount > 0)
            {
                await EventLoop.Sleep(TimeSpan.FromMilliseconds(1), ct);
            }

            return (response!.Status, host.RequestsServed, host.ConnectionCount);
        });

        Assert.Equal(200, status);
        Assert.Equal(1, served);
        Assert.Equal(0, open);
    }

    [Fact]
    public void TwoThousandIdleConnections_DoNotStopTheServerServingAnother()
    {
        var (status, open) = WithServer(async (host, endPoint, ct) =>
        {
            var idle = new List<TcpStream>();
            try
            {
                for (var i = 0; i < 2000; i++)
                {
                    idle.Add(await TcpStream.ConnectAsync(endPoint, ct));
                }

                var (stream, reader) = await ConnectAsync(endPoint, ct);
                using var connection = stream;
                await SendAsync(stream, "GET / HTTP/1.1\r\nHost: t\r\n\r\n", ct);
                var response = await ReadResponseAsync(reader, ct);
                return (response!.Status, host.ConnectionCount);
            }
            finally
            {
                idle.ForEach(stream => stream.Dispose());
            }
        });

        Assert.Equal(200, status);
        Assert.Equal(2001, open);
    }

    private static async Task SendHugeHeaderAsync(TcpStream stream, long total, CancellationToken ct)
    {
        var chunk = Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
        try
        {
            await SendAsync(stream, "GET / HTTP/1.1\r\nHost: t\r\nX-Huge: ", ct);
            for (long sent = 0; sent < total; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk, ct);
            }
        }
        catch (IOException)
        {
            // Expected: the server closes (with a reset, as bytes are still arriving) once it has answered and lingered.
        }
    }
}

public sealed class EpollHttpServerHostTests : HttpServerHostTests
{
    protected override IoDriverKind Driver => IoDriverKind.Epoll;
}

public sealed class PortableHttpServerHostTests : HttpServerHostTests
{
    protected override IoDriverKind Driver => IoDriverKind.Portable;
}
