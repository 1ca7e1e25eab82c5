using System.Net;
using System.Net.Sockets;

namespace CoopRuntime.Benchmarks.Echo;

/// <summary>
/// The .NET echo servers of the TCP echo comparison, each run as its own process (<c>echo-server KIND PORT</c>) so
/// that every server, .NET or not, is pinned to the same core and measured with the same external load client.
/// </summary>
internal static class EchoServers
{
    private const int BufferSize = 16 * 1024;

    public static readonly string[] Kinds = ["coop-epoll", "coop-portable", "threadpool"];

    public static int Run(string kind, int port)
    {
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);
        switch (kind)
        {
            case "coop-epoll":
            case "coop-portable":
                var options = new EventLoopOptions { IoDriver = kind == "coop-epoll" ? IoDriverKind.Epoll : IoDriverKind.Portable };
                EventLoop.Run(
                    async () =>
                    {
                        using var server = TcpServer.Listen(endPoint);
                        Console.WriteLine("ready");
                        await server.ServeAsync(EchoOnLoopAsync);
                    },
                    options);
                return 0;
            case "threadpool":
                RunThreadPoolServer(endPoint).GetAwaiter().GetResult();
                return 0;
            default:
                Console.Error.WriteLine($"Unknown echo server '{kind}'; expected one of: {string.Join(", ", Kinds)}.");
                return 2;
        }
    }

    private static async Task EchoOnLoopAsync(TcpStream connection, CancellationToken cancellationToken)
    {
        connection.NoDelay = true;
        var buffer = new byte[BufferSize];
        int read;
        while ((read = await connection.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await connection.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    /// <summary>The idiomatic .NET server: async socket methods, continuations on the thread pool.</summary>
    private static async Task RunThreadPoolServer(IPEndPoint endPoint)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(endPoint);
        listener.Listen(512);
        Console.WriteLine("ready");
        while (true)
        {
            var connection = await listener.AcceptAsync();
            _ = Task.Run(() => EchoOnThreadPoolAsync(connection));
        }
    }

    private static async Task EchoOnThreadPoolAsync(Socket connection)
    {
        using (connection)
        {
            connection.NoDelay = true;
            var buffer = new byte[BufferSize];
            int read;
            while ((read = await connection.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                await connection.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
    }
}
