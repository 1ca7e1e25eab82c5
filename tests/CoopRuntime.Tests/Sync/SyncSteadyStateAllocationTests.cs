using System.Threading.Channels;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Sync;

/// <summary>
/// Invariant 5 for queues and channels: once warm, waiting and waking allocate nothing. Two tasks ping-pong a number
/// through two capacity-1 queues or channels, so every round trip parks and wakes both sides (contended, not just the
/// fast path). <see cref="GC.GetAllocatedBytesForCurrentThread"/> is read on the loop thread, from inside the loop,
/// after a warm-up (the async state machine boxes, the waiter pools, the ready queue's ring).
/// </summary>
/// <remarks>
/// <para>Why up to <see cref="MaxWindows"/> windows, and why this class runs alone: the per-thread counter can move
/// once, by up to one allocation quantum (about 8 KB), without any allocation on the thread, when a GC started by
/// another thread retires the thread's partly used allocation context. (Seen here as rare single jumps of 240 to
/// 2,680 bytes while parallel tests were collecting, never with GCs made rare; reproduced outside the tests by a
/// thread that allocates nothing inside its windows while others force thousands of GCs.) So the class is in a
/// collection that xunit runs with nothing in parallel, and each test measures consecutive windows of
/// <see cref="Measured"/> round trips until one allocates exactly 0 bytes. A real allocation per operation cannot pass:
/// it would cost every window at least <see cref="Measured"/> × 24 bytes.</para>
/// </remarks>
[Collection(nameof(AllocationMeasurementCollection))]
public class SyncSteadyStateAllocationTests
{
    private const int WarmUp = 1_000;
    private const int Measured = 10_000;
    private const int MaxWindows = 3;

    [Fact]
    public void BoundedChannels_PingPongThroughTwoCapacityOneChannels_AllocatesNothingInSteadyState() =>
        AssertSomeWindowAllocatedNothing(PingPong(() => new ChannelPipe(LoopChannel.CreateBounded<int>(1))));

    [Fact]
    public void UnboundedChannels_PingPong_AllocatesNothingInSteadyState() =>
        AssertSomeWindowAllocatedNothing(PingPong(() => new ChannelPipe(LoopChannel.CreateUnbounded<int>())));

    [Fact]
    public void BoundedChannels_PingPongWithCancellableTokens_AllocatesNothingInSteadyState()
    {
        using var cts = new CancellationTokenSource();
        AssertSomeWindowAllocatedNothing(PingPong(() => new ChannelPipe(LoopChannel.CreateBounded<int>(1)), cts.Token));
    }

    [Fact]
    public void Queues_PingPongThroughTwoCapacityOneQueues_AllocatesNothingInSteadyState() =>
        AssertSomeWindowAllocatedNothing(PingPong(() => new QueuePipe(new AsyncQueue<int>(1))));

    [Fact]
    public void Queues_PingPongWithCancellableTokens_AllocatesNothingInSteadyState()
    {
        using var cts = new CancellationTokenSource();
        AssertSomeWindowAllocatedNothing(PingPong(() => new QueuePipe(new AsyncQueue<int>(1)), cts.Token));
    }

    [Fact]
    public void LifoQueues_PingPong_AllocatesNothingInSteadyState() =>
        AssertSomeWindowAllocatedNothing(PingPong(() => new QueuePipe(new AsyncLifoQueue<int>(1))));

    [Fact]
    public void PriorityQueues_PingPong_AllocatesNothingInSteadyState() =>
        AssertSomeWindowAllocatedNothing(PingPong(() => new PriorityPipe(new AsyncPriorityQueue<int, int>(1))));

    [Fact]
    public void BoundedChannels_PingPongWithAwaitForeachOverReadAllAsync_AllocatesNothingPerItem()
    {
        // Regression: the BCL's ReadAllAsync (a compiler-built async iterator) resumed its consumer through
        // SynchronizationContext.Post with a new delegate: 64 bytes and an extra loop iteration per awaited item.
        var meter = new Meter();

        TestLoops.RunVirtual(async () =>
        {
            var ping = LoopChannel.CreateBounded<int>(1);
            var pong = LoopChannel.CreateBounded<int>(1);
            var echo = EchoAsync(ping.Reader, pong.Writer);
            for (var i = 0; !meter.Done; i++)
            {
                await ping.Writer.WriteAsync(i);
                if (await pong.Reader.ReadAsync() != i)
                {
                    throw new InvalidOperationException($"Sent {i}, got something else back.");
                }

                meter.RoundTrip();
            }

            ping.Writer.Complete();
            await echo;
        });

        AssertSomeWindowAllocatedNothing(meter);

        static async Task EchoAsync(ChannelReader<int> input, ChannelWriter<int> output)
        {
            await foreach (var item in input.ReadAllAsync())
            {
                await output.WriteAsync(item);
            }
        }
    }

    [Fact]
    public void BoundedChannels_PingPongWithWaitToReadThenTryRead_AllocatesNothingInSteadyState()
    {
        // The ReadAllAsync pattern written out (its iterator object is a per-enumeration allocation, not per item).
        var meter = new Meter();

        TestLoops.RunVirtual(async () =>
        {
            var ping = LoopChannel.CreateBounded<int>(1);
            var pong = LoopChannel.CreateBounded<int>(1);
            var echo = EchoAsync(ping.Reader, pong.Writer);
            for (var i = 0; !meter.Done; i++)
            {
                await ping.Writer.WriteAsync(i);
                while (await pong.Reader.WaitToReadAsync() && !pong.Reader.TryRead(out _))
                {
                }

                meter.RoundTrip();
            }

            ping.Writer.Complete();
            await echo;
        });

        AssertSomeWindowAllocatedNothing(meter);

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
    public void Queue_TaskDoneAndJoinAsyncRoundTrips_AllocateNothingInSteadyState()
    {
        var meter = new Meter();

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>(1);
            var worker = WorkAsync(queue);
            for (var i = 0; !meter.Done; i++)
            {
                await queue.EnqueueAsync(i);
                await queue.JoinAsync(); // parks until the worker marks the item done
                meter.RoundTrip();
            }

            await queue.EnqueueAsync(-1);
            await worker;
        });

        AssertSomeWindowAllocatedNothing(meter);

        static async Task WorkAsync(AsyncQueue<int> queue)
        {
            while (true)
            {
                var item = await queue.DequeueAsync();
                queue.TaskDone();
                if (item < 0)
                {
                    return;
                }
            }
        }
    }

    private static void AssertSomeWindowAllocatedNothing(Meter meter) =>
        Assert.True(
            meter.Windows.Contains(0),
            $"Every window of {Measured} round trips allocated: {string.Join(", ", meter.Windows)} bytes.");

    /// <summary>
    /// Runs an echo task that returns every number it reads from one pipe through the other, and meters the round
    /// trips on the main task's side. A negative number stops the echo.
    /// </summary>
    private static Meter PingPong<T>(Func<IPipe<T>> create, CancellationToken token = default)
    {
        var meter = new Meter();

        TestLoops.RunVirtual(async () =>
        {
            var ping = create();
            var pong = create();
            var echo = EchoAsync(ping, pong, token);
            for (var i = 0; !meter.Done; i++)
            {
                await ping.WriteAsync(i, token);
                var back = pong.ValueOf(await pong.ReadAsync(token));
                if (back != i)
                {
                    throw new InvalidOperationException($"Sent {i}, got {back} back.");
                }

                meter.RoundTrip();
            }

            await ping.WriteAsync(-1, token);
            await echo;
        });

        return meter;

        static async Task EchoAsync(IPipe<T> input, IPipe<T> output, CancellationToken token)
        {
            while (true)
            {
                var value = input.ValueOf(await input.ReadAsync(token));
                if (value < 0)
                {
                    return;
                }

                await output.WriteAsync(value, token);
            }
        }
    }

    /// <summary>
    /// Counts round trips; after <see cref="WarmUp"/> of them, records the bytes allocated by each following window of
    /// <see cref="Measured"/>, until a window allocated nothing or <see cref="MaxWindows"/> were recorded. Allocates
    /// nothing itself once constructed.
    /// </summary>
    private sealed class Meter
    {
        private int _roundTrips;
        private long _windowStart;

        public List<long> Windows { get; } = new(MaxWindows);

        public bool Done { get; private set; }

        public void RoundTrip()
        {
            _roundTrips++;
            if (_roundTrips == WarmUp)
            {
                _windowStart = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (_roundTrips > WarmUp && (_roundTrips - WarmUp) % Measured == 0)
            {
                var end = GC.GetAllocatedBytesForCurrentThread();
                Windows.Add(end - _windowStart);
                Done = end == _windowStart || Windows.Count == MaxWindows;
                _windowStart = GC.GetAllocatedBytesForCurrentThread();
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

/// <summary>
/// Allocation measurements run with no other test in parallel: other tests' garbage collections can move this
/// thread's allocation counter without any allocation on it (see <see cref="SyncSteadyStateAllocationTests"/>).
/// </summary>
[CollectionDefinition(nameof(AllocationMeasurementCollection), DisableParallelization = true)]
public sealed class AllocationMeasurementCollection
{
}
