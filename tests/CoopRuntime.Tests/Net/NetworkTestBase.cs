using System.Net;
using System.Net.Sockets;

namespace CoopRuntime.Tests.Net;

/// <summary>
/// The base of every networking test class: each concrete class names one I/O driver, so the whole suite runs on
/// both (System.Threading.Channels' ChannelTestBase pattern). Sockets are real, on loopback, on port 0.
/// </summary>
public abstract class NetworkTestBase
{
    /// <summary>A safety net against a hung test, not a timing assertion: a healthy test finishes in well under it.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    protected abstract IoDriverKind Driver { get; }

    protected static IPEndPoint AnyLoopbackPort => new(IPAddress.Loopback, 0);

    protected EventLoopOptions Options(Action<Exception>? unhandled = null) => new() { IoDriver = Driver, UnhandledException = unhandled };

    /// <summary>Runs <paramref name="main"/> on a fresh loop with this class's driver and the real clock.</summary>
    protected void Run(Func<CancellationToken, Task> main, Action<Exception>? unhandled = null) =>
        EventLoop.Run(() => EventLoop.WithTimeoutAsync(HangGuard, main), Options(unhandled));

    /// <summary>Like <see cref="Run(Func{CancellationToken, Task}, Action{Exception}?)"/>, returning main's result.</summary>
    protected T Run<T>(Func<CancellationToken, Task<T>> main, Action<Exception>? unhandled = null) =>
        EventLoop.Run(() => EventLoop.WithTimeoutAsync(HangGuard, main), Options(unhandled));

    /// <summary>A connected pair: a client stream and the server side of the same connection.</summary>
    internal static async Task<(TcpStream Client, TcpStream Server)> ConnectPairAsync(TcpServer server, CancellationToken cancellationToken)
    {
        var connecting = TcpStream.ConnectAsync(server.LocalEndPoint, cancellationToken);
        var accepted = await server.AcceptAsync(cancellationToken);
        return (await connecting, accepted);
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns how many bytes arrived.</summary>
    protected static async Task<int> ReadFullyAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer[total..], cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <summary>Reads until the peer closes its side; returns everything.</summary>
    protected static async Task<byte[]> ReadToEndAsync(Stream stream, CancellationToken cancellationToken)
    {
        var all = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            all.Write(buffer, 0, read);
        }

        return all.ToArray();
    }

    protected static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A .NET socket connected to <paramref name="remote"/> with a blocking connect: loopback handshakes
    /// complete in the kernel's backlog, so this never waits on the loop. Used as a peer that can send a reset.</summary>
    protected static Socket ConnectRawPeer(EndPoint remote)
    {
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(remote);
        return socket;
    }

    /// <summary>Closes <paramref name="socket"/> with a reset (SO_LINGER 0) instead of an orderly FIN.</summary>
    protected static void Reset(Socket socket)
    {
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    }

    protected static int OpenFileDescriptorCount() => Directory.GetFiles("/proc/self/fd").Length;
}
