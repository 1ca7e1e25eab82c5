using BenchmarkDotNet.Attributes;

namespace CoopRuntime.Benchmarks.Micro;

/// <summary>
/// <c>loop.CallSoonThreadSafe(static lambda, state)</c> from another thread while the loop runs: the inbox's
/// lock-and-swap, the wake-up, and the dispatch, end to end. A long-lived producer thread posts each batch, so
/// thread start-up is not part of the measurement.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class CallSoonThreadSafeBenchmarks
{
    private const int Operations = 100_000;

    private readonly SemaphoreSlim _go = new(0);
    private EventLoop _loop = null!;
    private Thread _producer = null!;
    private volatile bool _quit;
    private int _received;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop();
        _producer = new Thread(Produce) { IsBackground = true, Name = "producer" };
        _producer.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _quit = true;
        _go.Release();
        _producer.Join();
        _loop.Dispose();
        _go.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public void CrossThreadPost()
    {
        _received = 0;
        _go.Release();

        // The last posted callback stops the loop.
        _loop.RunForever();
    }

    private void Produce()
    {
        while (true)
        {
            _go.Wait();
            if (_quit)
            {
                return;
            }

            for (var i = 0; i < Operations; i++)
            {
                _loop.CallSoonThreadSafe(Receive, this);
            }
        }
    }

    private static void Receive(CallSoonThreadSafeBenchmarks benchmark)
    {
        if (++benchmark._received == Operations)
        {
            benchmark._loop.Stop();
        }
    }
}
