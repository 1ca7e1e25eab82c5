using System.Net;
using System.Net.Sockets;
using System.Text;
using CoopRuntime.Tests.Net;
using KvServer;

namespace CoopRuntime.Tests.Samples;

/// <summary>The KV server in-process, on both I/O drivers, with real loopback clients.</summary>
public abstract class KvServerHostTests : NetworkTestBase
{
    /// <summary>Starts a host on port 0, runs <paramref name="body"/> as its client, then stops the host.</summary>
    private T WithServer<T>(Func<KvServerHost, IPEndPoint, CancellationToken, Task<T>> body, RespLimits? limits = null) =>
        Run(async ct =>
        {
            using var listener = TcpServer.Listen(AnyLoopbackPort);
            var host = KvServerHost.ForCurrentLoop(((IPEndPoint)listener.LocalEndPoint).Port, limits);
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

    private static async Task<string> ExchangeAsync(TcpStream client, string request, int replyLength, CancellationToken ct)
    {
        await client.WriteAsync(Encoding.UTF8.GetBytes(request), ct);
        var reply = new byte[replyLength];
        var read = await ReadFullyAsync(client, reply, ct);
        return Encoding.UTF8.GetString(reply, 0, read);
    }

    [Fact]
    public void PipelinedCommandsInOneWrite_GetEveryReplyInOrder()
    {
        const string Expected = "+OK\r\n$1\r\n1\r\n+PONG\r\n:2\r\n";
        var reply = WithServer(async (_, endPoint, ct) =>
        {
            using var client = await TcpStream.ConnectAsync(endPoint, ct);
            return await ExchangeAsync(client, "SET a 1\r\nGET a\r\n*1\r\n$4\r\nPING\r\nINCR a\r\n", Expected.Length, ct);
        });

        Assert.Equal(Expected, reply);
    }

    [Fact]
    public void ACommandArrivingByteByByte_IsParsedOnceWhole()
    {
        const string Request = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n";
        const string Expected = "+OK\r\n$5\r\nvalue\r\n";
        var reply = WithServer(async (_, endPoint, ct) =>
        {
            using var client = await TcpStream.ConnectAsync(endPoint, ct);
            client.NoDelay = true;
            foreach (var b in Encoding.ASCII.GetBytes(Request))
            {
                await client.WriteAsync(new[] { b }, ct);
                await EventLoop.Yield(); // let the server read each byte on its own
            }

            var bytes = new byte[Expected.Length];
            await ReadFullyAsync(client, bytes, ct);
            return Encoding.ASCII.GetString(bytes);
        });

        Assert.Equal(Expected, reply);
    }

    [Fact]
    public void Garbage_GetsAProtocolErrorAndClosesThatConnectionOnly()
    {
        var (garbageReply, otherReply) = WithServer(async (_, endPoint, ct) =>
        {
            using var other = await TcpStream.ConnectAsync(endPoint, ct);
            Assert.Equal("+OK\r\n", await ExchangeAsync(other, "SET kept yes\r\n", 5, ct));

            using var bad = await TcpStream.ConnectAsync(endPoint, ct);
            await bad.WriteAsync("*2\r\n$3\r\nGET\r\n:oops\r\n"u8.ToArray(), ct);
            var garbage = Encoding.UTF8.GetString(await ReadToEndAsync(bad, ct)); // ends: the server closed it

            return (garbage, await ExchangeAsync(other, "GET kept\r\n", 9, ct));
        });

        Assert.Equal("-ERR Protocol error: expected '$', got ':'\r\n", garbageReply);
        Assert.Equal("$3\r\nyes\r\n", otherReply);
    }

    [Fact]
    public void Quit_RepliesOkAndCloses()
    {
        var reply = WithServer(async (_, endPoint, ct) =>
        {
            using var client = await TcpStream.ConnectAsync(endPoint, ct);
            await client.WriteAsync("QUIT\r\nPING\r\n"u8.ToArray(), ct);
            return Encoding.UTF8.GetString(await ReadToEndAsync(client, ct));
        });

        Assert.Equal("+OK\r\n", reply);
    }

    [Fact]
    public void ClientsThatVanishMidCommand_LeaveNoTraceAndTheServerServesOthers()
    {
        var (exists, ping, commands) = WithServer(async (host, endPoint, ct) =>
        {
            using (var closes = await TcpStream.ConnectAsync(endPoint, ct))
            {
                await closes.WriteAsync("*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$10\r\nabc"u8.ToArray(), ct);
            }

            using (var resets = ConnectRawPeer(endPoint))
            {
                resets.Send("*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$10\r\nabc"u8);
                Reset(resets);
            }

            using var client = await TcpStream.ConnectAsync(endPoint, ct);
            var existsReply = await ExchangeAsync(client, "EXISTS half\r\n", 4, ct);
            var pingReply = await ExchangeAsync(client, "PING\r\n", 7, ct);
            return (existsReply, pingReply, host.Handler.CommandsProcessed);
        });

        Assert.Equal(":0\r\n", exists);
        Assert.Equal("+PONG\r\n", ping);
        Assert.Equal(2, commands); // EXISTS and PING: the halves never ran
    }

    [Fact]
    public void ALargeValue_RoundTrips_AndTheReadBufferStaysWithinTheLimit()
    {
        var value = new string('x', 1024 * 1024);
        var (reply, largest) = WithServer(async (host, endPoint, ct) =>
        {
            using var client = await TcpStream.ConnectAsync(endPoint, ct);
            var set = $"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n${value.Length}\r\n{value}\r\n";
            Assert.Equal("+OK\r\n", await ExchangeAsync(client, set, 5, ct));
            var expected = $"${value.Length}\r\n{value}\r\n";
            return (await ExchangeAsync(client, "GET big\r\n", expected.Length, ct), host.LargestBuffer);
        });

        Assert.Equal($"${value.Length}\r\n{value}\r\n", reply);
        Assert.InRange(largest, value.Length, 4 * value.Length);
    }

    [Fact]
    public void ABulkOverTheLimit_IsRefusedBeforeItsBytesAreBuffered()
    {
        var limits = new RespLimits { MaxBulkLength = 64 * 1024, MaxQueryBufferLength = 128 * 1024 };
        var (reply, largest) = WithServer(
            async (host, endPoint, ct) =>
            {
                using var client = await TcpStream.ConnectAsync(endPoint, ct);
                await client.WriteAsync(Encoding.ASCII.GetBytes($"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n${1024 * 1024}\r\n"), ct);
                return (Encoding.UTF8.GetString(await ReadToEndAsync(client, ct)), host.LargestBuffer);
            },
            limits);

        Assert.Equal("-ERR Protocol error: invalid bulk length\r\n", reply);
        Assert.True(largest <= limits.MaxQueryBufferLength, $"The read buffer grew to {largest} bytes.");
    }

    [Fact]
    public void ExpiredKeys_AreRemovedByTheLoopTimer_WithoutBeingRead()
    {
        var (before, after) = WithServer(async (host, endPoint, ct) =>
        {
            using var client = await TcpStream.ConnectAsync(endPoint, ct);
            await ExchangeAsync(client, "SET short v PX 50\r\nSET long v\r\n", 10, ct);
            var count = host.Store.Count;

            // The expiry timer pending when the key expires is due within one interval of that moment; loop timers
            // fire in deadline order, so it has run once this longer sleep returns.
            await EventLoop.Sleep(TimeSpan.FromMilliseconds(50) + (2 * KvServerHost.ExpiryInterval), ct);
            return (count, host.Store.Count);
        });

        Assert.Equal(2, before);
        Assert.Equal(1, after);
    }

    [Fact]
    public void TwoThousandIdleConnections_DoNotStopTheServerServingAnother()
    {
        var (reply, open) = WithServer(async (host, endPoint, ct) =>
        {
            var idle = new List<TcpStream>();
            try
            {
                for (var i = 0; i < 2000; i++)
                {
                    idle.Add(await TcpStream.ConnectAsync(endPoint, ct));
                }

                using var client = await TcpStream.ConnectAsync(endPoint, ct);
                var pong = await ExchangeAsync(client, "PING\r\n", 7, ct);
                return (pong, idle.Count);
            }
            finally
            {
                idle.ForEach(stream => stream.Dispose());
            }
        });

        Assert.Equal("+PONG\r\n", reply);
        Assert.Equal(2000, open);
    }
}

public sealed class EpollKvServerHostTests : KvServerHostTests
{
    protected override IoDriverKind Driver => IoDriverKind.Epoll;
}

public sealed class PortableKvServerHostTests : KvServerHostTests
{
    protected override IoDriverKind Driver => IoDriverKind.Portable;
}
