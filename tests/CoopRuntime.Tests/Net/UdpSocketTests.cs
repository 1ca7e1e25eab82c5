using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CoopRuntime.Tests.Net;

public abstract class UdpSocketTests : NetworkTestBase
{
    [Fact]
    public void SendToAsync_ThenReceiveFromAsync_DeliversTheDatagramAndNamesTheSender()
    {
        var (text, sender, expectedSender) = Run(async ct =>
        {
            using var a = UdpSocket.Bind(AnyLoopbackPort);
            using var b = UdpSocket.Bind(AnyLoopbackPort);
            var buffer = new byte[64];
            var receiving = b.ReceiveFromAsync(buffer, ct);
            await a.SendToAsync("ping"u8.ToArray(), b.LocalEndPoint!, ct);
            var result = await receiving;
            return (Encoding.ASCII.GetString(buffer, 0, result.ReceivedBytes), result.RemoteEndPoint, a.LocalEndPoint);
        });

        Assert.Equal("ping", text);
        Assert.Equal(expectedSender, sender);
    }

    [Fact]
    public void RoundTrips_ManyDatagramsBothWays_ArriveIntact()
    {
        var replies = Run(async ct =>
        {
            using var server = UdpSocket.Bind(AnyLoopbackPort);
            using var client = UdpSocket.Bind(AnyLoopbackPort);
            var serving = ServeEchoAsync(server, 100, ct);
            var received = new List<string>();
            var buffer = new byte[64];
            for (var i = 0; i < 100; i++)
            {
                await client.SendToAsync(Encoding.ASCII.GetBytes($"datagram {i}"), server.LocalEndPoint!, ct);
                var reply = await client.ReceiveFromAsync(buffer, ct);
                received.Add(Encoding.ASCII.GetString(buffer, 0, reply.ReceivedBytes));
            }

            await serving;
            return received;
        });

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"datagram {i}"), replies);
    }

    private static async Task ServeEchoAsync(UdpSocket socket, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[64];
        for (var i = 0; i < count; i++)
        {
            var datagram = await socket.ReceiveFromAsync(buffer, cancellationToken);
            await socket.SendToAsync(buffer.AsMemory(0, datagram.ReceivedBytes), datagram.RemoteEndPoint, cancellationToken);
        }
    }

    [Fact]
    public void ConnectAsync_ThenSendAndReceive_TalkToTheConnectedPeer()
    {
        var (reply, remote, expectedRemote) = Run(async ct =>
        {
            using var server = UdpSocket.Bind(AnyLoopbackPort);
            using var client = UdpSocket.Bind(AnyLoopbackPort);
            await client.ConnectAsync(server.LocalEndPoint!, ct);
            var serving = ServeEchoAsync(server, 1, ct);
            await client.SendAsync("connected"u8.ToArray(), ct);
            var buffer = new byte[64];
            var length = await client.ReceiveAsync(buffer, ct);
            await serving;
            return (Encoding.ASCII.GetString(buffer, 0, length), client.RemoteEndPoint, server.LocalEndPoint);
        });

        Assert.Equal("connected", reply);
        Assert.Equal(expectedRemote, remote);
    }

    [Fact]
    public void ReceiveFromAsync_Cancelled_ThrowsOperationCanceled()
    {
        var error = Run(async _ =>
        {
            using var socket = UdpSocket.Bind(AnyLoopbackPort);
            using var cancel = new CancellationTokenSource();
            var receiving = socket.ReceiveFromAsync(new byte[16], cancel.Token).AsTask();
            await EventLoop.Yield();
            cancel.Cancel();
            return await Record.ExceptionAsync(() => receiving);
        });

        Assert.IsAssignableFrom<OperationCanceledException>(error);
    }

    [Fact]
    public void Bind_OnAnAddressInUse_ThrowsNamingTheEndpoint()
    {
        var error = Run(_ =>
        {
            using var first = UdpSocket.Bind(AnyLoopbackPort);
            return Task.FromResult(Record.Exception(() => UdpSocket.Bind(first.LocalEndPoint!)));
        });

        var socketError = Assert.IsAssignableFrom<SocketException>(error);
        Assert.Equal(SocketError.AddressAlreadyInUse, socketError.SocketErrorCode);
        Assert.Contains("127.0.0.1:", socketError.Message);
    }
}

public sealed class EpollUdpSocketTests : UdpSocketTests
{
    protected override IoDriverKind Driver => IoDriverKind.Epoll;
}

public sealed class PortableUdpSocketTests : UdpSocketTests
{
    protected override IoDriverKind Driver => IoDriverKind.Portable;
}
