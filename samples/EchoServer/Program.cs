// EchoServer: a TCP echo server on one loop thread, and a small load client to measure it.
//
//   dotnet run -c Release --project samples/EchoServer -- --port 9000            serve on 127.0.0.1:9000 until Ctrl+C
//   dotnet run -c Release --project samples/EchoServer -- --client --port 9000   load it: 50 connections, 5 s, 64-byte messages
//   dotnet run -c Release --project samples/EchoServer -- --help                 every option
using System.Diagnostics;
using System.Net;
using CoopRuntime;

var options = EchoOptions.Parse(args);
if (options is null)
{
    Console.WriteLine(EchoOptions.Usage);
    return args.Contains("--help") || args.Contains("-h") ? 0 : 2;
}

// Ctrl+C stops the server or the client cleanly: the handler cancels, the loop shuts down, sockets close.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

// This sample stops itself on Ctrl+C through the handler above, so EventLoop.Run's own Ctrl+C handling is off.
var loopOptions = new EventLoopOptions { IoDriver = options.Driver, HandleCtrlC = false };
return options.Client
    ? EventLoop.Run(() => RunClientAsync(options, stop.Token), loopOptions)
    : EventLoop.Run(() => RunServerAsync(options, stop.Token), loopOptions);

static async Task<int> RunServerAsync(EchoOptions options, CancellationToken stop)
{
    using var server = TcpServer.Listen(new IPEndPoint(options.Address, options.Port), reusePort: options.ReusePort);
    Console.WriteLine($"Echo server on {server.LocalEndPoint} ({EventLoop.Current!.IoDriver} driver). Ctrl+C stops it.");
    try
    {
        await server.ServeAsync(EchoAsync, stop);
    }
    catch (OperationCanceledException) when (stop.IsCancellationRequested)
    {
    }

    Console.WriteLine("Stopped.");
    return 0;
}

static async Task EchoAsync(TcpStream connection, CancellationToken cancellationToken)
{
    connection.NoDelay = true;
    var buffer = new byte[16 * 1024];
    try
    {
        int read;
        while ((read = await connection.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await connection.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }
    catch (IOException)
    {
        // The client reset the connection: that ends this echo, not the server.
    }
}

// The client keeps one message in flight per connection and counts completed round trips.
static async Task<int> RunClientAsync(EchoOptions options, CancellationToken stop)
{
    var remote = new IPEndPoint(options.Address, options.Port);
    var connections = new List<TcpStream>();
    for (var i = 0; i < options.Connections; i++)
    {
        var stream = await TcpStream.ConnectAsync(remote, stop);
        stream.NoDelay = true;
        connections.Add(stream);
    }

    Console.WriteLine($"{options.Connections} connections to {remote}, {options.MessageSize}-byte messages, {options.Seconds} s...");
    using var timer = CancelScope.After(TimeSpan.FromSeconds(options.Seconds));
    using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timer.Token);
    var clock = Stopwatch.StartNew();
    var counts = await Task.WhenAll(connections.Select(c => PingPongAsync(c, options.MessageSize, linked.Token)));
    var elapsed = clock.Elapsed.TotalSeconds;
    connections.ForEach(c => c.Dispose());
    var total = counts.Sum();
    Console.WriteLine($"{total:N0} round trips in {elapsed:0.00} s: {total / elapsed:N0} round trips/s.");
    return 0;
}

static async Task<long> PingPongAsync(TcpStream stream, int size, CancellationToken cancellationToken)
{
    var message = new byte[size];
    long count = 0;
    try
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await stream.WriteAsync(message, cancellationToken);
            var got = 0;
            while (got < size)
            {
                var read = await stream.ReadAsync(message.AsMemory(got), cancellationToken);
                if (read == 0)
                {
                    throw new IOException("The server closed the connection.");
                }

                got += read;
            }

            count++;
        }
    }
    catch (OperationCanceledException)
    {
    }

    return count;
}

/// <summary>The command line.</summary>
internal sealed record EchoOptions(bool Client, IPAddress Address, int Port, int Connections, int Seconds, int MessageSize, bool ReusePort, IoDriverKind Driver)
{
    public const string Usage =
        """
        EchoServer: a TCP echo server on one CoopRuntime loop thread, and a load client for it.

        Usage: dotnet run -c Release --project samples/EchoServer -- [options]
          --port N          port to serve on or connect to (default 9000)
          --address A       address to bind or connect to (default 127.0.0.1)
          --reuse-port      let several servers share the port (SO_REUSEPORT; Linux)
          --driver D        I/O driver: automatic (default), epoll or portable
          --client          run the load client instead of the server
          --connections N   client: concurrent connections (default 50)
          --seconds N       client: how long to run (default 5)
          --size N          client: message size in bytes (default 64)
          --help            this text
        """;

    public static EchoOptions? Parse(string[] args)
    {
        var options = new EchoOptions(false, IPAddress.Loopback, 9000, 50, 5, 64, false, IoDriverKind.Automatic);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--port": options = options with { Port = int.Parse(Next()) }; break;
                case "--address": options = options with { Address = IPAddress.Parse(Next()) }; break;
                case "--reuse-port": options = options with { ReusePort = true }; break;
                case "--driver": options = options with { Driver = Enum.Parse<IoDriverKind>(Next(), ignoreCase: true) }; break;
                case "--client": options = options with { Client = true }; break;
                case "--connections": options = options with { Connections = int.Parse(Next()) }; break;
                case "--seconds": options = options with { Seconds = int.Parse(Next()) }; break;
                case "--size": options = options with { MessageSize = int.Parse(Next()) }; break;
                default: return null;
            }
        }

        return options;
    }
}
