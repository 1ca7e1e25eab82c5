// Chat: a broadcast chat server on one loop thread. Every line a client sends reaches every other client.
//
//   dotnet run --project samples/Chat -- --port 9001      then, in other terminals:  nc 127.0.0.1 9001
//
// Each client gets a bounded outbox (a LoopChannel) drained by its own writer task, so one client that stops
// reading cannot stall the others: when its outbox is full it is disconnected. Everything runs on one thread, so
// the member list needs no lock.
using System.Net;
using System.Text;
using System.Threading.Channels;
using CoopRuntime;

var port = 9001;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] is "--help" or "-h")
    {
        Console.WriteLine("Chat: a broadcast chat server. Usage: dotnet run --project samples/Chat -- [--port N (default 9001)]");
        return 0;
    }

    if (args[i] == "--port" && i + 1 < args.Length && int.TryParse(args[++i], out var parsed))
    {
        port = parsed;
        continue;
    }

    Console.Error.WriteLine($"Unknown option '{args[i]}'. Try --help.");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

EventLoop.Run(async () =>
{
    var room = new ChatRoom();
    using var server = TcpServer.Listen(new IPEndPoint(IPAddress.Loopback, port));
    Console.WriteLine($"Chat server on {server.LocalEndPoint}. Connect with: nc 127.0.0.1 {port}. Ctrl+C stops it.");
    try
    {
        await server.ServeAsync(room.JoinAsync, stop.Token);
    }
    catch (OperationCanceledException) when (stop.IsCancellationRequested)
    {
    }
},
new EventLoopOptions { HandleCtrlC = false }); // Ctrl+C is handled by the handler above, which stops the server
return 0;

/// <summary>The members and the broadcast. Loop thread only, so plain collections are safe.</summary>
internal sealed class ChatRoom
{
    private const int OutboxCapacity = 256;
    private readonly Dictionary<TcpStream, Channel<string>> _members = new();
    private int _nextGuest = 1;

    public async Task JoinAsync(TcpStream connection, CancellationToken cancellationToken)
    {
        var name = $"guest{_nextGuest++}";
        var outbox = LoopChannel.CreateBounded<string>(OutboxCapacity);
        _members[connection] = outbox;
        var writing = WriteOutboxAsync(connection, outbox.Reader, cancellationToken);
        outbox.Writer.TryWrite($"Welcome, {name}! {_members.Count - 1} other(s) here. Type a line to send it to everyone.\n");
        Broadcast(connection, $"* {name} joined\n");
        try
        {
            var reader = new ByteStreamReader(connection, leaveOpen: true);
            while (await reader.ReadLineAsync(4096, cancellationToken) is { } line)
            {
                Broadcast(connection, $"{name}: {line}\n");
            }
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException)
        {
            // A reset, an over-long line (ReadLimitExceededException is an IOException) or a kicked slow reader.
        }
        finally
        {
            _members.Remove(connection);
            outbox.Writer.TryComplete();
            Broadcast(connection, $"* {name} left\n");
        }

        await writing;
    }

    private void Broadcast(TcpStream from, string message)
    {
        Console.Write(message);
        foreach (var (member, outbox) in _members)
        {
            if (member != from && !outbox.Writer.TryWrite(message))
            {
                // This member stopped reading and its outbox is full: disconnect it rather than stall everyone.
                member.Dispose();
            }
        }
    }

    private static async Task WriteOutboxAsync(TcpStream connection, ChannelReader<string> outbox, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in outbox.ReadAllAsync(cancellationToken))
            {
                await connection.WriteAsync(Encoding.UTF8.GetBytes(message), cancellationToken);
            }
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }
}
