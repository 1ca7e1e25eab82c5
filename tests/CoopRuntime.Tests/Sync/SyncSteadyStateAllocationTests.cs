using System.Threading.Channels;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Sync;

/// <summary>
/// Invariant 5 for queues and channels: once warm, waiting and waking allocate nothing. Two tasks ping-pong a number
/// through two capacity-1 queues or channels, so every round trip parks and wakes both sides (contended, not just the
/// fast path). The window is measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/> on the loop thread, after
/// a warm-up (the async state machine boxes, the waiter pools, the ready queue's ring) and before anything that ends
/// the run.
/// </summary>
public class SyncSteadyStateAllocationTests
{
    private const int WarmUp = 1_000;
    private const int Measured = 10_000;

    private sealed class Window
    {
        public long Start;
        public long End;
        public int RoundTrips;

        public long Allocated => End - Start;
    }

    [Fact]
    public void BoundedChannels_PingPongThroughTwoCapacityOneChannels_AllocatesNothingInSteadyState()
    {
        var window = PingPong(() => new ChannelPipe(LoopChannel.CreateBounded<int>(1)));

        Assert.Equal(Measured, window.RoundTrips);
        Assert.Equal(0, window.Allocated);
    }

    [Fact]
    public void UnboundedChannels_PingPong_AllocatesNothingInSteadyState()
    {
        var window = PingPong(() => new ChannelPipe(LoopChannel.CreateUnbounded<int>()));

        Assert.Equal(Measured, window.RoundTrips);
        Assert.Equal(0, window.Allocated);
    }

    [Fact]
    public void BoundedChannels_PingPongWithWaitToReadThenTryRead_AllocatesNothingInSteadyState()
    {
        // The ReadAllAsync pattern written out (its iterator object is a per-enumeration allocation, not per item).
        var window = new Window();

        TestLoops.RunVirtual(async () =>
        {
            var ping = LoopChannel.CreateBounded<int>(1);
            var pong = LoopChannel.CreateBounded<int>(1);
            var echo = EchoAsync(ping.Reader, pong.Writer);
            for (var i = 0; i < WarmUp + Measured; i++)
            {
                if (i == WarmUp)
                {
                    window.Start = GC.GetAllocatedBytesForCurrentThread();
                }

                await ping.Writer.WriteAsync(i);
                while (await pong.Reader.WaitToReadAsync() && !pong.Reader.TryRead(out _))
                {
                }

                if (i >= WarmUp)
                {
                    window.RoundTrips++;
                }
            }

            window.End = GC.GetAllocatedBytesForCurrentThread();
            ping.Writer.Complete();
            await echo;
        });

        Assert.Equal(Measured, window.RoundTrips);
        Assert.Equal(0, window.Allocated);

        static async Task EchoAsync(ChannelReader<int> input, ChannelWriter<int> output)
        {
            while (await input.WaitToReadAsync())
            {
                while (input.TryRead(out var item))
                {
                    await output.WriteAsync(item);
                }
            }
        }
    }

    [Fact]
    public void Queues_PingPongThroughTwoCapacityOneQueues_AllocatesNothingInSteadyState()
    {
        var window = PingPong(() => new QueuePipe(new AsyncQueue<int>(1)));

        Assert.Equal(Measured, window.RoundTrips);
        Assert.Equal(0, window.Allocated);
    }

    [Fact]
    public void LifoQueues_PingPong_AllocatesNothingInSteadyState()
    {
        var window = PingPong(() => new QueuePipe(new AsyncLifoQueue<int>(1)));

        Assert.Equal(Measured, window.RoundTrips);
        Assert.Equal(0, window.Allocated);
    }

    [Fact]
    public void PriorityQueues_PingPong_AllocatesNothingInSteadyState()
    {
        var window = PingPong(() => new PriorityPipe(new AsyncPriorityQueue<int, int>(1)));

        Assert.Equal(Measured, window.RoundTrips);
        Assert.Equal(0, window.Allocated);
    }

    [Fact]
    public void Queues_PingPongWithCancellableTokens_AllocatesNothingInSteadyState()
    {
        using var cts = new CancellationTokenSource();
        var window = PingPong(() => new QueuePipe(new AsyncQueue<int>(1)), cts.Token);

        Assert.Equal(Measured, window.RoundTrips);
        Assert.Equal(0, window.Allocated);
    }

    [Fact]
    public void BoundedChannels_PingPongWithCancellableTokens_AllocatesNothingInSteadyState()
    {
        using var cts = new CancellationTokenSource();
        var window = PingPong(() => new ChannelPipe(LoopChannel.CreateBounded<int>(1)), cts.Token);

        Assert.Equal(Measured, window.RoundTrips);
        Assert.Equal(0, window.Allocated);
    }

    [Fact]
    public void Queue_TaskDoneAndJoinAsyncRoundTrips_AllocateNothingInSteadyState()
    {
        var window = new Window();

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>(1);
            var worker = WorkAsync(queue, WarmUp + Measured);
            for (var i = 0; i < WarmUp + Measured; i++)
            {
                if (i == WarmUp)
                {
                    window.Start = GC.GetAllocatedBytesForCurrentThread();
                }

                await queue.EnqueueAsync(i);
                await queue.JoinAsync(); // parks until the worker marks the item done
                if (i >= WarmUp)
                {
                    window.RoundTrips++;
                }
            }

            window.End = GC.GetAllocatedBytesForCurrentThread();
            await worker;
        });

        Assert.Equal(Measured, window.RoundTrips);
        Assert.Equal(0, window.Allocated);

        static async Task WorkAsync(AsyncQueue<int> queue, int count)
        {
            for (var i = 0; i < count; i++)
            {
                await queue.DequeueAsync();
                queue.TaskDone();
            }
        }
    }

    /// <summary>
    /// Runs an echo task that reads from one pipe and writes to the other, and measures the round trips on the main
    /// task's side.
    /// </summary>
    private static Window PingPong<T>(Func<IPipe<T>> create, CancellationToken token = default)
    {
        var window = new Window();

        TestLoops.RunVirtual(async () =>
        {
            _ = GC.GetAllocatedBytesForCurrentThread();
            var ping = create();
            var pong = create();
            var echo = EchoAsync(ping, pong, WarmUp + Measured, token);
            for (var i = 0; i < WarmUp + Measured; i++)
            {
                if (i == WarmUp)
                {
                    window.Start = GC.GetAllocatedBytesForCurrentThread();
                }

                await ping.WriteAsync(i, token);
                var back = pong.ValueOf(await pong.ReadAsync(token));
                if (back != i)
                {
                    throw new InvalidOperationException($"Sent {i}, got {back} back.");
                }

                if (i >= WarmUp)
                {
                    window.RoundTrips++;
                }
            }

            window.End = GC.GetAllocatedBytesForCurrentThread();
            await echo;
        });

        return window;

        static async Task EchoAsync(IPipe<T> input, IPipe<T> output, int count, CancellationToken token)
        {
            for (var i = 0; i < count; i++)
            {
                await output.WriteAsync(input.ValueOf(await input.ReadAsync(token)), token);
            }
        }
    }

    /// <summary>
    /// What a ping-pong needs from each kind of queue or channel. No async helpers: an <c>async ValueTask</c> helper
    /// would allocate its own state per call and hide what the code under test does.
    /// </summary>
    private interface IPipe<T>
    {
        ValueTask WriteAsync(int value, CancellationToken token);

        ValueTask<T> ReadAsync(CancellationToken token);

        int ValueOf(T item);
    }

    private sealed class ChannelPipe(Channel<int> channel) : IPipe<int>
    {
        public ValueTask WriteAsync(int value, CancellationToken token) => channel.Writer.WriteAsync(value, token);

        public ValueTask<int> ReadAsync(CancellationToken token) => channel.Reader.ReadAsync(token);

        public int ValueOf(int item) => item;
    }

    private sealed class QueuePipe(AsyncQueue<int> queue) : IPipe<int>
    {
        public ValueTask WriteAsync(int value, CancellationToken token) => queue.EnqueueAsync(value, token);

        public ValueTask<int> ReadAsync(CancellationToken token) => queue.DequeueAsync(token);

        public int ValueOf(int item) => item;
    }

    private sealed class PriorityPipe(AsyncPriorityQueue<int, int> queue) : IPipe<(int Element, int Priority)>
    {
        public ValueTask WriteAsync(int value, CancellationToken token) => queue.EnqueueAsync(value, value & 3, token);

        public ValueTask<(int Element, int Priority)> ReadAsync(CancellationToken token) => queue.DequeueAsync(token);

        public int ValueOf((int Element, int Priority) item) => item.Element;
    }
}
