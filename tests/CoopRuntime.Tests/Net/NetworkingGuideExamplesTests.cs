using System.Net;
using System.Text;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Net;

/// <summary>
/// Keeps docs/guides/networking.md compiling and true: each <c>#region guide: ...</c> below is one of the guide's
/// examples, verbatim (<see cref="Guide_EveryCodeBlockIsARegionOfTheseTests"/> checks that), run on real loopback
/// sockets on port 0 with the loop's default driver and real clock, as a reader would run them.
/// </summary>
public sealed class NetworkingGuideExamplesTests
{
    [Fact]
    public void ServerAndClientExample_TheServerEchoesPingAndStopsCleanly()
    {
        #region guide: server and client
        var echoed = EventLoop.Run(async () =>
        {
            using var server = TcpServer.Listen(new IPEndPoint(IPAddress.Loopback, 0));
            using var stop = new CancellationTokenSource();

            // One spawned task per connection; stopping closes them all.
            var serving = server.ServeAsync(async (connection, ct) =>
            {
                var buffer = new byte[4096];
                int read;
                while ((read = await connection.ReadAsync(buffer, ct)) > 0)
                {
                    await connection.WriteAsync(buffer.AsMemory(0, read), ct);   // completes when the kernel has every byte
                }
            }, stop.Token);

            using var client = await TcpStream.ConnectAsync(server.LocalEndPoint);
            await client.WriteAsync("ping"u8.ToArray());
            var reply = new byte[4];
            await client.ReadExactlyAsync(reply);                             // the echo, 4 bytes

            stop.Cancel();
            await serving;                                                    // every handler has finished
            return Encoding.ASCII.GetString(reply);                           // "ping"
        });
        #endregion

        Assert.Equal("ping", echoed);
    }

    [Fact]
    public void UdpExample_TheServerEchoesTheDatagramBackToItsSender()
    {
        #region guide: udp
        var echoed = EventLoop.Run(async () =>
        {
            using var server = UdpSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            using var client = UdpSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            await client.SendToAsync("hello"u8.ToArray(), server.LocalEndPoint!);

            var buffer = new byte[1500];
            var datagram = await server.ReceiveFromAsync(buffer);                    // 5 bytes from client.LocalEndPoint
            await server.SendToAsync(buffer.AsMemory(0, datagram.ReceivedBytes), datagram.RemoteEndPoint);

            var reply = new byte[1500];
            var echo = await client.ReceiveFromAsync(reply);                         // from server.LocalEndPoint
            return Encoding.ASCII.GetString(reply, 0, echo.ReceivedBytes);           // "hello"
        });
        #endregion

        Assert.Equal("hello", echoed);
    }

    [Fact]
    public void Guide_EveryCodeBlockIsARegionOfTheseTests()
    {
        GuideText.AssertGuideContainsRegions("docs/guides/networking.md", "tests/CoopRuntime.Tests/Net/NetworkingGuideExamplesTests.cs", 2);
        GuideText.AssertGuideHasCSharpBlocks("docs/guides/networking.md", 2);
    }
}
