using System.Threading.Channels;
using BenchmarkDotNet.Attributes;

namespace CoopRuntime.Benchmarks.Micro;

/// <summary>
/// The sync issue's two numbers: an uncontended <c>AsyncLock</c> acquire and release, and a ping-pong of 200,000
/// messages between two tasks through two bounded(1) loop channels (per round trip), next to the same ping-pong
/// through System.Threading.Channels bounded(1) channels on the same loop.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class SyncBenchmarks
{
    private const int LockOperations = 1_000_000;
    private const int RoundTrips = 200_000;

    private EventLoop _loop = null!;
    private AsyncLock _lock = null!;
    private Func<Task> _lockMany = null!;
    private Func<Task> _pingPongLoopChannels = null!;
    private Func<Task> _pingPongBclChannels = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop();
        _lock = new AsyncLock();
        _lockMany = LockManyAsync;
        _pingPongLoopChannels = () => PingPongAsync(LoopChannel.CreateBounded<int>(1), LoopChannel.CreateBounded<int>(1));
        _pingPongBclChannels = () => PingPongAsync(Channel.CreateBounded<int>(1), Channel.CreateBounded<int>(1));
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Dispose();

    [Benchmark(OperationsPerInvoke = LockOperations)]
    public void LockUncontended() => _loop.RunUntilComplete(_lockMany);

    [Benchmark(OperationsPerInvoke = RoundTrips)]
    public void PingPongLoopChannel() => _loop.RunUntilComplete(_pingPongLoopChannels);

    [Benchmark(OperationsPerInvoke = RoundTrips)]
    public void PingPongBclChannelOnLoop() => _loop.RunUntilComplete(_pingPongBclChannels);

    private async Task LockManyAsync()
    {
        for (var i = 0; i < LockOperations; i++)
        {
            using (await _lock.LockAsync())
            {
            }
        }
    }

    private static async Task PingPongAsync(Channel<int> ping, Channel<int> pong)
    {
        var echo = EchoAsync(ping.Reader, pong.Writer);
        for (var i = 0; i < RoundTrips; i++)
        {
            await ping.Writer.WriteAsync(i);
            await pong.Reader.ReadAsync();
        }

        ping.Writer.Complete();
        await echo;
    }

    private static async Task EchoAsync(ChannelReader<int> input, ChannelWriter<int> output)
    {
        await foreach (var message in input.ReadAllAsync())
        {
            await output.WriteAsync(message);
        }
    }
}
