// A tiny app that uses CoopRuntime by package: a loop, a coroutine, a TCP round trip. Prints "consumer ok" and
// exits 0 when everything worked; any failure throws (exit code != 0).
using System.Collections;
using System.Net;
using System.Text;
using CoopRuntime;

var reply = EventLoop.Run(async () =>
{
    var ticks = 0;
    IEnumerator Count()
    {
        for (var i = 0; i < 3; i++)
        {
            ticks++;
            yield return null;
        }
    }

    await EventLoop.Current!.Start(Count(), name: "counter");
    if (ticks != 3)
    {
        throw new InvalidOperationException($"The coroutine ran {ticks} steps instead of 3.");
    }

    using var server = TcpServer.Listen(new IPEndPoint(IPAddress.Loopback, 0));
    using var stop = new CancellationTokenSource();
    var serving = server.ServeAsync(
        async (connection, ct) =>
        {
            var buffer = new byte[64];
            var read = await connection.ReadAsync(buffer, ct);
            await connection.WriteAsync(buffer.AsMemory(0, read), ct);
        },
        stop.Token);
    using var client = await TcpStream.ConnectAsync(server.LocalEndPoint);
    await client.WriteAsync("round trip"u8.ToArray());
    var echoed = new byte[10];
    await client.ReadExactlyAsync(echoed);
    stop.Cancel();
    await serving;
    return Encoding.ASCII.GetString(echoed);
});

if (reply != "round trip")
{
    throw new InvalidOperationException($"The echo came back as '{reply}'.");
}

Console.WriteLine("consumer ok");
