using System.Net;
using System.Net.Sockets;
using CoopRuntime;

namespace Showdown.Io;

/// <summary>One request to the latency server, three ways: blocking socket calls, .NET async sockets, a CoopRuntime stream.</summary>
internal static class Requests
{
    /// <summary>A request that never gets its answer fails after this long instead of hanging the showdown.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly byte[] Request = [(byte)'?'];

    /// <summary>Blocks the calling thread for the whole round trip: connect, send, wait for the late answer.</summary>
    public static void SendBlocking(IPEndPoint server)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
            ReceiveTimeout = (int)Patience.TotalMilliseconds,
        };
        socket.Connect(server);
        socket.Send(Request);
        var answer = new byte[1];
        if (socket.Receive(answer) != 1)
        {
            throw new IOException("The server closed the connection without answering.");
        }
    }

    /// <summary>Frees the thread while it waits: the continuation runs on a thread-pool thread when the answer comes.</summary>
    public static async Task SendWithDotnetAsync(IPEndPoint server)
    {
        using var timeout = new CancellationTokenSource(Patience);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server, timeout.Token);
        await socket.SendAsync(Request, SocketFlags.None, timeout.Token);
        var answer = new byte[1];
        if (await socket.ReceiveAsync(answer, SocketFlags.None, timeout.Token) != 1)
        {
            throw new IOException("The server closed the connection without answering.");
        }
    }

    /// <summary>The same on a CoopRuntime loop: every continuation runs on the loop's one thread.</summary>
    public static async Task SendOnLoopAsync(IPEndPoint server)
    {
        using var timeout = CancelScope.After(Patience); // a timer on the loop, not a timer thread
        await using var stream = await TcpStream.ConnectAsync(server, timeout.Token);
        stream.NoDelay = true;
        await stream.WriteAsync(Request, timeout.Token);
        var answer = new byte[1];
        if (await stream.ReadAsync(answer, timeout.Token) != 1)
        {
            throw new IOException("The server closed the connection without answering.");
        }
    }
}
