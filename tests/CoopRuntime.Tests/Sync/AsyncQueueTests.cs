using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Sync;

public class AsyncQueueTests
{
    [Fact]
    public void Constructor_Unbounded_HasNoCapacityAndIsNeverFull()
    {
        var queue = new AsyncQueue<int>();

        TestLoops.RunVirtual(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                Assert.True(queue.TryEnqueue(i));
            }

            return Task.CompletedTask;
        });

        Assert.Null(queue.Capacity);
        Assert.False(queue.IsFull);
        Assert.Equal(10_000, queue.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_CapacityBelowOne_Throws(int capacity)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new AsyncQueue<int>(capacity));
        Assert.Equal("capacity", error.ParamName);
    }

    [Fact]
    public void TryEnqueue_Bounded_AcceptsUpToCapacityThenFails()
    {
        var queue = new AsyncQueue<int>(2);
        var accepted = new List<bool>();

        TestLoops.RunVirtual(() =>
        {
            accepted.Add(queue.TryEnqueue(1));
            accepted.Add(queue.TryEnqueue(2));
            accepted.Add(queue.TryEnqueue(3));
            return Task.CompletedTask;
        });

        Assert.Equal(new[] { true, true, false }, accepted);
        Assert.Equal(2, queue.Count);
        Assert.Equal(2, queue.Capacity);
        Assert.True(queue.IsFull);
        Assert.False(queue.IsEmpty);
    }

    [Fact]
    public void TryDequeue_ReturnsItemsInFifoOrderThenFails()
    {
        var taken = new List<int>();
        var emptyAtEnd = false;

        TestLoops.RunVirtual(() =>
        {
            var queue = new AsyncQueue<int>();
            foreach (var i in new[] { 3, 1, 2 })
            {
                queue.TryEnqueue(i);
            }

            while (queue.TryDequeue(out var item))
            {
                taken.Add(item);
            }

            emptyAtEnd = queue.IsEmpty && !queue.TryPeek(out _);
            return Task.CompletedTask;
        });

        Assert.Equal(new[] { 3, 1, 2 }, taken);
        Assert.True(emptyAtEnd);
    }

    [Fact]
    public void TryPeek_ReturnsTheNextItemWithoutRemovingIt()
    {
        var peeked = 0;
        var count = 0;

        TestLoops.RunVirtual(() =>
        {
            var queue = new AsyncQueue<int>();
            queue.TryEnqueue(7);
            queue.TryEnqueue(8);
            queue.TryPeek(out peeked);
            count = queue.Count;
            return Task.CompletedTask;
        });

        Assert.Equal(7, peeked);
        Assert.Equal(2, count);
    }

    [Fact]
    public void DequeueAsync_ItemAvailable_CompletesSynchronously()
    {
        var completedAtOnce = false;
        var item = 0;

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>();
            queue.TryEnqueue(5);
            var read = queue.DequeueAsync();
            completedAtOnce = read.IsCompleted;
            item = await read;
        });

        Assert.True(completedAtOnce);
        Assert.Equal(5, item);
    }

    [Fact]
    public void DequeueAsync_EmptyQueue_WaitsUntilAnItemArrivesAndResumesOnTheNextIteration()
    {
        var log = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<string>();
            var reader = ReadAsync();
            await EventLoop.Yield();
            log.Add("enqueue");
            queue.TryEnqueue("x");
            log.Add("after enqueue");
            await reader;

            async Task ReadAsync()
            {
                var item = await queue.DequeueAsync();
                log.Add("got " + item);
            }
        });

        Assert.Equal(new[] { "enqueue", "after enqueue", "got x" }, log);
    }

    [Fact]
    public void DequeueAsync_SeveralWaitingReaders_AreServedInTheOrderTheyStartedWaiting()
    {
        var served = new List<(int Reader, int Item)>();

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>();
            var readers = Enumerable.Range(0, 5).Select(ReadAsync).ToArray();
            await EventLoop.Yield();
            for (var i = 100; i < 105; i++)
            {
                queue.TryEnqueue(i);
            }

            await Task.WhenAll(readers);

            async Task ReadAsync(int reader) => served.Add((reader, await queue.DequeueAsync()));
        });

        Assert.Equal(Enumerable.Range(0, 5).Select(r => (r, 100 + r)), served);
    }

    [Fact]
    public void TryEnqueue_WhileReadersWait_HandsTheItemToTheFirstReaderWithoutStoringIt()
    {
        var countAfter = -1;
        var unfinishedAfter = -1;
        var item = 0;

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>(1);
            var read = queue.DequeueAsync();
            Assert.True(queue.TryEnqueue(9));
            countAfter = queue.Count;
            unfinishedAfter = queue.UnfinishedCount;
            item = await read;
        });

        Assert.Equal(0, countAfter);
        Assert.Equal(1, unfinishedAfter);
        Assert.Equal(9, item);
    }

    [Fact]
    public void EnqueueAsync_FullQueue_WaitsUntilAReaderFreesASlot()
    {
        var log = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>(1);
            await queue.EnqueueAsync(1);
            var writer = WriteAsync();
            await EventLoop.Yield();
            await EventLoop.Yield();
            log.Add($"count {queue.Count}, writer done {writer.IsCompleted}");
            log.Add($"took {await queue.DequeueAsync()}");
            log.Add($"count {queue.Count}");
            await writer;
            log.Add($"took {await queue.DequeueAsync()}");

            async Task WriteAsync()
            {
                await queue.EnqueueAsync(2);
                log.Add("writer resumed");
            }
        });

        Assert.Equal(
            new[] { "count 1, writer done False", "took 1", "count 1", "writer resumed", "took 2" },
            log);
    }

    [Fact]
    public void EnqueueAsync_SeveralBlockedWriters_EnterInTheOrderTheyStartedWaiting()
    {
        var taken = new List<int>();

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>(1);
            queue.TryEnqueue(0);
            var writers = new[] { queue.EnqueueAsync(1).AsTask(), queue.EnqueueAsync(2).AsTask(), queue.EnqueueAsync(3).AsTask() };
            Assert.False(queue.TryEnqueue(99)); // a writer that could not wait does not jump the line either
            for (var i = 0; i < 4; i++)
            {
                taken.Add(await queue.DequeueAsync());
            }

            await Task.WhenAll(writers);
        });

        Assert.Equal(new[] { 0, 1, 2, 3 }, taken);
    }

    [Fact]
    public void EnqueueAsync_WhileWritersWait_QueuesBehindThem()
    {
        var taken = new List<int>();

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>(1);
            queue.TryEnqueue(0);
            var first = queue.EnqueueAsync(1);
            Assert.True(queue.TryDequeue(out var item)); // promotes writer 1 into the freed slot
            taken.Add(item);
            var second = queue.EnqueueAsync(2);           // the queue is full again: waits behind nobody, but waits
            Assert.False(second.IsCompleted);
            taken.Add(await queue.DequeueAsync());
            taken.Add(await queue.DequeueAsync());
            await first;
            await second;
        });

        Assert.Equal(new[] { 0, 1, 2 }, taken);
    }

    [Fact]
    public void DequeueAsync_CancelledWhileWaiting_ThrowsAndLeavesTheLineWithoutDisturbingOthers()
    {
        var served = new List<(int Reader, int Item)>();
        var cancelled = false;

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>();
            using var cts = new CancellationTokenSource();
            var first = ReadAsync(0, CancellationToken.None);
            var middle = ReadAsync(1, cts.Token);
            var last = ReadAsync(2, CancellationToken.None);
            await EventLoop.Yield();
            cts.Cancel();
            await EventLoop.Yield(); // the cancellation reaches the loop
            queue.TryEnqueue(10);
            queue.TryEnqueue(11);
            await Task.WhenAll(first, last);
            cancelled = (await Assert.ThrowsAnyAsync<OperationCanceledException>(() => middle)).CancellationToken == cts.Token;

            async Task ReadAsync(int reader, CancellationToken token) => served.Add((reader, await queue.DequeueAsync(token)));
        });

        Assert.Equal(new[] { (0, 10), (2, 11) }, served);
        Assert.True(cancelled);
    }

    [Fact]
    public void DequeueAsync_CancelRequestedThenItemEnqueuedInTheSameIteration_CancelWinsAndTheItemGoesToTheNextReader()
    {
        var firstCancelled = false;
        var secondGot = 0;
        var count = -1;
        var unfinished = -1;

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>();
            using var cts = new CancellationTokenSource();
            var first = queue.DequeueAsync(cts.Token).AsTask();
            var second = queue.DequeueAsync();
            cts.Cancel();          // the cancellation is only posted to the loop, but the token reports it...
            queue.TryEnqueue(42);  // ...so the grant passes over the first reader
            firstCancelled = (await Task.WhenAny(first)).IsCanceled;
            secondGot = await second;
            count = queue.Count;
            unfinished = queue.UnfinishedCount;
        });

        Assert.True(firstCancelled);
        Assert.Equal(42, secondGot);
        Assert.Equal(0, count);
        Assert.Equal(1, unfinished);
    }

    [Fact]
    public void DequeueAsync_CancelRequestedThenItemEnqueuedInTheSameIteration_CancelWinsAndTheItemStaysQueued()
    {
        var cancelled = false;
        var remaining = new List<int>();

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>();
            using var cts = new CancellationTokenSource();
            var read = queue.DequeueAsync(cts.Token).AsTask();
            cts.Cancel();
            Assert.True(queue.TryEnqueue(42)); // no reader takes it: it is queued
            cancelled = (await Task.WhenAny(read)).IsCanceled;
            await EventLoop.Yield();           // the posted cancel item runs and finds nothing to do
            while (queue.TryDequeue(out var item))
            {
                remaining.Add(item);
            }
        });

        Assert.True(cancelled);
        Assert.Equal(new[] { 42 }, remaining);
    }

    [Fact]
    public void DequeueAsync_ItemGrantedThenCancelRequestedInTheSameIteration_KeepsTheItem()
    {
        var item = 0;
        var count = -1;

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>();
            using var cts = new CancellationTokenSource();
            var read = queue.DequeueAsync(cts.Token);
            queue.TryEnqueue(42); // granted while the token is not cancelled: the grant stands
            cts.Cancel();
            item = await read;
            await EventLoop.Yield();
            count = queue.Count;
        });

        Assert.Equal(42, item);
        Assert.Equal(0, count);
    }

    [Fact]
    public void DequeueAsync_GrantScheduledBeforeTheCancelInTheNextIteration_KeepsTheItem()
    {
        var item = 0;
        var count = -1;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var queue = new AsyncQueue<int>();
            using var cts = new CancellationTokenSource();
            var read = queue.DequeueAsync(cts.Token);

            // Both run next iteration, the grant first: it is made while the token is not cancelled yet, so it stands
            // and the cancellation that follows finds nothing to cancel. (A grant merely scheduled before Cancel() but
            // run after it is made to a cancelled waiter and passes on: see the CancelRequestedThen... tests.)
            loop.CallSoon(() => queue.TryEnqueue(42));
            loop.CallSoon(cts.Cancel);
            item = await read;
            await EventLoop.Yield();
            count = queue.Count;
        });

        Assert.Equal(42, item);
        Assert.Equal(0, count);
    }

    [Fact]
    public void DequeueAsync_CancelReachesTheLoopBeforeTheGrant_TheItemGoesToTheNextReader()
    {
        var secondGot = 0;
        var firstCancelled = false;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var queue = new AsyncQueue<int>();
            using var cts = new CancellationTokenSource();
            var first = queue.DequeueAsync(cts.Token).AsTask();
            var second = queue.DequeueAsync();
            cts.Cancel();                              // cancel item queued first...
            loop.CallSoon(() => queue.TryEnqueue(42)); // ...then the grant, in the same next iteration
            secondGot = await second;
            firstCancelled = (await Task.WhenAny(first)).IsCanceled;
        });

        Assert.True(firstCancelled);
        Assert.Equal(42, secondGot);
    }

    [Fact]
    public void DequeueAsync_CancelReachesTheLoopBeforeTheGrantWithNoOtherReader_TheItemStaysQueued()
    {
        var count = -1;
        var cancelled = false;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var queue = new AsyncQueue<int>();
            using var cts = new CancellationTokenSource();
            var read = queue.DequeueAsync(cts.Token).AsTask();
            cts.Cancel();
            loop.CallSoon(() => queue.TryEnqueue(42));
            cancelled = (await Task.WhenAny(read)).IsCanceled;
            await EventLoop.Yield();
            count = queue.Count;
        });

        Assert.True(cancelled);
        Assert.Equal(1, count);
    }

    [Fact]
    public void EnqueueAsync_CancelReachesTheLoopBeforeASlotFrees_TheItemIsNeverEnqueued()
    {
        var remaining = new List<int>();
        var cancelled = false;
        var unfinished = -1;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var queue = new AsyncQueue<int>(1);
            queue.TryEnqueue(1);
            using var cts = new CancellationTokenSource();
            var write = queue.EnqueueAsync(2, cts.Token).AsTask();
            cts.Cancel();
            loop.CallSoon(() => queue.TryDequeue(out _)); // frees the slot after the cancel went through
            cancelled = (await Task.WhenAny(write)).IsCanceled;
            await EventLoop.Yield();
            while (queue.TryDequeue(out var item))
            {
                remaining.Add(item);
            }

            unfinished = queue.UnfinishedCount;
        });

        Assert.True(cancelled);
        Assert.Empty(remaining);
        Assert.Equal(1, unfinished); // only item 1 ever entered
    }

    [Fact]
    public void EnqueueAsync_CancelRequestedThenSlotFreedInTheSameIteration_CancelWinsAndTheWriteIsNotMade()
    {
        var remaining = new List<int>();
        var cancelled = false;
        var unfinished = -1;

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>(1);
            queue.TryEnqueue(1);
            using var cts = new CancellationTokenSource();
            var write = queue.EnqueueAsync(2, cts.Token).AsTask();
            var next = queue.EnqueueAsync(3).AsTask();
            cts.Cancel();                      // only posted, but the token reports it...
            Assert.True(queue.TryDequeue(out var first)); // ...so the freed slot passes over writer 2 to writer 3
            remaining.Add(first);
            cancelled = (await Task.WhenAny(write)).IsCanceled;
            await next;
            await EventLoop.Yield();
            while (queue.TryDequeue(out var item))
            {
                remaining.Add(item);
            }

            unfinished = queue.UnfinishedCount;
        });

        Assert.True(cancelled);
        Assert.Equal(new[] { 1, 3 }, remaining); // 2 was never enqueued; nothing was lost
        Assert.Equal(2, unfinished);
    }

    [Fact]
    public void EnqueueAsync_SlotFreedThenCancelRequestedInTheSameIteration_TheWriteStands()
    {
        var remaining = new List<int>();

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>(1);
            queue.TryEnqueue(1);
            using var cts = new CancellationTokenSource();
            var write = queue.EnqueueAsync(2, cts.Token);
            queue.TryDequeue(out _); // the slot goes to the writer before its token is cancelled
            cts.Cancel();
            await write;
            await EventLoop.Yield();
            while (queue.TryDequeue(out var item))
            {
                remaining.Add(item);
            }
        });

        Assert.Equal(new[] { 2 }, remaining);
    }

    [Fact]
    public void EnqueueAsync_MiddleWriterCancelled_OthersKeepTheirOrder()
    {
        var taken = new List<int>();
        var cancelled = false;

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>(1);
            queue.TryEnqueue(0);
            using var cts = new CancellationTokenSource();
            var a = queue.EnqueueAsync(1).AsTask();
            var b = queue.EnqueueAsync(2, cts.Token).AsTask();
            var c = queue.EnqueueAsync(3).AsTask();
            cts.Cancel();
            await EventLoop.Yield();
            for (var i = 0; i < 3; i++)
            {
                taken.Add(await queue.DequeueAsync());
            }

            await Task.WhenAll(a, c);
            cancelled = (await Task.WhenAny(b)).IsCanceled;
        });

        Assert.Equal(new[] { 0, 1, 3 }, taken);
        Assert.True(cancelled);
    }

    [Fact]
    public void Operations_WithAnAlreadyCancelledToken_FailAtOnceEvenIfTheyCouldComplete()
    {
        var results = new List<bool>();
        var count = -1;

        TestLoops.RunVirtual(() =>
        {
            var queue = new AsyncQueue<int>();
            queue.TryEnqueue(1);
            var cancelled = new CancellationToken(true);
            results.Add(queue.EnqueueAsync(2, cancelled).IsCanceled);
            results.Add(queue.DequeueAsync(cancelled).IsCanceled);
            results.Add(queue.JoinAsync(cancelled).IsCanceled);
            count = queue.Count;
            return Task.CompletedTask;
        });

        Assert.Equal(new[] { true, true, true }, results);
        Assert.Equal(1, count);
    }

    [Fact]
    public void JoinAsync_NothingUnfinished_CompletesSynchronously()
    {
        var completed = false;

        TestLoops.RunVirtual(() =>
        {
            completed = new AsyncQueue<int>().JoinAsync().IsCompletedSuccessfully;
            return Task.CompletedTask;
        });

        Assert.True(completed);
    }

    [Fact]
    public void JoinAsync_WaitsUntilEveryItemIsMarkedDone()
    {
        var log = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>();
            queue.TryEnqueue(1);
            queue.TryEnqueue(2);
            var join = JoinAsync();
            queue.TryDequeue(out _);
            queue.TryDequeue(out _);
            await EventLoop.Yield();
            log.Add($"both taken, unfinished {queue.UnfinishedCount}");
            queue.TaskDone();
            await EventLoop.Yield();
            log.Add($"one done, unfinished {queue.UnfinishedCount}");
            queue.TaskDone();
            log.Add("all done");
            await join;

            async Task JoinAsync()
            {
                await queue.JoinAsync();
                log.Add("joined");
            }
        });

        Assert.Equal(new[] { "both taken, unfinished 2", "one done, unfinished 1", "all done", "joined" }, log);
    }

    [Fact]
    public void TaskDone_CalledMoreTimesThanItemsEntered_Throws()
    {
        InvalidOperationException? error = null;

        TestLoops.RunVirtual(() =>
        {
            var queue = new AsyncQueue<int>();
            queue.TryEnqueue(1);
            queue.TryDequeue(out _);
            queue.TaskDone();
            error = Assert.Throws<InvalidOperationException>(queue.TaskDone);
            return Task.CompletedTask;
        });

        Assert.Contains("more times than items", error!.Message);
    }

    [Fact]
    public void JoinAsync_ItemHandedStraightToAReader_StillCountsAsUnfinished()
    {
        var joinedEarly = true;

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>();
            var read = queue.DequeueAsync();
            queue.TryEnqueue(1);
            await read;
            var join = queue.JoinAsync().AsTask();
            await EventLoop.Yield();
            joinedEarly = join.IsCompleted;
            queue.TaskDone();
            await join;
        });

        Assert.False(joinedEarly);
    }

    [Fact]
    public void JoinAsync_CancelledJoiner_LeavesOthersWaiting()
    {
        var log = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>();
            queue.TryEnqueue(1);
            using var cts = new CancellationTokenSource();
            var cancelledJoin = queue.JoinAsync(cts.Token).AsTask();
            var join = queue.JoinAsync().AsTask();
            cts.Cancel();
            await Task.WhenAny(cancelledJoin);
            log.Add($"cancelled {cancelledJoin.IsCanceled}, other waiting {!join.IsCompleted}");
            queue.TryDequeue(out _);
            queue.TaskDone();
            await join;
            log.Add("joined");
        });

        Assert.Equal(new[] { "cancelled True, other waiting True", "joined" }, log);
    }

    [Fact]
    public void TaskDone_ManyJoinersWaiting_ResumesAllInOrderOnTheNextIteration()
    {
        const int Joiners = 10_000;
        var order = new List<int>();
        var resumedInsideTaskDone = -1;

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>();
            queue.TryEnqueue(1);
            var joins = Enumerable.Range(0, Joiners).Select(JoinAsync).ToArray();
            queue.TryDequeue(out _);
            queue.TaskDone();
            resumedInsideTaskDone = order.Count;
            await Task.WhenAll(joins);

            async Task JoinAsync(int id)
            {
                await queue.JoinAsync();
                order.Add(id);
            }
        });

        Assert.Equal(0, resumedInsideTaskDone);
        Assert.Equal(Enumerable.Range(0, Joiners), order);
    }

    [Fact]
    public void DequeueAsync_100000WaitingReadersReleased_ResumeInFifoOrderWithoutReentrancy()
    {
        const int Readers = 100_000;
        var queue = new AsyncQueue<int>();

        var released = ManyWaiters.ReleaseReaders(Readers, () => queue.DequeueAsync(), () =>
        {
            for (var i = 0; i < Readers; i++)
            {
                queue.TryEnqueue(i);
            }
        });

        Assert.Equal(0, released.ResumedDuringRelease);
        Assert.Equal(Enumerable.Range(0, Readers), released.ResumeOrder);
        Assert.Equal(Enumerable.Range(0, Readers), released.Received);
        Assert.All(released.Errors, Assert.Null);
    }

    [Fact]
    public void EnqueueAsync_100000BlockedWritersDrained_EnterInFifoOrder()
    {
        const int Writers = 100_000;
        var queue = new AsyncQueue<int>(1);

        var taken = ManyWaiters.DrainBlockedWriters(
            Writers, i => queue.EnqueueAsync(i), () => (queue.TryDequeue(out var item), item));

        Assert.Equal(Enumerable.Range(0, Writers), taken);
    }

    [Fact]
    public void DequeueAsync_ValueTaskAwaitedTwice_ThrowsAClearError()
    {
        InvalidOperationException? error = null;

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>();
            var read = queue.DequeueAsync();
            queue.TryEnqueue(1);
            await read;
            error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await read);
        });

        Assert.Contains("already awaited", error!.Message);
    }

    [Fact]
    public void ProducerConsumer_WithTaskGroup_ProcessesEveryItemAndJoins()
    {
        var processed = new List<int>();

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>(3);
            await using var group = new TaskGroup();
            for (var w = 0; w < 3; w++)
            {
                group.Spawn(async ct =>
                {
                    while (true)
                    {
                        var item = await queue.DequeueAsync(ct);
                        await EventLoop.Sleep(TimeSpan.FromMilliseconds(item % 7), ct);
                        processed.Add(item);
                        queue.TaskDone();
                    }
                });
            }

            for (var i = 0; i < 100; i++)
            {
                await queue.EnqueueAsync(i);
            }

            await queue.JoinAsync();
            group.Cancel();
        });

        Assert.Equal(Enumerable.Range(0, 100), processed.Order());
    }
}
