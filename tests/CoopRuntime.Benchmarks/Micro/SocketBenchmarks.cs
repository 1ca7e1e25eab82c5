using System.Net;
using BenchmarkDotNet.Attributes;

namespace CoopRuntime.Benchmarks.Micro;

/// <summary>
/// Socket read and write on an established loopback connection: a 64-byte ping-pong between two <see cref="TcpStream"/>s
/// of one loop (write, the peer's read, the peer's write, read back), per round trip, on each I/O driver. The
/// connection is made once per driver; each invoke runs many round trips, so its async method divides away.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class SocketBenchmarks
{
    private const int RoundTrips = 10_000;

    private EventLoop _loop = null!;
    private TcpServer _server = null!;
    private TcpStream _client = null!;
    private TcpStream _accepted = null!;
    private readonly byte[] _request = new byte[64];
    private readonly byte[] _response = new byte[64];
    private Func<Task> _pingPong = null!;

    [Params(IoDriverKind.Epoll, IoDriverKind.Portable)]
    public IoDriverKind Driver { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop(new EventLoopOptions { IoDriver = Driver });
        _loop.RunUntilComplete(async () =>
        {
            _server = TcpServer.Listen(new IPEndPoint(IPAddress.Loopback, 0));
            var connecting = TcpStream.ConnectAsync(_server.LocalEndPoint);
            _accepted = await _server.AcceptAsync();
            _client = await connecting;
            _client.NoDelay = true;
            _accepted.NoDelay = true;
        });
        _pingPong = () => Task.WhenAll(PingAsync(), EchoAsync());
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Dispose();

    [Benchmark(OperationsPerInvoke = RoundTrips)]
    public void ReadWriteRoundTrip() => _loop.RunUntilComplete(_pingPong);

    private async Task PingAsync()
    {
        for (var i = 0; i < RoundTrips; i++)
        {
            await _client.WriteAsync(_request);
            for (var got = 0; got < _request.Length;)
            {
                got += await _client.ReadAsync(_request.AsMemory(got));
            }
        }
    }

    private async Task EchoAsync()
    {
        for (var i = 0; i < RoundTrips; i++)
        {
            for (var got = 0; got < _response.Length;)
            {
                got += await _accepted.ReadAsync(_response.AsMemory(got));
            }

            await _accepted.WriteAsync(_response);
        }
    }
}
