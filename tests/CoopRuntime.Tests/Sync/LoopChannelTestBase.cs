using System.Threading.Channels;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Sync;

/// <summary>
/// What every loop channel does, bounded or not (after System.Threading.Channels' ChannelTestBase): one concrete test
/// class per kind supplies the channel.
/// </summary>
public abstract class LoopChannelTestBase
{
    /// <summary>A fresh channel of the kind under test, with room for at least 10 items.</summary>
    protected abstract Channel<int> CreateChannel();

    [Fact]
    public void TryWrite_ThenTryRead_ReturnsItemsInFifoOrder()
    {
        var taken = new List<int>();
        var count = -1;

        TestLoops.RunVirtual(() =>
        {
            var channel = CreateChannel();
            for (var i = 0; i < 5; i++)
            {
                Assert.True(channel.Writer.TryWrite(i));
            }

            count = channel.Reader.Count;
            while (channel.Reader.TryRead(out var item))
            {
                taken.Add(item);
            }

            return Task.CompletedTask;
        });

        Assert.Equal(5, count);
        Assert.Equal(Enumerable.Range(0, 5), taken);
    }

    [Fact]
    public void Reader_CanCountAndCanPeek_AreTrueAndTryPeekDoesNotRemove()
    {
        var peeked = 0;
        var countAfterPeek = -1;
        var reader = CreateChannel().Reader;

        TestLoops.RunVirtual(() =>
        {
            var channel = CreateChannel();
            reader = channel.Reader;
            Assert.False(reader.TryPeek(out _));
            channel.Writer.TryWrite(3);
            reader.TryPeek(out peeked);
            countAfterPeek = reader.Count;
            return Task.CompletedTask;
        });

        Assert.True(reader.CanCount);
        Assert.True(reader.CanPeek);
        Assert.Equal(3, peeked);
        Assert.Equal(1, countAfterPeek);
    }

    [Fact]
    public void ReadAsync_EmptyChannel_WaitsAndResumesOnTheNextIterationAfterTheWrite()
    {
        var log = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            var reader = ReadAsync();
            await EventLoop.Yield();
            channel.Writer.TryWrite(1);
            log.Add("written");
            await reader;

            async Task ReadAsync() => log.Add("read " + await channel.Reader.ReadAsync());
        });

        Assert.Equal(new[] { "written", "read 1" }, log);
    }

    [Fact]
    public void ReadAsync_WhileAReaderWaits_TheWriteGoesToItAndIsNotBuffered()
    {
        var count = -1;
        var item = 0;

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            var read = channel.Reader.ReadAsync();
            channel.Writer.TryWrite(8);
            count = channel.Reader.Count;
            item = await read;
        });

        Assert.Equal(0, count);
        Assert.Equal(8, item);
    }

    [Fact]
    public void ReadAsync_SeveralWaitingReaders_AreServedInTheOrderTheyStartedWaiting()
    {
        var served = new List<(int Reader, int Item)>();

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            var readers = Enumerable.Range(0, 4).Select(ReadAsync).ToArray();
            await EventLoop.Yield();
            for (var i = 0; i < 4; i++)
            {
                await channel.Writer.WriteAsync(10 + i);
            }

            await Task.WhenAll(readers);

            async Task ReadAsync(int reader) => served.Add((reader, await channel.Reader.ReadAsync()));
        });

        Assert.Equal(Enumerable.Range(0, 4).Select(r => (r, 10 + r)), served);
    }

    [Fact]
    public void ReadAsync_CancelRequestedThenItemWrittenInTheSameIteration_CancelWinsAndTheItemGoesToTheNextReader()
    {
        var cancelled = false;
        var second = 0;
        var count = -1;

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            using var cts = new CancellationTokenSource();
            var first = channel.Reader.ReadAsync(cts.Token).AsTask();
            var next = channel.Reader.ReadAsync();
            cts.Cancel();                 // only posted, but the token reports it...
            channel.Writer.TryWrite(5);   // ...so the item passes over the first reader, as in the BCL
            cancelled = (await Task.WhenAny(first)).IsCanceled;
            second = await next;
            count = channel.Reader.Count;
        });

        Assert.True(cancelled);
        Assert.Equal(5, second);
        Assert.Equal(0, count);
    }

    [Fact]
    public void ReadAsync_CancelRequestedThenItemWrittenInTheSameIteration_CancelWinsAndTheItemStaysBuffered()
    {
        var cancelled = false;
        var remaining = new List<int>();

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            using var cts = new CancellationTokenSource();
            var read = channel.Reader.ReadAsync(cts.Token).AsTask();
            cts.Cancel();
            Assert.True(channel.Writer.TryWrite(5));
            cancelled = (await Task.WhenAny(read)).IsCanceled;
            await EventLoop.Yield(); // the posted cancel item runs and finds nothing to do
            while (channel.Reader.TryRead(out var item))
            {
                remaining.Add(item);
            }
        });

        Assert.True(cancelled);
        Assert.Equal(new[] { 5 }, remaining);
    }

    [Fact]
    public void ReadAsync_ItemWrittenThenCancelRequestedInTheSameIteration_KeepsTheItem()
    {
        var item = 0;
        var count = -1;

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            using var cts = new CancellationTokenSource();
            var read = channel.Reader.ReadAsync(cts.Token);
            channel.Writer.TryWrite(5); // granted while the token is not cancelled: the grant stands
            cts.Cancel();
            item = await read;
            await EventLoop.Yield();
            count = channel.Reader.Count;
        });

        Assert.Equal(5, item);
        Assert.Equal(0, count);
    }

    [Fact]
    public void Complete_ReaderWhoseCancelIsRequestedButNotYetOnTheLoop_IsCancelledNotClosed()
    {
        var cancelled = false;
        var closed = false;

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            using var cts = new CancellationTokenSource();
            var first = channel.Reader.ReadAsync(cts.Token).AsTask();
            var second = channel.Reader.ReadAsync().AsTask();
            cts.Cancel();              // the BCL would have cancelled the read inside Cancel()
            channel.Writer.Complete();
            cancelled = (await Task.WhenAny(first)).IsCanceled;
            closed = (await Task.WhenAny(second)).Exception?.InnerException is ChannelClosedException;
        });

        Assert.True(cancelled);
        Assert.True(closed);
    }

    [Fact]
    public void ReadAsync_CancelReachesTheLoopBeforeTheWrite_TheItemGoesToTheNextReader()
    {
        var cancelled = false;
        var second = 0;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var channel = CreateChannel();
            using var cts = new CancellationTokenSource();
            var first = channel.Reader.ReadAsync(cts.Token).AsTask();
            var next = channel.Reader.ReadAsync();
            cts.Cancel();
            loop.CallSoon(() => channel.Writer.TryWrite(5));
            second = await next;
            cancelled = (await Task.WhenAny(first)).IsCanceled;
        });

        Assert.True(cancelled);
        Assert.Equal(5, second);
    }

    [Fact]
    public void ReadAsync_CancelReachesTheLoopBeforeTheWriteWithNoOtherReader_TheItemStaysBuffered()
    {
        var count = -1;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var channel = CreateChannel();
            using var cts = new CancellationTokenSource();
            var read = channel.Reader.ReadAsync(cts.Token).AsTask();
            cts.Cancel();
            loop.CallSoon(() => channel.Writer.TryWrite(5));
            await Task.WhenAny(read);
            await EventLoop.Yield();
            count = channel.Reader.Count;
        });

        Assert.Equal(1, count);
    }

    [Fact]
    public void WaitToReadAsync_EmptyChannel_CompletesWithTrueWhenAnItemArrives()
    {
        var result = false;
        var item = 0;

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            var wait = channel.Reader.WaitToReadAsync();
            Assert.False(wait.IsCompleted);
            channel.Writer.TryWrite(4);
            result = await wait;
            channel.Reader.TryRead(out item);
        });

        Assert.True(result);
        Assert.Equal(4, item);
    }

    [Fact]
    public void WaitToReadAsync_SeveralWaiters_AreAllWokenByOneItem()
    {
        var results = Array.Empty<bool>();

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            var waits = Enumerable.Range(0, 3).Select(_ => channel.Reader.WaitToReadAsync().AsTask()).ToArray();
            channel.Writer.TryWrite(1);
            results = await Task.WhenAll(waits);
        });

        Assert.Equal(new[] { true, true, true }, results);
    }

    [Fact]
    public void Complete_WithoutError_ReadersDrainThenSeeTheEnd()
    {
        var log = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            channel.Writer.TryWrite(1);
            channel.Writer.Complete();
            log.Add($"completion done {channel.Reader.Completion.IsCompleted}");
            log.Add($"write accepted {channel.Writer.TryWrite(2)}");
            log.Add($"wait to read {await channel.Reader.WaitToReadAsync()}");
            log.Add($"read {await channel.Reader.ReadAsync()}");
            log.Add($"completion done {channel.Reader.Completion.IsCompletedSuccessfully}");
            log.Add($"wait to read {await channel.Reader.WaitToReadAsync()}");
            log.Add($"wait to write {await channel.Writer.WaitToWriteAsync()}");
            await Assert.ThrowsAsync<ChannelClosedException>(async () => await channel.Reader.ReadAsync());
            await Assert.ThrowsAsync<ChannelClosedException>(async () => await channel.Writer.WriteAsync(3));
        });

        Assert.Equal(
            new[]
            {
                "completion done False", "write accepted False", "wait to read True", "read 1", "completion done True",
                "wait to read False", "wait to write False",
            },
            log);
    }

    [Fact]
    public void Complete_Twice_ThrowsChannelClosedAndTryCompleteReturnsFalse()
    {
        var second = true;

        TestLoops.RunVirtual(() =>
        {
            var channel = CreateChannel();
            Assert.True(channel.Writer.TryComplete());
            second = channel.Writer.TryComplete(new InvalidOperationException());
            Assert.Throws<ChannelClosedException>(() => channel.Writer.Complete());
            Assert.True(channel.Reader.Completion.IsCompletedSuccessfully);
            return Task.CompletedTask;
        });

        Assert.False(second);
    }

    [Fact]
    public void Complete_WithError_FaultsCompletionAndWaitToReadThrowsTheErrorItself()
    {
        var error = new InvalidOperationException("producer failed");
        Exception? completionError = null;
        Exception? waitError = null;
        Exception? readError = null;
        Exception? writeError = null;

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            channel.Writer.Complete(error);
            completionError = await Assert.ThrowsAsync<InvalidOperationException>(() => channel.Reader.Completion);
            waitError = await Assert.ThrowsAsync<InvalidOperationException>(async () => await channel.Reader.WaitToReadAsync());
            readError = await Assert.ThrowsAsync<ChannelClosedException>(async () => await channel.Reader.ReadAsync());
            writeError = await Assert.ThrowsAsync<ChannelClosedException>(async () => await channel.Writer.WriteAsync(1));
        });

        Assert.Same(error, completionError);
        Assert.Same(error, waitError);
        Assert.Same(error, readError!.InnerException);
        Assert.Same(error, writeError!.InnerException);
    }

    [Fact]
    public void Complete_WithError_BufferedItemsAreStillReadBeforeTheErrorSurfaces()
    {
        var error = new InvalidOperationException("late failure");
        var read = new List<int>();
        var completedBeforeDrain = true;
        Exception? thrown = null;

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            channel.Writer.TryWrite(1);
            channel.Writer.TryWrite(2);
            channel.Writer.Complete(error);
            completedBeforeDrain = channel.Reader.Completion.IsCompleted;
            try
            {
                await foreach (var item in channel.Reader.ReadAllAsync())
                {
                    read.Add(item);
                }
            }
            catch (Exception exception)
            {
                thrown = exception;
            }

            Assert.True(channel.Reader.Completion.IsFaulted);
        });

        Assert.False(completedBeforeDrain);
        Assert.Equal(new[] { 1, 2 }, read);
        Assert.Same(error, thrown);
    }

    [Fact]
    public void Complete_WithOperationCanceled_CancelsCompletion()
    {
        var canceled = false;

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            channel.Writer.Complete(new OperationCanceledException());
            await Task.WhenAny(channel.Reader.Completion);
            canceled = channel.Reader.Completion.IsCanceled;
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await channel.Reader.ReadAsync());
        });

        Assert.True(canceled);
    }

    [Fact]
    public void Complete_WithReadersWaiting_WakesThemAllWithTheRightOutcome()
    {
        var error = new TimeoutException("gave up");
        Exception? blockedReadError = null;
        Exception? waitToReadError = null;

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            var read = channel.Reader.ReadAsync().AsTask();
            var waitToRead = channel.Reader.WaitToReadAsync().AsTask();
            channel.Writer.Complete(error);
            blockedReadError = await Record.ExceptionAsync(() => read);
            waitToReadError = await Record.ExceptionAsync(() => waitToRead);
        });

        Assert.Same(error, Assert.IsType<ChannelClosedException>(blockedReadError).InnerException);
        Assert.Same(error, waitToReadError);
    }

    [Fact]
    public void Complete_WithoutError_WaitingReadersGetFalseAndBlockedReadsThrowChannelClosed()
    {
        var waitResult = true;
        Exception? readError = null;

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            var read = channel.Reader.ReadAsync().AsTask();
            var waitToRead = channel.Reader.WaitToReadAsync();
            channel.Writer.TryComplete();
            waitResult = await waitToRead;
            readError = await Record.ExceptionAsync(() => read);
        });

        Assert.False(waitResult);
        Assert.IsType<ChannelClosedException>(readError);
        Assert.Null(readError!.InnerException);
    }

    [Fact]
    public void ReadAllAsync_YieldsEveryItemInOrderAndEndsWhenTheWriterCompletes()
    {
        var read = new List<int>();

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            var consumer = ConsumeAsync();
            for (var i = 0; i < 50; i++)
            {
                await channel.Writer.WriteAsync(i);
                if (i % 7 == 0)
                {
                    await EventLoop.Yield();
                }
            }

            channel.Writer.Complete();
            await consumer;
            Assert.True(channel.Reader.Completion.IsCompletedSuccessfully);

            async Task ConsumeAsync()
            {
                await foreach (var item in channel.Reader.ReadAllAsync())
                {
                    read.Add(item);
                }
            }
        });

        Assert.Equal(Enumerable.Range(0, 50), read);
    }

    [Fact]
    public void ReadAllAsync_Cancelled_StopsWithOperationCanceled()
    {
        Exception? error = null;

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            using var cts = new CancellationTokenSource();
            var consumer = Record.ExceptionAsync(async () =>
            {
                await foreach (var item in channel.Reader.ReadAllAsync(cts.Token))
                {
                }
            });
            await EventLoop.Yield();
            cts.Cancel();
            error = await consumer;
        });

        Assert.IsAssignableFrom<OperationCanceledException>(error);
    }

    [Fact]
    public void ReadAsync_100000WaitingReadersReleasedByWrites_ResumeInFifoOrderWithoutReentrancy()
    {
        const int Readers = 100_000;
        var channel = CreateChannel();

        var released = ManyWaiters.ReleaseReaders(Readers, () => channel.Reader.ReadAsync(), () =>
        {
            for (var i = 0; i < Readers; i++)
            {
                Assert.True(channel.Writer.TryWrite(i));
            }
        });

        Assert.Equal(0, released.ResumedDuringRelease);
        Assert.Equal(Enumerable.Range(0, Readers), released.ResumeOrder);
        Assert.Equal(Enumerable.Range(0, Readers), released.Received);
        Assert.All(released.Errors, Assert.Null);
    }

    [Fact]
    public void Complete_100000WaitingReaders_AllFailInFifoOrderWithoutReentrancy()
    {
        const int Readers = 100_000;
        var channel = CreateChannel();

        var released = ManyWaiters.ReleaseReaders(Readers, () => channel.Reader.ReadAsync(), () => channel.Writer.Complete());

        Assert.Equal(0, released.ResumedDuringRelease);
        Assert.Equal(Enumerable.Range(0, Readers), released.ResumeOrder);
        Assert.All(released.Errors, error => Assert.IsType<ChannelClosedException>(error));
    }

    [Fact]
    public void WaitToReadAsync_CancelledWhileWaiting_ThrowsAndOtherWaitersStillWake()
    {
        var cancelled = false;
        var other = false;

        TestLoops.RunVirtual(async () =>
        {
            var channel = CreateChannel();
            using var cts = new CancellationTokenSource();
            var first = channel.Reader.WaitToReadAsync(cts.Token).AsTask();
            var second = channel.Reader.WaitToReadAsync().AsTask();
            cts.Cancel();
            await Task.WhenAny(first);
            cancelled = first.IsCanceled;
            channel.Writer.TryWrite(1);
            other = await second;
        });

        Assert.True(cancelled);
        Assert.True(other);
    }

    [Fact]
    public void Operations_WithAnAlreadyCancelledToken_FailAtOnce()
    {
        var results = new List<bool>();

        TestLoops.RunVirtual(() =>
        {
            var channel = CreateChannel();
            channel.Writer.TryWrite(1);
            var cancelled = new CancellationToken(true);
            results.Add(channel.Reader.ReadAsync(cancelled).IsCanceled);
            results.Add(channel.Reader.WaitToReadAsync(cancelled).IsCanceled);
            results.Add(channel.Writer.WriteAsync(2, cancelled).IsCanceled);
            results.Add(channel.Writer.WaitToWriteAsync(cancelled).IsCanceled);
            results.Add(channel.Reader.Count == 1);
            return Task.CompletedTask;
        });

        Assert.All(results, Assert.True);
    }
}
