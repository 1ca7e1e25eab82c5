using System.Threading.Channels;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Sync;

/// <summary>The loop-local rule as queues and channels apply it: constructible anywhere, bound on first use.</summary>
public class LoopBindingTests
{
    [Fact]
    public void FirstUse_NoLoopOnThisThread_ThrowsInvalidOperationThatSaysWhy()
    {
        var queue = new AsyncQueue<int>();

        var error = Assert.Throws<InvalidOperationException>(() => queue.TryEnqueue(1));

        Assert.Contains("AsyncQueue.TryEnqueue needs an EventLoop running on this thread", error.Message);
        Assert.Contains("loop-local", error.Message);
    }

    [Fact]
    public void FirstUse_FailedForLackOfALoop_DoesNotBindSoALaterUseOnALoopWorks()
    {
        var queue = new AsyncQueue<int>();
        Assert.Throws<InvalidOperationException>(() => queue.TryDequeue(out _));
        var accepted = false;

        TestLoops.RunVirtual(() =>
        {
            accepted = queue.TryEnqueue(1);
            return Task.CompletedTask;
        });

        Assert.True(accepted);
    }

    [Fact]
    public void Queue_ConstructedOffTheLoopThenUsedOnIt_BindsToThatLoop()
    {
        var queue = new AsyncQueue<int>();
        var item = 0;
        var constructedOn = Environment.CurrentManagedThreadId;
        var usedOn = 0;

        var thread = new Thread(() => EventLoop.Run(async () =>
        {
            usedOn = Environment.CurrentManagedThreadId;
            queue.TryEnqueue(3);
            item = await queue.DequeueAsync();
        }, TestLoops.Virtual()));
        thread.Start();
        thread.Join();

        Assert.NotEqual(constructedOn, usedOn);
        Assert.Equal(3, item);
    }

    [Fact]
    public void Queue_UsedFromAnotherThreadWhileItsLoopRuns_ThrowsWrongThreadSayingItIsLoopLocal()
    {
        Exception? error = null;

        TestLoops.RunVirtual(async () =>
        {
            var queue = new AsyncQueue<int>();
            queue.TryEnqueue(1);
            error = await Record.ExceptionAsync(() => Task.Run(() => queue.TryDequeue(out _)));
        });

        var wrongThread = Assert.IsType<WrongThreadException>(error);
        Assert.Contains("AsyncQueue.TryDequeue", wrongThread.Message);
        Assert.Contains("loop-local", wrongThread.Message);
        Assert.Contains("CallSoonThreadSafe", wrongThread.Message);
    }

    [Fact]
    public void Queue_UsedOnItsThreadAfterItsLoopClosed_ThrowsWrongThread()
    {
        var queue = new AsyncLifoQueue<int>();
        TestLoops.RunVirtual(() =>
        {
            queue.TryEnqueue(1);
            return Task.CompletedTask;
        });

        var error = Assert.Throws<WrongThreadException>(() => queue.TryEnqueue(2));

        Assert.Contains("is not running the event loop", error.Message);
    }

    [Fact]
    public void Queue_UsedFromAnotherLoop_ThrowsWrongThreadNamingTheOtherLoop()
    {
        var queue = new AsyncPriorityQueue<string, int>();
        TestLoops.RunVirtual(() =>
        {
            queue.TryEnqueue("a", 1);
            return Task.CompletedTask;
        });
        Exception? error = null;

        var thread = new Thread(() => EventLoop.Run(
            () =>
            {
                error = Record.Exception(() => queue.TryDequeue(out _, out _));
                return Task.CompletedTask;
            },
            TestLoops.Virtual()));
        thread.Start();
        thread.Join();

        var wrongThread = Assert.IsType<WrongThreadException>(error);
        Assert.Contains("AsyncPriorityQueue.TryDequeue", wrongThread.Message);
        Assert.Contains("runs a different event loop", wrongThread.Message);
    }

    [Fact]
    public void Queue_SecondLoopOnTheSameThread_IsRefusedRatherThanSchedulingOnAClosedLoop()
    {
        var queue = new AsyncQueue<int>();
        TestLoops.RunVirtual(() =>
        {
            queue.TryEnqueue(1);
            return Task.CompletedTask;
        });
        Exception? error = null;

        TestLoops.RunVirtual(() =>
        {
            error = Record.Exception(() => queue.DequeueAsync());
            return Task.CompletedTask;
        });

        Assert.IsType<WrongThreadException>(error);
    }

    [Fact]
    public void Queue_CountAndCapacity_ArePlainReadsThatNeitherBindNorCheck()
    {
        var queue = new AsyncQueue<int>(4);

        Assert.Equal(0, queue.Count);
        Assert.Equal(4, queue.Capacity);
        Assert.True(queue.IsEmpty);
        Assert.False(queue.IsFull);
        Assert.Equal(0, queue.UnfinishedCount);
    }

    [Fact]
    public void Channel_ReaderAndWriterUsedFromAnotherThread_ThrowWrongThread()
    {
        var errors = new List<Exception?>();

        TestLoops.RunVirtual(async () =>
        {
            var channel = LoopChannel.CreateBounded<int>(1);
            channel.Writer.TryWrite(1);
            errors.Add(await Record.ExceptionAsync(() => Task.Run(() => channel.Reader.TryRead(out _))));
            errors.Add(await Record.ExceptionAsync(() => Task.Run(() => channel.Writer.TryWrite(2))));
            errors.Add(await Record.ExceptionAsync(() => Task.Run(() => channel.Writer.TryComplete())));
            errors.Add(await Record.ExceptionAsync(() => Task.Run(() => channel.Reader.ReadAsync().AsTask())));
        });

        Assert.All(errors, e => Assert.Contains("loop-local", Assert.IsType<WrongThreadException>(e).Message));
        Assert.Contains("LoopChannel.Reader.TryRead", errors[0]!.Message);
        Assert.Contains("LoopChannel.Writer.TryWrite", errors[1]!.Message);
    }

    [Fact]
    public void Channel_CountAndCompletion_AreReadableFromAnyThread()
    {
        Channel<int> channel = null!;
        TestLoops.RunVirtual(() =>
        {
            channel = LoopChannel.CreateUnbounded<int>();
            channel.Writer.TryWrite(1);
            channel.Writer.Complete();
            return Task.CompletedTask;
        });
        var count = -1;
        var completed = true;

        var thread = new Thread(() =>
        {
            count = channel.Reader.Count;
            completed = channel.Reader.Completion.IsCompleted;
        });
        thread.Start();
        thread.Join();

        Assert.Equal(1, count);
        Assert.False(completed);
    }

    [Fact]
    public void Channel_FirstUseWithoutALoop_ThrowsInvalidOperation()
    {
        var channel = LoopChannel.CreateUnbounded<int>();

        var error = Assert.Throws<InvalidOperationException>(() => channel.Writer.TryWrite(1));

        Assert.Contains("LoopChannel.Writer.TryWrite needs an EventLoop", error.Message);
    }
}
