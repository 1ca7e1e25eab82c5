using System.Net;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Docs;

/// <summary>The examples of docs/guides/performance-tuning.md, run; the last test keeps the page identical.</summary>
public sealed class PerformanceTuningGuideTests
{
    [Fact]
    public void StaticCallbackExample_AllocatesNothingPerCall()
    {
        var counter = new int[1];
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            #region guide: static callback
            // A static lambda plus a state argument: no closure, no delegate allocation per call.
            loop.CallSoon(static state => state[0]++, counter);

            // A capturing lambda allocates a closure and a delegate every time it is created.
            loop.CallSoon(() => counter[0]++);
            #endregion
            await EventLoop.Yield();
        });

        Assert.Equal(2, counter[0]);
    }

    [Fact]
    public void LoopPerCoreExample_ServesOnEveryLoop()
    {
        var port = 0;
        var served = new int[2];
        using var ready = new CountdownEvent(2);
        using var stop = new CancellationTokenSource();
        #region guide: loop per core
        var loops = Enumerable.Range(0, 2).Select(index => new Thread(() => EventLoop.Run(async () =>
        {
            // Every loop listens on the same port; the kernel spreads new connections across them.
            using var server = TcpServer.Listen(new IPEndPoint(IPAddress.Loopback, port), reusePort: true);
            ready.Signal();
            await server.ServeAsync(async (connection, ct) =>
            {
                served[index]++;
                await connection.WriteAsync("hi"u8.ToArray(), ct);
            }, stop.Token);
        }, new EventLoopOptions { HandleCtrlC = false }))).ToList();
        #endregion

        // The port must be known before the loops start: take a free one first.
        using (var probe = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        loops.ForEach(thread => thread.Start());
        ready.Wait();
        for (var i = 0; i < 20; i++)
        {
            using var client = new System.Net.Sockets.TcpClient();
            client.Connect(IPAddress.Loopback, port);
            var buffer = new byte[2];
            client.GetStream().ReadExactly(buffer);
        }

        stop.Cancel();
        loops.ForEach(thread => thread.Join());
        Assert.Equal(20, served.Sum());
    }

    [Fact]
    public void Guide_ContainsEveryExampleVerbatim() =>
        GuideText.AssertGuideContainsRegions("docs/guides/performance-tuning.md", "tests/CoopRuntime.Tests/Docs/PerformanceTuningGuideTests.cs", 2);
}
