using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Sync;

public class AsyncPriorityQueueTests
{
    [Fact]
    public void TryDequeue_ReturnsTheLowestPriorityFirst()
    {
        var taken = new List<(string, int)>();

        TestLoops.RunVirtual(() =>
        {
            var queue = new AsyncPriorityQueue<string, int>();
            queue.TryEnqueue("c", 3);
            queue.TryEnqueue("a", 1);
            queue.TryEnqueue("b", 2);
            while (queue.TryDequeue(out var element, out var priority))
            {
                taken.Add((element, priority));
            }

            return Task.CompletedTask;
        });

        Assert.Equal(new[] { ("a", 1), ("b", 2), ("c", 3) }, taken);
    }

    [Fact]
    public void TryDequeue_EqualPriorities_ComeOutInTheOrderTheyEntered()
    {
        var taken = new List<int>();

        TestLoops.RunVirtual(() =>
        {
            var queue = new AsyncPriorityQueue<int, int>();
            for (var i = 0; i < 200; i++)
            {
                queue.TryEnqueue(i, i % 3);
            }

            while (queue.TryDequeue(out var element, out _))
            {
                taken.Add(element);
            }

            return Task.CompletedTask;
        });

        var expected = Enumerable.Range(0, 200).OrderBy(i => i % 3).ThenBy(i => i);
        Assert.Equal(expected, taken);
    }

    [Fact]
    public void TryDequeue_EqualPrioritiesInterleavedWithTakes_StayStable()
    {
        var taken = new List<string>();

        TestLoops.RunVirtual(() =>
        {
            var queue = new AsyncPriorityQueue<string, int>();
            queue.TryEnqueue("a1", 1);
            queue.TryEnqueue("b0", 0);
            queue.TryEnqueue("a2", 1);
            queue.TryDequeue(out var first, out _);
            taken.Add(first!);
            queue.TryEnqueue("a3", 1);
            while (queue.TryDequeue(out var element, out _))
            {
                taken.Add(element);
            }

            return Task.CompletedTask;
        });

        Assert.Equal(new[] { "b0", "a1", "a2", "a3" }, taken);
    }

    [Fact]
    public void Constructor_WithComparer_OrdersByIt()
    {
        var taken = new List<string>();

        TestLoops.RunVirtual(() =>
        {
            var highestFirst = Comparer<int>.Create((x, y) => y.CompareTo(x));
            var queue = new AsyncPriorityQueue<string, int>(highestFirst);
            queue.TryEnqueue("low", 1);
            queue.TryEnqueue("high", 9);
            while (queue.TryDequeue(out var element, out _))
            {
                taken.Add(element);
            }

            return Task.CompletedTask;
        });

        Assert.Equal(new[] { "high", "low" }, taken);
    }

    [Fact]
    public void DequeueAsync_ReturnsTheEntryAsElementAndPriority()
    {
        (string Element, int Priority) entry = default;

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncPriorityQueue<string, int>();
            var read = queue.DequeueAsync();
            await queue.EnqueueAsync("job", 4);
            entry = await read;
        });

        Assert.Equal("job", entry.Element);
        Assert.Equal(4, entry.Priority);
    }

    [Fact]
    public void EnqueueAsync_BlockedWriters_GetSlotsInArrivalOrderThenSortByPriority()
    {
        var taken = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncPriorityQueue<string, int>(capacity: 1);
            queue.TryEnqueue("first", 5);
            var low = queue.EnqueueAsync("waits-first-low-priority", 9);
            var high = queue.EnqueueAsync("waits-second-high-priority", 0);
            taken.Add((await queue.DequeueAsync()).Element); // frees a slot: the first writer gets it
            await low;
            Assert.False(high.IsCompleted);
            taken.Add((await queue.DequeueAsync()).Element);
            await high;
            taken.Add((await queue.DequeueAsync()).Element);
        });

        Assert.Equal(new[] { "first", "waits-first-low-priority", "waits-second-high-priority" }, taken);
    }

    [Fact]
    public void TryPeek_ReturnsTheLowestPriorityEntry()
    {
        (string, int) peeked = default;

        TestLoops.RunVirtual(() =>
        {
            var queue = new AsyncPriorityQueue<string, int>();
            queue.TryEnqueue("b", 2);
            queue.TryEnqueue("a", 1);
            queue.TryPeek(out peeked);
            return Task.CompletedTask;
        });

        Assert.Equal(("a", 1), peeked);
    }

    [Fact]
    public void EnqueueAsync_ComparerCancelsTheWritersTokenWhileItsItemIsStored_TheWriteStands()
    {
        var wrote = false;
        var remaining = new List<int>();

        TestLoops.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource();
            var cancelOnCompare = false;
            var comparer = Comparer<int>.Create((x, y) =>
            {
                if (cancelOnCompare)
                {
                    cts.Cancel(); // user code cancels the writer's token while the queue stores the writer's item
                }

                return x.CompareTo(y);
            });
            var queue = new AsyncPriorityQueue<int, int>(2, comparer);
            queue.TryEnqueue(1, 1);
            queue.TryEnqueue(2, 2);
            var write = queue.EnqueueAsync(3, 3, cts.Token).AsTask();
            cancelOnCompare = true;
            queue.TryDequeue(out _, out _); // admits the writer: storing its item compares priorities
            cancelOnCompare = false;
            await Task.WhenAny(write);
            wrote = write.IsCompletedSuccessfully;
            await EventLoop.Yield();
            while (queue.TryDequeue(out var element, out _))
            {
                remaining.Add(element);
            }
        });

        Assert.True(wrote);                        // its item is in the queue, so it was written
        Assert.Equal(new[] { 2, 3 }, remaining);   // exactly once
    }

    [Fact]
    public void Capacity_Bounded_IsReportedAndValidated()
    {
        Assert.Equal(3, new AsyncPriorityQueue<int, int>(3).Capacity);
        Assert.Null(new AsyncPriorityQueue<int, int>().Capacity);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsyncPriorityQueue<int, int>(0));
    }
}
