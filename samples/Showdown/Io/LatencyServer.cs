using System.Globalization;
using System.Net;
using CoopRuntime;

namespace Showdown.Io;

/// <summary>
/// The I/O workload's server, run in a child process (this same program started with <see cref="Argument"/>): it
/// answers each request after a fixed delay on a loop timer, the way a database or a remote service keeps a client
/// waiting. One connection is one request: the client sends a byte, the server waits, sends a byte back and closes.
/// </summary>
internal static class LatencyServer
{
    public const string Argument = "--latency-server";

    // The kernel caps each listener's queue of not-yet-accepted connections at net.core.somaxconn (often 4,096), and a
    // connect that finds it full is dropped and retried a second or more later. A burst of 10,000 connects would
    // measure those retries, not the clients, so on Linux several listeners share the port (SO_REUSEPORT) and
    // together queue the whole burst.
    private const int Backlog = 16_384;
    private const int LinuxListeners = 4;

    public static bool IsServer(string[] args) => args.Length == 2 && args[0] == Argument;

    /// <summary>Serves until standard input closes (the parent ended); prints the port as its first line.</summary>
    public static int Run(string[] args)
    {
        var latency = TimeSpan.FromMilliseconds(int.Parse(args[1], CultureInfo.InvariantCulture));
        EventLoop.Run(async () =>
        {
            var listeners = Listen();
            Console.WriteLine(((IPEndPoint)listeners[0].LocalEndPoint).Port.ToString(CultureInfo.InvariantCulture));
            Console.Out.Flush();

            using var stop = new CancellationTokenSource();
            var serving = Task.WhenAll(listeners.Select(l => l.ServeAsync((connection, ct) => AnswerLateAsync(connection, latency, ct), stop.Token)));
            // The parent holds our standard input open; when it exits, for any reason, the read ends and so do we.
            await EventLoop.RunOnThreadPoolAsync(() => Console.OpenStandardInput().CopyTo(Stream.Null));
            await stop.CancelAsync();
            try
            {
                await serving;
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                foreach (var listener in listeners)
                {
                    listener.Dispose();
                }
            }
        }, new EventLoopOptions { HandleCtrlC = false });
        return 0;
    }

    private static TcpServer[] Listen()
    {
        var loopback = new IPEndPoint(IPAddress.Loopback, 0);
        if (!OperatingSystem.IsLinux())
        {
            return [TcpServer.Listen(loopback, Backlog)];
        }

        var first = TcpServer.Listen(loopback, Backlog, reusePort: true);
        var port = ((IPEndPoint)first.LocalEndPoint).Port;
        return [first, .. Enumerable.Range(1, LinuxListeners - 1).Select(_ => TcpServer.Listen(new IPEndPoint(IPAddress.Loopback, port), Backlog, reusePort: true))];
    }

    private static async Task AnswerLateAsync(TcpStream connection, TimeSpan latency, CancellationToken cancellationToken)
    {
        var request = new byte[1];
        try
        {
            if (await connection.ReadAsync(request, cancellationToken) == 0)
            {
                return;
            }

            await EventLoop.Sleep(latency, cancellationToken); // the simulated work elsewhere: a timer, not a thread
            await connection.WriteAsync(request, cancellationToken);
        }
        catch (IOException)
        {
            // A client that gave up (a failed mode) resets its connection; that ends this request, not the server.
        }
    }
}
