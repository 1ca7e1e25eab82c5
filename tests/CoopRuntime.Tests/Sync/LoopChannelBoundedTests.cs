using System.Threading.Channels;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Sync;

public class LoopChannelBoundedTests : LoopChannelTestBase
{
    protected override Channel<int> CreateChannel() => LoopChannel.CreateBounded<int>(10);

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void CreateBounded_CapacityBelowOne_Throws(int capacity)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => LoopChannel.CreateBounded<int>(capacity));
        Assert.Equal("capacity", error.ParamName);
        Assert.Throws<ArgumentNullException>(() => LoopChannel.CreateBounded<int>(null!));
    }

    [Fact]
    public void WriteAsync_FullChannel_WaitsUntilAReadFreesASlot()
    {
        var log = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            var channel = LoopChannel.CreateBounded<int>(1);
            await channel.Writer.WriteAsync(1);
            Assert.False(channel.Writer.TryWrite(99));
            var writer = WriteAsync();
            await EventLoop.Yield();
            log.Add($"count {channel.Reader.Count}, writer done {writer.IsCompleted}");
            log.Add($"read {await channel.Reader.ReadAsync()}");
            log.Add($"count {channel.Reader.Count}");
            await writer;
            log.Add($"read {await channel.Reader.ReadAsync()}");

            async Task WriteAsync()
            {
                await channel.Writer.WriteAsync(2);
                log.Add("writer resumed");
            }
        });

        Assert.Equal(new[] { "count 1, writer done False", "read 1", "count 1", "writer resumed", "read 2" }, log);
    }

    [Fact]
    public void WriteAsync_SeveralBlockedWriters_EnterInTheOrderTheyStartedWaiting()
    {
        var read = new List<int>();

        TestLoops.RunVirtual(async () =>
        {
            var channel = LoopChannel.CreateBounded<int>(1);
            channel.Writer.TryWrite(0);
            var writers = Enumerable.Range(1, 3).Select(i => channel.Writer.WriteAsync(i).AsTask()).ToArray();
            for (var i = 0; i < 4; i++)
            {
                read.Add(await channel.Reader.ReadAsync());
            }

            await Task.WhenAll(writers);
        });

        Assert.Equal(new[] { 0, 1, 2, 3 }, read);
    }

    [Fact]
    public void WriteAsync_CancelReachesTheLoopBeforeASlotFrees_TheItemIsNeverWritten()
    {
        var cancelled = false;
        var countAfter = -1;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var channel = LoopChannel.CreateBounded<int>(1);
            channel.Writer.TryWrite(1);
            using var cts = new CancellationTokenSource();
            var write = channel.Writer.WriteAsync(2, cts.Token).AsTask();
            cts.Cancel();
            loop.CallSoon(() => channel.Reader.TryRead(out _));
            cancelled = (await Task.WhenAny(write)).IsCanceled;
            await EventLoop.Yield();
            countAfter = channel.Reader.Count;
        });

        Assert.True(cancelled);
        Assert.Equal(0, countAfter);
    }

    [Fact]
    public void WriteAsync_CancelRequestedThenSlotFreedInTheSameIteration_CancelWinsAndTheWriteIsNotMade()
    {
        var cancelled = false;
        var read = new List<int>();

        TestLoops.RunVirtual(async () =>
        {
            var channel = LoopChannel.CreateBounded<int>(1);
            channel.Writer.TryWrite(1);
            using var cts = new CancellationTokenSource();
            var write = channel.Writer.WriteAsync(2, cts.Token).AsTask();
            var next = channel.Writer.WriteAsync(3).AsTask();
            cts.Cancel();                         // only posted, but the token reports it...
            Assert.True(channel.Reader.TryRead(out var first)); // ...so the slot passes over writer 2 to writer 3
            read.Add(first);
            cancelled = (await Task.WhenAny(write)).IsCanceled;
            await next;
            await EventLoop.Yield();
            while (channel.Reader.TryRead(out var item))
            {
                read.Add(item);
            }
        });

        Assert.True(cancelled);
        Assert.Equal(new[] { 1, 3 }, read); // 2 was never written; nothing was lost
    }

    [Fact]
    public void WriteAsync_CancelRequestedThenSlotFreedWithNoOtherWriter_TheSlotStaysFree()
    {
        var cancelled = false;
        var count = -1;
        var canWrite = false;

        TestLoops.RunVirtual(async () =>
        {
            var channel = LoopChannel.CreateBounded<int>(1);
            channel.Writer.TryWrite(1);
            using var cts = new CancellationTokenSource();
            var write = channel.Writer.WriteAsync(2, cts.Token).AsTask();
            var waitToWrite = channel.Writer.WaitToWriteAsync().AsTask();
            cts.Cancel();
            channel.Reader.TryRead(out _); // the cancelled writer is passed over: waiting WaitToWriteAsync calls wake
            cancelled = (await Task.WhenAny(write)).IsCanceled;
            canWrite = await waitToWrite;
            count = channel.Reader.Count;
        });

        Assert.True(cancelled);
        Assert.True(canWrite);
        Assert.Equal(0, count);
    }

    [Fact]
    public void WriteAsync_SlotFreedThenCancelRequestedInTheSameIteration_TheWriteStands()
    {
        var item = 0;

        TestLoops.RunVirtual(async () =>
        {
            var channel = LoopChannel.CreateBounded<int>(1);
            channel.Writer.TryWrite(1);
            using var cts = new CancellationTokenSource();
            var write = channel.Writer.WriteAsync(2, cts.Token);
            channel.Reader.TryRead(out _); // the slot goes to the writer before its token is cancelled
            cts.Cancel();
            await write;
            await EventLoop.Yield();
            channel.Reader.TryRead(out item);
        });

        Assert.Equal(2, item);
    }

    [Fact]
    public void WaitToWriteAsync_FullChannel_WaitsForARead()
    {
        var waitedAtFirst = false;
        var result = false;

        TestLoops.RunVirtual(async () =>
        {
            var channel = LoopChannel.CreateBounded<int>(1);
            channel.Writer.TryWrite(1);
            var wait = channel.Writer.WaitToWriteAsync();
            waitedAtFirst = !wait.IsCompleted;
            channel.Reader.TryRead(out _);
            result = await wait;
        });

        Assert.True(waitedAtFirst);
        Assert.True(result);
    }

    [Fact]
    public void Complete_WithWritersWaiting_FailsThemAndKeepsBufferedItemsReadable()
    {
        var error = new InvalidOperationException("stop");
        Exception? blockedWriteError = null;
        Exception? waitToWriteError = null;
        var read = new List<int>();

        TestLoops.RunVirtual(async () =>
        {
            var channel = LoopChannel.CreateBounded<int>(1);
            channel.Writer.TryWrite(1);
            var blocked = channel.Writer.WriteAsync(2).AsTask();
            var waitToWrite = channel.Writer.WaitToWriteAsync().AsTask();
            channel.Writer.Complete(error);
            blockedWriteError = await Record.ExceptionAsync(() => blocked);
            waitToWriteError = await Record.ExceptionAsync(() => waitToWrite);
            while (channel.Reader.TryRead(out var item))
            {
                read.Add(item);
            }

            await Assert.ThrowsAsync<InvalidOperationException>(() => channel.Reader.Completion);
        });

        Assert.Same(error, Assert.IsType<ChannelClosedException>(blockedWriteError).InnerException);
        Assert.Same(error, waitToWriteError);
        Assert.Equal(new[] { 1 }, read);
    }

    [Fact]
    public void Complete_WithoutError_WaitingWritersGetFalse()
    {
        var result = true;

        TestLoops.RunVirtual(async () =>
        {
            var channel = LoopChannel.CreateBounded<int>(1);
            channel.Writer.TryWrite(1);
            var wait = channel.Writer.WaitToWriteAsync();
            channel.Writer.Complete();
            result = await wait;
        });

        Assert.False(result);
    }

    [Theory]
    [InlineData(BoundedChannelFullMode.DropWrite, new[] { 1, 2 })]
    [InlineData(BoundedChannelFullMode.DropNewest, new[] { 1, 4 })]
    [InlineData(BoundedChannelFullMode.DropOldest, new[] { 3, 4 })]
    public void TryWrite_FullChannelInADropMode_AcceptsEveryWriteAndKeepsTheRightItems(BoundedChannelFullMode mode, int[] kept)
    {
        var read = new List<int>();
        var accepted = new List<bool>();

        TestLoops.RunVirtual(() =>
        {
            var channel = LoopChannel.CreateBounded<int>(new BoundedChannelOptions(2) { FullMode = mode });
            for (var i = 1; i <= 4; i++)
            {
                accepted.Add(channel.Writer.TryWrite(i));
            }

            while (channel.Reader.TryRead(out var item))
            {
                read.Add(item);
            }

            return Task.CompletedTask;
        });

        Assert.All(accepted, Assert.True);
        Assert.Equal(kept, read);
    }

    [Theory]
    [InlineData(BoundedChannelFullMode.DropWrite)]
    [InlineData(BoundedChannelFullMode.DropNewest)]
    [InlineData(BoundedChannelFullMode.DropOldest)]
    public void WriteAsyncAndWaitToWriteAsync_FullChannelInADropMode_CompleteAtOnce(BoundedChannelFullMode mode)
    {
        var canWrite = false;
        var writeCompleted = false;
        var count = -1;

        TestLoops.RunVirtual(async () =>
        {
            var channel = LoopChannel.CreateBounded<int>(new BoundedChannelOptions(1) { FullMode = mode });
            channel.Writer.TryWrite(1);
            var wait = channel.Writer.WaitToWriteAsync();
            var write = channel.Writer.WriteAsync(2);
            writeCompleted = write.IsCompletedSuccessfully;
            canWrite = wait.IsCompleted && await wait;
            await write;
            count = channel.Reader.Count;
        });

        Assert.True(canWrite);
        Assert.True(writeCompleted);
        Assert.Equal(1, count);
    }

    [Theory]
    [InlineData(BoundedChannelFullMode.DropWrite, new[] { 3, 4 })]
    [InlineData(BoundedChannelFullMode.DropNewest, new[] { 2, 3 })]
    [InlineData(BoundedChannelFullMode.DropOldest, new[] { 1, 2 })]
    public void ItemDropped_FullChannelInADropMode_IsCalledWithEachDroppedItemInsideTheWrite(BoundedChannelFullMode mode, int[] expected)
    {
        var dropped = new List<int>();
        var droppedDuringWrites = new List<int>();

        TestLoops.RunVirtual(() =>
        {
            var channel = LoopChannel.CreateBounded<int>(new BoundedChannelOptions(2) { FullMode = mode }, dropped.Add);
            for (var i = 1; i <= 4; i++)
            {
                channel.Writer.TryWrite(i);
                droppedDuringWrites.Add(dropped.Count);
            }

            return Task.CompletedTask;
        });

        Assert.Equal(expected, dropped);
        Assert.Equal(new[] { 0, 0, 1, 2 }, droppedDuringWrites);
    }

    [Fact]
    public void TryWrite_FullChannelInWaitMode_ReturnsFalseAndDropsNothing()
    {
        var dropped = new List<int>();
        var accepted = true;

        TestLoops.RunVirtual(() =>
        {
            var channel = LoopChannel.CreateBounded<int>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.Wait }, dropped.Add);
            channel.Writer.TryWrite(1);
            accepted = channel.Writer.TryWrite(2);
            return Task.CompletedTask;
        });

        Assert.False(accepted);
        Assert.Empty(dropped);
    }

    [Fact]
    public void WriteAsync_100000BlockedWritersDrained_EnterInFifoOrder()
    {
        const int Writers = 100_000;
        var channel = LoopChannel.CreateBounded<int>(1);

        var taken = ManyWaiters.DrainBlockedWriters(
            Writers, i => channel.Writer.WriteAsync(i), () => (channel.Reader.TryRead(out var item), item));

        Assert.Equal(Enumerable.Range(0, Writers), taken);
    }
}
