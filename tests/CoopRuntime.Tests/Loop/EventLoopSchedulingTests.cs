using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Loop;

public class EventLoopSchedulingTests
{
    [Fact]
    public void CallSoon_RunsCallbacksInSchedulingOrder()
    {
        var order = new List<int>();
        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            for (var i = 0; i < 100; i++)
            {
                loop.CallSoon(static state => state.order.Add(state.i), (order, i));
            }

            await EventLoop.Yield();
        });

        Assert.Equal(Enumerable.Range(0, 100), order);
    }

    [Fact]
    public void CallSoon_FromACallback_RunsOnTheNextIterationAfterEverythingAlreadyScheduled()
    {
        var order = new List<string>();
        using var loop = new EventLoop(TestLoops.Virtual());
        loop.CallSoon(() =>
        {
            order.Add("a");
            loop.CallSoon(() => order.Add("a-child"));
        });
        loop.CallSoon(() => order.Add("b"));
        loop.CallSoon(() => loop.CallSoon(loop.Stop));

        loop.RunForever();

        Assert.Equal(new[] { "a", "b", "a-child" }, order);
    }

    [Fact]
    public void CallSoon_SelfReschedulingCallback_DoesNotStarveTimersOrOtherThreads()
    {
        using var loop = new EventLoop(TestLoops.Virtual());
        var spins = 0;
        var timerFired = false;
        var postArrived = false;

        void Spin()
        {
            spins++;
            if (timerFired && postArrived)
            {
                loop.Stop();
                return;
            }

            loop.CallSoon(Spin);
        }

        loop.CallSoon(Spin);
        loop.CallLater(TimeSpan.Zero, () => timerFired = true);
        var poster = new Thread(() => loop.CallSoonThreadSafe(() => postArrived = true));
        loop.CallSoon(poster.Start);

        loop.RunForever();
        poster.Join();

        Assert.True(timerFired);
        Assert.True(postArrived);
        Assert.True(spins > 1);
    }

    [Fact]
    public void CallSoon_FromAnotherThread_ThrowsWrongThreadExceptionNamingTheAlternative()
    {
        using var loop = new EventLoop();
        Exception? error = null;
        var thread = new Thread(() => error = Record.Exception(() => loop.CallSoon(() => { })));
        thread.Start();
        thread.Join();

        var wrongThread = Assert.IsType<WrongThreadException>(error);
        Assert.IsAssignableFrom<InvalidOperationException>(wrongThread);
        Assert.Contains("CallSoonThreadSafe", wrongThread.Message);
    }

    [Fact]
    public void CallLater_FromAnotherThread_ThrowsWrongThreadException()
    {
        using var loop = new EventLoop();
        Exception? error = null;
        var thread = new Thread(() => error = Record.Exception(() => loop.CallLater(TimeSpan.Zero, () => { })));
        thread.Start();
        thread.Join();

        Assert.IsType<WrongThreadException>(error);
    }

    [Fact]
    public void CallSoonThreadSafe_FourThreadsPostingOneMillionCallbacks_LosesNoneAndKeepsEachThreadsOrder()
    {
        const int Threads = 4;
        const int PerThread = 250_000;
        var tally = new PostTally(Threads, Threads * PerThread);

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var producers = Enumerable.Range(0, Threads).Select(producer => new Thread(() =>
            {
                for (var i = 0; i < PerThread; i++)
                {
                    loop.CallSoonThreadSafe(static post => post.Tally.Record(post.Producer, post.Sequence), new Post(tally, producer, i));
                }
            })).ToList();
            producers.ForEach(p => p.Start());
            await tally.AllReceived.Task;
            producers.ForEach(p => p.Join());
        });

        Assert.Equal(Threads * PerThread, tally.Received);
        Assert.Equal(0, tally.OutOfOrder);
        Assert.All(tally.LastSeen, last => Assert.Equal(PerThread - 1, last));
    }

    private sealed record Post(PostTally Tally, int Producer, int Sequence);

    // Only the loop thread touches a tally.
    private sealed class PostTally(int producers, int expected)
    {
        public int[] LastSeen { get; } = Enumerable.Repeat(-1, producers).ToArray();

        public int Received { get; private set; }

        public int OutOfOrder { get; private set; }

        public TaskCompletionSource AllReceived { get; } = new();

        public void Record(int producer, int sequence)
        {
            if (sequence != LastSeen[producer] + 1)
            {
                OutOfOrder++;
            }

            LastSeen[producer] = sequence;
            if (++Received == expected)
            {
                AllReceived.SetResult();
            }
        }
    }

    [Fact]
    public void CallSoonThreadSafe_WakesALoopThatIsWaitingWithNothingToDo()
    {
        var result = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var answer = new TaskCompletionSource<int>();
            var thread = new Thread(() => loop.CallSoonThreadSafe(() => answer.SetResult(Environment.CurrentManagedThreadId)));
            thread.Start();
            var ranOn = await answer.Task;
            thread.Join();
            return ranOn == Environment.CurrentManagedThreadId;
        });

        Assert.True(result);
    }

    [Fact]
    public void CallSoon_OnAClosedLoop_ThrowsObjectDisposed()
    {
        var loop = new EventLoop();
        loop.Dispose();

        var error = Assert.Throws<ObjectDisposedException>(() => loop.CallSoon(() => { }));
        Assert.Contains("closed", error.Message);
        Assert.Throws<ObjectDisposedException>(() => loop.CallSoonThreadSafe(() => { }));
        Assert.Throws<ObjectDisposedException>(() => loop.CallLater(TimeSpan.Zero, () => { }));
        Assert.Throws<ObjectDisposedException>(() => loop.SynchronizationContext.Post(_ => { }, null));
    }

    [Fact]
    public void CallSoonThreadSafe_FromAnotherThreadAfterClose_Throws()
    {
        var loop = new EventLoop();
        loop.Dispose();
        Exception? error = null;
        var thread = new Thread(() => error = Record.Exception(() => loop.CallSoonThreadSafe(() => { })));
        thread.Start();
        thread.Join();

        Assert.IsType<ObjectDisposedException>(error);
    }

    [Fact]
    public void CallSoon_WithNullCallback_ThrowsArgumentNull()
    {
        using var loop = new EventLoop();
        var error = Assert.Throws<ArgumentNullException>(() => loop.CallSoon(null!));
        Assert.Equal("callback", error.ParamName);
    }
}
