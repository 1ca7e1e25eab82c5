using System.Net;
using CoopRuntime;

namespace KvServer;

/// <summary>
/// Serves RESP on a <see cref="TcpServer"/>: one loop, one <see cref="KeyValueStore"/>, every client a task on the loop.
/// </summary>
/// <remarks>
/// <para>Each connection reads into its own buffer, parses every whole command in it, and answers the whole batch with
/// one write: a pipelining client gets one reply packet per read, a plain one a reply per command.</para>
/// <para>A protocol error is answered with Redis's error text and closes that connection only. The read buffer grows
/// only as far as an unfinished command needs (bounded by <see cref="RespLimits.MaxQueryBufferLength"/>) and goes back
/// to its initial size once a large command is done, so a client cannot make the server hold more than the limits.</para>
/// </remarks>
public sealed class KvServerHost
{
    /// <summary>How often the active expiry pass runs (Redis runs its own 10 times a second).</summary>
    public static readonly TimeSpan ExpiryInterval = TimeSpan.FromMilliseconds(100);

    private const int InitialBufferSize = 4096;

    // A batch of replies is flushed once it reaches this size, so that a pipeline of large GETs cannot make the
    // reply buffer grow without bound before the first byte goes out.
    private const int FlushThreshold = 64 * 1024;

    private readonly RespLimits _limits;
    private int _largestBuffer;

    /// <summary>Creates a host over <paramref name="store"/>.</summary>
    public KvServerHost(KeyValueStore store, CommandHandler handler, RespLimits? limits = null)
    {
        Store = store;
        Handler = handler;
        _limits = limits ?? new RespLimits();
    }

    /// <summary>The data.</summary>
    public KeyValueStore Store { get; }

    /// <summary>The command handler shared by every connection (the loop runs one command at a time).</summary>
    public CommandHandler Handler { get; }

    /// <summary>The largest read buffer any connection has held, in bytes (tests check that limits bound memory).</summary>
    public int LargestBuffer => _largestBuffer;

    /// <summary>Creates a host whose store reads the current loop's clock.</summary>
    public static KvServerHost ForCurrentLoop(int port, RespLimits? limits = null)
    {
        var loop = EventLoop.Current ?? throw new InvalidOperationException("KvServerHost.ForCurrentLoop must be called on a loop thread.");
        var store = new KeyValueStore(() => (long)loop.Now.TotalMilliseconds);
        return new KvServerHost(store, new CommandHandler(store, port), limits);
    }

    /// <summary>Listens on <paramref name="endPoint"/> and serves until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="endPoint">Where to listen.</param>
    /// <param name="onListening">Called with the bound endpoint once the server listens (port 0 picks a free port).</param>
    /// <param name="cancellationToken">Stops the server.</param>
    public static async Task RunAsync(IPEndPoint endPoint, Action<EndPoint>? onListening, CancellationToken cancellationToken, RespLimits? limits = null)
    {
        using var server = TcpServer.Listen(endPoint);
        var host = ForCurrentLoop(((IPEndPoint)server.LocalEndPoint).Port, limits);
        onListening?.Invoke(server.LocalEndPoint);
        await host.ServeAsync(server, cancellationToken);
    }

    /// <summary>Serves the connections of <paramref name="server"/> and runs the active expiry pass, until cancelled.</summary>
    public async Task ServeAsync(TcpServer server, CancellationToken cancellationToken)
    {
        var loop = EventLoop.Current ?? throw new InvalidOperationException("KvServerHost.ServeAsync must be called on a loop thread.");
        var expiry = loop.Spawn(ExpireKeysAsync, name: "active expiry");
        try
        {
            await server.ServeAsync(HandleConnectionAsync, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            expiry.Cancel();
            try
            {
                await expiry;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task ExpireKeysAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await EventLoop.Sleep(ExpiryInterval, cancellationToken);
            Store.RemoveExpired();
        }
    }

    /// <summary>Serves one client until it quits, disconnects, or breaks the protocol.</summary>
    public async Task HandleConnectionAsync(TcpStream stream, CancellationToken cancellationToken)
    {
        stream.NoDelay = true;
        var buffer = new byte[InitialBufferSize];
        var command = new RespCommand();
        var writer = new RespWriter();
        int start = 0, end = 0;
        try
        {
            while (true)
            {
                if (end == buffer.Length)
                {
                    if (!MakeRoom(ref buffer, ref start, ref end))
                    {
                        writer.WriteError("ERR Protocol error: query buffer limit exceeded");
                        await stream.WriteAsync(writer.Written, cancellationToken);
                        return;
                    }
                }

                var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken);
                if (read == 0)
                {
                    return;
                }

                end += read;
                var close = false;
                while (!close)
                {
                    var status = RespParser.TryParse(buffer, start, end, command, _limits, out var consumed, out var error);
                    if (status == RespParseStatus.Incomplete)
                    {
                        break;
                    }

                    if (status == RespParseStatus.Error)
                    {
                        writer.WriteError("ERR " + error);
                        await stream.WriteAsync(writer.Written, cancellationToken);
                        return;
                    }

                    if (status == RespParseStatus.Complete)
                    {
                        close = Handler.Execute(command, writer) == CommandOutcome.Close;
                    }

                    start += consumed;
                    if (writer.Length >= FlushThreshold)
                    {
                        await stream.WriteAsync(writer.Written, cancellationToken);
                        writer.ClearAndTrim(FlushThreshold);
                    }
                }

                if (writer.Length > 0)
                {
                    await stream.WriteAsync(writer.Written, cancellationToken);
                    writer.ClearAndTrim(FlushThreshold);
                }

                if (close)
                {
                    return;
                }

                if (start == end)
                {
                    start = end = 0;
                    if (buffer.Length > 16 * InitialBufferSize)
                    {
                        buffer = new byte[InitialBufferSize]; // a large command is done: give its memory back
                    }
                }
                else if (start >= buffer.Length / 2)
                {
                    // The start of a command is left over: move it to the front while it is small, so the next read
                    // gets a large free tail. Moving only past half the buffer keeps the copying linear.
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
            }
        }
        catch (IOException)
        {
            // The client reset the connection or vanished: that ends this client, not the server.
        }
    }

    /// <summary>Slides the unparsed bytes to the front, or grows the buffer when they fill it; false past the limit.</summary>
    private bool MakeRoom(ref byte[] buffer, ref int start, ref int end)
    {
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
            return true;
        }

        if (buffer.Length >= _limits.MaxQueryBufferLength)
        {
            return false;
        }

        var grown = (int)Math.Min(2L * buffer.Length, _limits.MaxQueryBufferLength);
        Array.Resize(ref buffer, grown);
        _largestBuffer = Math.Max(_largestBuffer, grown);
        return true;
    }
}
