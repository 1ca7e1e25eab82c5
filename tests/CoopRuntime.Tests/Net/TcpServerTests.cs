using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CoopRuntime.Tests.Net;

public abstract class TcpServerTests : NetworkTestBase
{
    [Fact]
    public void Listen_OnPortZero_ReportsTheChosenPort()
    {
        var port = Run(_ =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            return Task.FromResult(((IPEndPoint)server.LocalEndPoint).Port);
        });

        Assert.InRange(port, 1, 65535);
    }

    [Fact]
    public void Listen_OnAnAddressInUse_ThrowsAddressAlreadyInUseNamingTheEndpoint()
    {
        var (error, endPoint) = Run(_ =>
        {
            using var first = TcpServer.Listen(AnyLoopbackPort);
            return Task.FromResult((Record.Exception(() => TcpServer.Listen(first.LocalEndPoint)), first.LocalEndPoint));
        });

        var socketError = Assert.IsAssignableFrom<SocketException>(error);
        Assert.Equal(SocketError.AddressAlreadyInUse, socketError.SocketErrorCode);
        Assert.Contains(endPoint.ToString()!, socketError.Message);
    }

    [Fact]
    public void Listen_WithReusePort_LetsTwoServersShareThePort()
    {
        var shared = Run(_ =>
        {
            using var first = TcpServer.Listen(AnyLoopbackPort, reusePort: true);
            using var second = TcpServer.Listen(first.LocalEndPoint, reusePort: true);
            return Task.FromResult(first.LocalEndPoint.Equals(second.LocalEndPoint));
        });

        Assert.True(shared);
    }

    [Fact]
    public void Listen_WithoutALoop_ThrowsInvalidOperation()
    {
        var error = Record.Exception(() => TcpServer.Listen(AnyLoopbackPort));
        Assert.Contains("TcpServer.Listen", Assert.IsType<InvalidOperationException>(error).Message);
    }

    [Fact]
    public void Listen_WithBacklogZero_ThrowsArgumentOutOfRange()
    {
        var error = Run(_ => Task.FromResult(Record.Exception(() => TcpServer.Listen(AnyLoopbackPort, backlog: 0))));
        Assert.Equal("backlog", Assert.IsType<ArgumentOutOfRangeException>(error).ParamName);
    }

    [Fact]
    public void AcceptAsync_Cancelled_ThrowsOperationCanceled_AndTheServerStillAccepts()
    {
        var (error, acceptedLater) = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            using var cancel = new CancellationTokenSource();
            var accepting = server.AcceptAsync(cancel.Token).AsTask();
            await EventLoop.Yield();
            cancel.Cancel();
            var failure = await Record.ExceptionAsync(() => accepting);
            var (client, accepted) = await ConnectPairAsync(server, ct);
            client.Dispose();
            accepted.Dispose();
            return (failure, accepted is not null);
        });

        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.True(acceptedLater);
    }

    [Fact]
    public void Dispose_WithAnAcceptPending_CompletesItWithObjectDisposed()
    {
        var error = Run(async ct =>
        {
            var server = TcpServer.Listen(AnyLoopbackPort);
            var accepting = server.AcceptAsync(ct).AsTask();
            await EventLoop.Yield();
            server.Dispose();
            return await Record.ExceptionAsync(() => accepting);
        });

        Assert.IsType<ObjectDisposedException>(error);
    }

    [Fact]
    public void AcceptAllAsync_YieldsEachConnection_AndEndsWhenCancelled()
    {
        var count = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            using var stop = new CancellationTokenSource();
            var clients = new List<TcpStream>();
            var accepted = 0;
            var accepting = AcceptAllAsync();
            for (var i = 0; i < 3; i++)
            {
                clients.Add(await TcpStream.ConnectAsync(server.LocalEndPoint, ct));
            }

            while (accepted < 3)
            {
                await EventLoop.Yield();
            }

            stop.Cancel();
            await accepting;
            clients.ForEach(client => client.Dispose());
            return accepted;

            async Task AcceptAllAsync()
            {
                await foreach (var connection in server.AcceptAllAsync(stop.Token))
                {
                    accepted++;
                    connection.Dispose();
                }
            }
        });

        Assert.Equal(3, count);
    }

    [Fact]
    public void ServeAsync_RunsTheHandlerPerConnection_AndStoppingClosesConnections()
    {
        var (greetings, endOfStream, countAfterStop) = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            using var stop = new CancellationTokenSource();
            var serving = server.ServeAsync(
                async (connection, token) =>
                {
                    await connection.WriteAsync(Encoding.ASCII.GetBytes($"hello {connection.RemoteEndPoint}\n"), token);
                    _ = await connection.ReadAsync(new byte[1], token); // wait for a byte that never comes
                },
                stop.Token);
            var clients = new List<TcpStream>();
            var lines = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                var client = await TcpStream.ConnectAsync(server.LocalEndPoint, ct);
                clients.Add(client);
                var buffer = new byte[64];
                var read = await client.ReadAsync(buffer, ct);
                lines.Add(Encoding.ASCII.GetString(buffer, 0, read));
            }

            stop.Cancel();
            await serving;
            var ends = new List<int>();
            foreach (var client in clients)
            {
                ends.Add(await client.ReadAsync(new byte[1], ct));
                client.Dispose();
            }

            return (lines, ends, server.ConnectionCount);
        });

        Assert.Equal(3, greetings.Count);
        Assert.All(greetings, line => Assert.StartsWith("hello 127.0.0.1:", line));
        Assert.All(endOfStream, read => Assert.Equal(0, read));
        Assert.Equal(0, countAfterStop);
    }

    [Fact]
    public void ServeAsync_AHandlerThatThrows_IsReportedAndTheServerKeepsServing()
    {
        var reported = new List<Exception>();
        var reply = Run(
            async ct =>
            {
                using var server = TcpServer.Listen(AnyLoopbackPort);
                using var stop = new CancellationTokenSource();
                var calls = 0;
                var serving = server.ServeAsync(
                    async (connection, token) =>
                    {
                        if (++calls == 1)
                        {
                            throw new InvalidDataException("bad first client");
                        }

                        await connection.WriteAsync("ok"u8.ToArray(), token);
                    },
                    stop.Token);
                using (var first = await TcpStream.ConnectAsync(server.LocalEndPoint, ct))
                {
                    Assert.Equal(0, await first.ReadAsync(new byte[2], ct)); // closed after the handler threw
                }

                using var second = await TcpStream.ConnectAsync(server.LocalEndPoint, ct);
                var buffer = new byte[2];
                await ReadFullyAsync(second, buffer, ct);
                stop.Cancel();
                await serving;
                return Encoding.ASCII.GetString(buffer);
            },
            reported.Add);

        Assert.Equal("ok", reply);
        Assert.Equal("bad first client", Assert.IsType<InvalidDataException>(Assert.Single(reported)).Message);
    }

    [Fact]
    public void ReadLineAsync_AClientSendingATenMebibyteLine_GetsTheLimitErrorWhileOthersAreServed()
    {
        var errors = new List<Exception>();
        var (otherReplies, oversizedOutcome) = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            using var stop = new CancellationTokenSource();
            var serving = server.ServeAsync(
                async (connection, token) =>
                {
                    var reader = new ByteStreamReader(connection, leaveOpen: true);
                    try
                    {
                        while (await reader.ReadLineAsync(64 * 1024, token) is { } line)
                        {
                            await connection.WriteAsync(Encoding.UTF8.GetBytes($"echo: {line}\n"), token);
                        }
                    }
                    catch (ReadLimitExceededException tooLong)
                    {
                        errors.Add(tooLong);
                        await connection.WriteAsync(Encoding.UTF8.GetBytes($"error: line longer than {tooLong.Limit} bytes\n"), token);
                    }
                },
                stop.Token);

            var oversized = SendOversizedLineAsync(server.LocalEndPoint, ct);
            var replies = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                using var client = await TcpStream.ConnectAsync(server.LocalEndPoint, ct);
                await client.WriteAsync(Encoding.UTF8.GetBytes($"hello {i}\n"), ct);
                var reader = new ByteStreamReader(client);
                replies.Add((await reader.ReadLineAsync(cancellationToken: ct))!);
            }

            var outcome = await oversized;
            stop.Cancel();
            await serving;
            return (replies, outcome);
        });

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"echo: hello {i}"), otherReplies);
        Assert.Equal("error: line longer than 65536 bytes", oversizedOutcome);
        Assert.Equal(65536, Assert.IsType<ReadLimitExceededException>(Assert.Single(errors)).Limit);
    }

    private static async Task<string> SendOversizedLineAsync(EndPoint server, CancellationToken cancellationToken)
    {
        using var client = await TcpStream.ConnectAsync(server, cancellationToken);
        var reader = new ByteStreamReader(client);
        var replying = reader.ReadLineAsync(cancellationToken: cancellationToken).AsTask();
        try
        {
            // The server stops reading after its limit and closes the connection: the rest of the line may be refused.
            var line = new byte[10 << 20];
            line.AsSpan().Fill((byte)'x');
            await client.WriteAsync(line, cancellationToken);
        }
        catch (IOException)
        {
        }

        return (await replying)!;
    }

    [Fact]
    public void UnixDomainSocket_EchoesThroughTheSameTypes()
    {
        var path = Path.Combine(Path.GetTempPath(), $"coop-{Guid.NewGuid():N}.sock");
        var (echoed, pathRemoved) = Run(async ct =>
        {
            string text;
            using (var server = TcpServer.Listen(new UnixDomainSocketEndPoint(path)))
            {
                var (client, accepted) = await ConnectPairAsync(server, ct);
                using (client)
                using (accepted)
                {
                    await client.WriteAsync("over a unix socket"u8.ToArray(), ct);
                    client.ShutdownWrite();
                    var received = await ReadToEndAsync(accepted, ct);
                    await accepted.WriteAsync(received, ct);
                    accepted.ShutdownWrite();
                    text = Encoding.ASCII.GetString(await ReadToEndAsync(client, ct));
                    client.NoDelay = true; // ignored for Unix sockets, never an error
                }
            }

            return (text, !File.Exists(path));
        });

        Assert.Equal("over a unix socket", echoed);
        Assert.True(pathRemoved);
    }

    [Fact]
    public void PipeReaderOverATcpStream_ReadsWhatThePeerWrote()
    {
        var text = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var (client, accepted) = await ConnectPairAsync(server, ct);
            using (client)
            using (accepted)
            {
                await client.WriteAsync("through System.IO.Pipelines"u8.ToArray(), ct);
                client.ShutdownWrite();
                var reader = System.IO.Pipelines.PipeReader.Create(accepted);
                var all = new List<byte>();
                while (true)
                {
                    var result = await reader.ReadAsync(ct);
                    foreach (var segment in result.Buffer)
                    {
                        all.AddRange(segment.ToArray());
                    }

                    reader.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted)
                    {
                        break;
                    }
                }

                await reader.CompleteAsync();
                return Encoding.ASCII.GetString(all.ToArray());
            }
        });

        Assert.Equal("through System.IO.Pipelines", text);
    }
}

public sealed class EpollTcpServerTests : TcpServerTests
{
    protected override IoDriverKind Driver => IoDriverKind.Epoll;
}

public sealed class PortableTcpServerTests : TcpServerTests
{
    protected override IoDriverKind Driver => IoDriverKind.Portable;
}
