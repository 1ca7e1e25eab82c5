using System.Net;
using System.Text;

namespace CoopRuntime.Tests.Net;

/// <summary>The code of docs/guides/networking.md, run: if the API drifts from the guide, these stop compiling.</summary>
public sealed class NetworkingGuideExamplesTests
{
    [Fact]
    public void ServerAndClientExample_EchoesPing()
    {
        string? echoed = null;
        EventLoop.Run(async () =>
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
            await client.ReadExactlyAsync(reply);                             // "ping"
            echoed = Encoding.ASCII.GetString(reply);

            stop.Cancel();
            await serving;
        });

        Assert.Equal("ping", echoed);
    }

    [Fact]
    public void UdpExample_EchoesTheDatagramBackToTheSender()
    {
        string? received = null;
        EventLoop.Run(async () =>
        {
            using var server = UdpSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            using var client = UdpSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            await client.SendToAsync("hello"u8.ToArray(), server.LocalEndPoint!);

            var buffer = new byte[1500];
            var datagram = await server.ReceiveFromAsync(buffer);                    // 5 bytes from client.LocalEndPoint
            await server.SendToAsync(buffer.AsMemory(0, datagram.ReceivedBytes), datagram.RemoteEndPoint);

            var reply = new byte[16];
            var length = await client.ReceiveAsync(reply);
            received = Encoding.ASCII.GetString(reply, 0, length);
        });

        Assert.Equal("hello", received);
    }
}
