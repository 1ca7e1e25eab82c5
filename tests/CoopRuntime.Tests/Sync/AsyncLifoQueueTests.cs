using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Sync;

public class AsyncLifoQueueTests
{
    [Fact]
    public void TryDequeue_ReturnsTheNewestItemFirst()
    {
        var taken = new List<int>();

        TestLoops.RunVirtual(() =>
        {
            var stack = new AsyncLifoQueue<int>();
            foreach (var i in new[] { 1, 2, 3 })
            {
                stack.TryEnqueue(i);
            }

            while (stack.TryDequeue(out var item))
            {
                taken.Add(item);
            }

            return Task.CompletedTask;
        });

        Assert.Equal(new[] { 3, 2, 1 }, taken);
    }

    [Fact]
    public void TryPeek_ReturnsTheNewestItem()
    {
        var peeked = 0;

        TestLoops.RunVirtual(() =>
        {
            var stack = new AsyncLifoQueue<int>();
            stack.TryEnqueue(1);
            stack.TryEnqueue(2);
            stack.TryPeek(out peeked);
            return Task.CompletedTask;
        });

        Assert.Equal(2, peeked);
    }

    [Fact]
    public void DequeueAsync_WaitingReaders_AreStillServedFirstComeFirstServed()
    {
        var served = new List<(int Reader, int Item)>();

        TestLoops.RunVirtual(async () =>
        {
            var stack = new AsyncLifoQueue<int>();
            var readers = Enumerable.Range(0, 3).Select(ReadAsync).ToArray();
            await EventLoop.Yield();
            stack.TryEnqueue(10);
            stack.TryEnqueue(11);
            stack.TryEnqueue(12);
            await Task.WhenAll(readers);

            async Task ReadAsync(int reader) => served.Add((reader, await stack.DequeueAsync()));
        });

        Assert.Equal(new[] { (0, 10), (1, 11), (2, 12) }, served);
    }

    [Fact]
    public void EnqueueAsync_BlockedWriterPromotedIntoAFreedSlot_BecomesTheNewestItem()
    {
        var taken = new List<int>();

        TestLoops.RunVirtual(async () =>
        {
            var stack = new AsyncLifoQueue<int>(2);
            stack.TryEnqueue(1);
            stack.TryEnqueue(2);
            var blocked = stack.EnqueueAsync(3);
            taken.Add(await stack.DequeueAsync()); // 2 leaves, 3 enters on top of 1
            await blocked;
            taken.Add(await stack.DequeueAsync());
            taken.Add(await stack.DequeueAsync());
        });

        Assert.Equal(new[] { 2, 3, 1 }, taken);
    }

    [Fact]
    public void Capacity_BoundedAndUnbounded_AreReported()
    {
        Assert.Equal(4, new AsyncLifoQueue<int>(4).Capacity);
        Assert.Null(new AsyncLifoQueue<int>().Capacity);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsyncLifoQueue<int>(0));
    }

    [Fact]
    public void JoinAsync_TracksWorkLikeTheFifoQueue()
    {
        var joinedEarly = true;

        TestLoops.RunVirtual(async () =>
        {
            var stack = new AsyncLifoQueue<string>();
            stack.TryEnqueue("a");
            stack.TryEnqueue("b");
            var join = stack.JoinAsync().AsTask();
            await stack.DequeueAsync();
            stack.TaskDone();
            await EventLoop.Yield();
            joinedEarly = join.IsCompleted;
            await stack.DequeueAsync();
            stack.TaskDone();
            await join;
        });

        Assert.False(joinedEarly);
    }
}
