using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CoopRuntime.Tests.Net;

public abstract class TcpStreamTests : NetworkTestBase
{
    [Fact]
    public void WriteAsync_ThenReadAsync_DeliversTheBytesToThePeer()
    {
        var received = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var (client, accepted) = await ConnectPairAsync(server, ct);
            using (client)
            using (accepted)
            {
                await client.WriteAsync("hello, loop"u8.ToArray(), ct);
                var buffer = new byte[11];
                var count = await ReadFullyAsync(accepted, buffer, ct);
                return Encoding.ASCII.GetString(buffer, 0, count);
            }
        });

        Assert.Equal("hello, loop", received);
    }

    [Fact]
    public void ConnectAsync_ByHostNameAndPort_ConnectsThroughTheResolver()
    {
        var remote = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var port = ((IPEndPoint)server.LocalEndPoint).Port;
            var connecting = TcpStream.ConnectAsync("localhost", port, ct);
            using var accepted = await server.AcceptAsync(ct);
            using var client = await connecting;
            return (IPEndPoint)client.RemoteEndPoint!;
        });

        Assert.True(IPAddress.IsLoopback(remote.Address));
    }

    [Fact]
    public void EndPoints_OfAConnectedPair_MirrorEachOther()
    {
        var (clientLocal, clientRemote, serverLocal, serverRemote) = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var (client, accepted) = await ConnectPairAsync(server, ct);
            using (client)
            using (accepted)
            {
                return (client.LocalEndPoint, client.RemoteEndPoint, accepted.LocalEndPoint, accepted.RemoteEndPoint);
            }
        });

        Assert.Equal(clientLocal, serverRemote);
        Assert.Equal(clientRemote, serverLocal);
    }

    [Fact]
    public void ReadAsync_AfterThePeerCloses_ReturnsZero()
    {
        var read = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var (client, accepted) = await ConnectPairAsync(server, ct);
            await client.WriteAsync("last words"u8.ToArray(), ct);
            client.Dispose();
            using (accepted)
            {
                var all = await ReadToEndAsync(accepted, ct);
                var afterEnd = await accepted.ReadAsync(new byte[8], ct);
                return (Encoding.ASCII.GetString(all), afterEnd);
            }
        });

        Assert.Equal(("last words", 0), read);
    }

    [Fact]
    public void Echo_ThousandConcurrentConnectionsWithRandomSizesUpToOneMebibyte_ReturnsEveryByteInOrder()
    {
        const int Connections = 1000;
        var random = new Random(20261126);

        // Most messages are small, some large: the size is 2^(random 0..20) plus a random remainder, up to 1 MiB.
        var messages = Enumerable.Range(0, Connections)
            .Select(_ => RandomBytes(random, Math.Min(1 << 20, (1 << random.Next(0, 21)) + random.Next(0, 1024))))
            .ToArray();
        var mismatches = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort, backlog: Connections);
            using var stop = new CancellationTokenSource();
            var serving = server.ServeAsync(EchoUntilEndAsync, stop.Token);
            var clients = messages.Select(message => RoundTripAsync(server.LocalEndPoint, message, ct)).ToArray();
            var echoed = await Task.WhenAll(clients);
            stop.Cancel();
            await serving;
            return echoed.Where((bytes, i) => !bytes.AsSpan().SequenceEqual(messages[i])).Count();
        });

        Assert.Equal(0, mismatches);
    }

    private static async Task<byte[]> RoundTripAsync(EndPoint server, byte[] message, CancellationToken cancellationToken)
    {
        using var client = await TcpStream.ConnectAsync(server, cancellationToken);

        // Write and read at once: a one-mebibyte echo does not fit in the socket buffers, so a writer that waited
        // for its write before reading would deadlock against the echo server's own backpressure.
        var reading = ReadToEndAsync(client, cancellationToken);
        await client.WriteAsync(message, cancellationToken);
        client.ShutdownWrite();
        return await reading;
    }

    private static async Task EchoUntilEndAsync(TcpStream connection, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await connection.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await connection.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    [Fact]
    public void ShutdownWrite_PeerReadsTheEnd_AndCanStillAnswer()
    {
        var (serverSaw, clientGot) = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var (client, accepted) = await ConnectPairAsync(server, ct);
            using (client)
            using (accepted)
            {
                await client.WriteAsync("question"u8.ToArray(), ct);
                client.ShutdownWrite();
                var question = await ReadToEndAsync(accepted, ct);
                await accepted.WriteAsync("answer"u8.ToArray(), ct);
                accepted.ShutdownWrite();
                var answer = await ReadToEndAsync(client, ct);
                return (Encoding.ASCII.GetString(question), Encoding.ASCII.GetString(answer));
            }
        });

        Assert.Equal("question", serverSaw);
        Assert.Equal("answer", clientGot);
    }

    [Fact]
    public void ReadAsync_WhenThePeerResetsMidRead_ThrowsIOExceptionWithTheSocketError()
    {
        var error = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var peer = ConnectRawPeer(server.LocalEndPoint);
            using var accepted = await server.AcceptAsync(ct);
            var reading = accepted.ReadAsync(new byte[16], ct).AsTask();
            await EventLoop.Yield();
            Reset(peer);
            return await Record.ExceptionAsync(() => reading);
        });

        var io = Assert.IsType<IOException>(error);
        var socketError = Assert.IsAssignableFrom<SocketException>(io.InnerException);
        Assert.Equal(SocketError.ConnectionReset, socketError.SocketErrorCode);
    }

    [Fact]
    public void WriteAsync_WhenThePeerResetsMidWrite_ThrowsIOException()
    {
        var error = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var peer = ConnectRawPeer(server.LocalEndPoint);
            using var accepted = await server.AcceptAsync(ct);

            // 64 MiB cannot fit in loopback's buffers while the peer reads nothing: the write parks, then the reset
            // fails it.
            var writing = accepted.WriteAsync(new byte[64 << 20], ct).AsTask();
            await EventLoop.Yield();
            Assert.False(writing.IsCompleted);
            Reset(peer);
            return await Record.ExceptionAsync(() => writing);
        });

        var io = Assert.IsType<IOException>(error);
        Assert.IsAssignableFrom<SocketException>(io.InnerException);
    }

    [Fact]
    public void ReadAsync_Cancelled_ThrowsOperationCanceled_AndTheStreamStaysUsable()
    {
        var (canceled, later) = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var (client, accepted) = await ConnectPairAsync(server, ct);
            using (client)
            using (accepted)
            {
                using var cancel = new CancellationTokenSource();
                var reading = accepted.ReadAsync(new byte[16], cancel.Token).AsTask();
                await EventLoop.Yield();
                cancel.Cancel();
                var error = await Record.ExceptionAsync(() => reading);

                await client.WriteAsync("still here"u8.ToArray(), ct);
                var buffer = new byte[10];
                await ReadFullyAsync(accepted, buffer, ct);
                return (error, Encoding.ASCII.GetString(buffer));
            }
        });

        Assert.IsAssignableFrom<OperationCanceledException>(canceled);
        Assert.Equal("still here", later);
    }

    [Fact]
    public void WriteAsync_CancelledWhileTheBufferIsFull_ThrowsOperationCanceled()
    {
        var error = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var (client, accepted) = await ConnectPairAsync(server, ct);
            using (client)
            using (accepted)
            {
                using var cancel = new CancellationTokenSource();
                var writing = client.WriteAsync(new byte[64 << 20], cancel.Token).AsTask();
                await EventLoop.Yield();
                cancel.Cancel();
                return await Record.ExceptionAsync(() => writing);
            }
        });

        Assert.IsAssignableFrom<OperationCanceledException>(error);
    }

    [Fact]
    public void ReadAsync_AlreadyCancelledToken_ThrowsWithoutReading()
    {
        var (error, stillThere) = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var (client, accepted) = await ConnectPairAsync(server, ct);
            using (client)
            using (accepted)
            {
                await client.WriteAsync("x"u8.ToArray(), ct);
                var failure = await Record.ExceptionAsync(async () => _ = await accepted.ReadAsync(new byte[1], new CancellationToken(true)));
                var buffer = new byte[1];
                await ReadFullyAsync(accepted, buffer, ct);
                return (failure, (char)buffer[0]);
            }
        });

        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Equal('x', stillThere);
    }

    [Fact]
    public void ReadAsync_WhileAnotherReadIsPending_ThrowsInvalidOperation()
    {
        var error = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var (client, accepted) = await ConnectPairAsync(server, ct);
            using (client)
            using (accepted)
            {
                var first = accepted.ReadAsync(new byte[4], ct);
                var failure = Record.Exception(() => accepted.ReadAsync(new byte[4], ct));
                await client.WriteAsync("done"u8.ToArray(), ct);
                await first;
                return failure;
            }
        });

        var invalid = Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("one pending receive", invalid.Message);
    }

    [Fact]
    public void Dispose_WithAReadAndAWritePending_CompletesBothWithObjectDisposed()
    {
        var (readError, writeError) = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var (client, accepted) = await ConnectPairAsync(server, ct);
            using (accepted)
            {
                var reading = client.ReadAsync(new byte[4], ct).AsTask();
                var writing = client.WriteAsync(new byte[64 << 20], ct).AsTask();
                await EventLoop.Yield();
                client.Dispose();
                return (await Record.ExceptionAsync(() => reading), await Record.ExceptionAsync(() => writing));
            }
        });

        Assert.IsType<ObjectDisposedException>(readError);
        Assert.IsType<ObjectDisposedException>(writeError);
    }

    [Fact]
    public void ReadAsync_WithAnEmptyBuffer_WaitsForDataWithoutConsumingIt()
    {
        var (completedEarly, data) = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var (client, accepted) = await ConnectPairAsync(server, ct);
            using (client)
            using (accepted)
            {
                var waiting = accepted.ReadAsync(Memory<byte>.Empty, ct).AsTask();
                await EventLoop.Yield();
                var early = waiting.IsCompleted;
                await client.WriteAsync("ab"u8.ToArray(), ct);
                Assert.Equal(0, await waiting);
                var buffer = new byte[2];
                await ReadFullyAsync(accepted, buffer, ct);
                return (early, Encoding.ASCII.GetString(buffer));
            }
        });

        Assert.False(completedEarly);
        Assert.Equal("ab", data);
    }

    [Fact]
    public void ConnectAsync_ToAClosedPort_ThrowsConnectionRefusedNamingTheEndpoint()
    {
        var (error, endPoint) = Run(async ct =>
        {
            // Bind a port and close it: nothing listens there now.
            var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(AnyLoopbackPort);
            var closed = (IPEndPoint)probe.LocalEndPoint!;
            probe.Dispose();
            return (await Record.ExceptionAsync(() => TcpStream.ConnectAsync(closed, ct)), closed);
        });

        var socketError = Assert.IsAssignableFrom<SocketException>(error);
        Assert.Equal(SocketError.ConnectionRefused, socketError.SocketErrorCode);
        Assert.Contains(endPoint.ToString(), socketError.Message);
    }

    [Fact]
    public void ConnectAsync_Cancelled_ThrowsOperationCanceled()
    {
        var outcomes = Run(async ct =>
        {
            // A listener that never accepts, with the smallest backlog: once its queue is full the kernel drops
            // further handshakes, so those connects stay pending until they are cancelled.
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(AnyLoopbackPort);
            listener.Listen(1);
            using var cancel = new CancellationTokenSource();
            var connects = Enumerable.Range(0, 8).Select(_ => TcpStream.ConnectAsync(listener.LocalEndPoint!, cancel.Token)).ToArray();
            await EventLoop.Sleep(TimeSpan.FromMilliseconds(100));
            cancel.Cancel();
            var results = new List<string>();
            foreach (var connect in connects)
            {
                try
                {
                    (await connect).Dispose();
                    results.Add("connected");
                }
                catch (OperationCanceledException)
                {
                    results.Add("cancelled");
                }
            }

            return results;
        });

        Assert.Contains("cancelled", outcomes);
        Assert.All(outcomes, outcome => Assert.True(outcome is "connected" or "cancelled"));
    }

    [Fact]
    public void NoDelay_CanBeSetAndReadBack()
    {
        var (before, after) = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var (client, accepted) = await ConnectPairAsync(server, ct);
            using (client)
            using (accepted)
            {
                var initial = client.NoDelay;
                client.NoDelay = true;
                return (initial, client.NoDelay);
            }
        });

        Assert.False(before);
        Assert.True(after);
    }

    [Fact]
    public void ReadAsync_FromAnotherThread_HopsOntoTheLoopAndReads()
    {
        // BCL adapters over a stream (StreamReader, PipeReader) can resume on the thread pool after their internal
        // ConfigureAwait(false) awaits and read again from there; the ProcessPool, reading worker output through a
        // StreamReader, hung when such reads threw WrongThreadException. They now hop onto the loop.
        var read = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var (client, accepted) = await ConnectPairAsync(server, ct);
            using (client)
            using (accepted)
            {
                await accepted.WriteAsync("abc"u8.ToArray(), ct);
                var buffer = new byte[3];
                return await Task.Run(async () => await client.ReadAsync(buffer, ct), ct);
            }
        });

        Assert.Equal(3, read);
    }

    [Fact]
    public void StreamReaderOverATcpStream_ReadsEveryLine_WhenLinesArriveInPieces()
    {
        const int Lines = 200;
        var count = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var (client, accepted) = await ConnectPairAsync(server, ct);
            using (client)
            using (accepted)
            {
                var writing = WriteLinesAsync(accepted, ct);
                using var reader = new StreamReader(client);
                var received = 0;
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    Assert.Equal($"line {received}", line);
                    received++;
                }

                await writing;
                return received;
            }
        });

        Assert.Equal(Lines, count);

        static async Task WriteLinesAsync(TcpStream stream, CancellationToken cancellationToken)
        {
            for (var i = 0; i < Lines; i++)
            {
                // Half a line, then a pause: the reader's wait completes with no newline in its buffer, so StreamReader
                // reads again from inside the continuation that the BCL moved to the thread pool.
                await stream.WriteAsync(Encoding.ASCII.GetBytes("line "), cancellationToken);
                await EventLoop.Yield();
                await EventLoop.Yield();
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{i}\n"), cancellationToken);
                await EventLoop.Yield();
            }

            stream.ShutdownWrite();
        }
    }

    [Fact]
    public void SynchronousRead_Throws_BecauseItWouldBlockTheLoop()
    {
        var error = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var (client, accepted) = await ConnectPairAsync(server, ct);
            using (client)
            using (accepted)
            {
                return Record.Exception(() => client.Read(new byte[1], 0, 1));
            }
        });

        Assert.Contains("ReadAsync", Assert.IsType<NotSupportedException>(error).Message);
    }
}

public sealed class EpollTcpStreamTests : TcpStreamTests
{
    protected override IoDriverKind Driver => IoDriverKind.Epoll;
}

public sealed class PortableTcpStreamTests : TcpStreamTests
{
    protected override IoDriverKind Driver => IoDriverKind.Portable;
}
