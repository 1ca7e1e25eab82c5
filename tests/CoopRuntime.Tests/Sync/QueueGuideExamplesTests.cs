using System.Threading.Channels;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Sync;

/// <summary>
/// Keeps docs/guides/queues-and-channels.md compiling and true. Each example's code is a
/// <c>#region guide: name</c> below, runs on a loop with a virtual clock, and is followed by the
/// checks of what the guide says it does; <see cref="Guide_ContainsEveryExampleVerbatim"/> fails if the guide's copy
/// drifts from the code here.
/// </summary>
public class QueueGuideExamplesTests
{
    [Fact]
    public void AsyncQueueExample_WorkersProcessEveryJobAndJoinReturnsAfterTheLast()
    {
        TestLoops.RunVirtual(async () =>
        {
            #region guide: queue
            var jobs = new AsyncQueue<string>(capacity: 2);          // EnqueueAsync waits while 2 jobs are queued
            var done = new List<string>();

            await using var workers = new TaskGroup();
            for (var w = 1; w <= 2; w++)
            {
                var worker = $"worker {w}";
                workers.Spawn(async ct =>
                {
                    while (true)
                    {
                        var job = await jobs.DequeueAsync(ct);
                        try
                        {
                            await EventLoop.Sleep(TimeSpan.FromMilliseconds(10), ct);   // the work
                            done.Add($"{job} by {worker}");
                        }
                        finally
                        {
                            jobs.TaskDone();                           // exactly once per job taken
                        }
                    }
                });
            }

            foreach (var job in new[] { "a", "b", "c", "d", "e" })
            {
                await jobs.EnqueueAsync(job);                          // backpressure: waits for room
            }

            await jobs.JoinAsync();                                    // every job enqueued so far is done
            workers.Cancel();                                          // stop the idle workers; disposal awaits them
            #endregion

            Assert.Equal(new[] { "a", "b", "c", "d", "e" }, done.Select(d => d[..1]).Order());
            Assert.Equal(0, jobs.UnfinishedCount);
        });
    }

    [Fact]
    public void AsyncLifoQueueExample_ReturnsTheNewestItemFirst()
    {
        TestLoops.RunVirtual(async () =>
        {
            #region guide: lifo
            var undo = new AsyncLifoQueue<string>();
            undo.TryEnqueue("type 'a'");
            undo.TryEnqueue("type 'b'");
            var last = await undo.DequeueAsync();                  // "type 'b'": last in, first out
            #endregion

            Assert.Equal("type 'b'", last);
        });
    }

    [Fact]
    public void AsyncPriorityQueueExample_ServesUrgentWorkFirstAndEqualPrioritiesInOrder()
    {
        TestLoops.RunVirtual(async () =>
        {
            #region guide: priority
            var work = new AsyncPriorityQueue<string, int>();       // lower priority value comes out first
            work.TryEnqueue("rebuild index", 5);
            work.TryEnqueue("answer user", 0);
            work.TryEnqueue("send mail", 5);

            var order = new List<string>();
            while (work.TryDequeue(out var job, out var priority))
            {
                order.Add($"{priority}: {job}");
            }
            // order: "0: answer user", "5: rebuild index", "5: send mail" (equal priorities keep their order)

            var reader = work.DequeueAsync();                       // waits: the queue is empty
            await work.EnqueueAsync("late job", 1);
            var (element, p) = await reader;                        // ("late job", 1)
            #endregion

            Assert.Equal(new[] { "0: answer user", "5: rebuild index", "5: send mail" }, order);
            Assert.Equal(("late job", 1), (element, p));
        });
    }

    [Fact]
    public void BoundedChannelExample_ConsumerReadsEverythingThenSeesTheEnd()
    {
        TestLoops.RunVirtual(async () =>
        {
            #region guide: channel
            var channel = LoopChannel.CreateBounded<int>(capacity: 4);   // a real Channel<int>

            var producer = EventLoop.Current!.Spawn(async ct =>
            {
                for (var i = 0; i < 10; i++)
                {
                    await channel.Writer.WriteAsync(i, ct);          // waits while 4 items are buffered
                }

                channel.Writer.Complete();                           // or Complete(exception) to fail the readers
            });

            var sum = await SumAsync(channel.Reader);                // 45
            await producer;

            // Code written against System.Threading.Channels works unchanged.
            static async Task<int> SumAsync(ChannelReader<int> reader)
            {
                var total = 0;
                await foreach (var n in reader.ReadAllAsync())
                {
                    total += n;
                }

                return total;
            }
            #endregion

            Assert.Equal(45, sum);
            Assert.True(channel.Reader.Completion.IsCompletedSuccessfully);
        });
    }

    [Fact]
    public void DropOldestChannelExample_KeepsTheNewestReadings()
    {
        TestLoops.RunVirtual(() =>
        {
            #region guide: drop
            var dropped = new List<double>();
            var latest = LoopChannel.CreateBounded<double>(
                new BoundedChannelOptions(2) { FullMode = BoundedChannelFullMode.DropOldest },
                itemDropped: dropped.Add);                           // called inside the write that dropped it

            foreach (var reading in new[] { 20.5, 21.0, 21.5, 22.0 })
            {
                latest.Writer.TryWrite(reading);                     // never waits, never fails while open
            }
            // buffered: 21.5, 22.0; dropped: 20.5, 21.0
            #endregion

            Assert.Equal(new[] { 20.5, 21.0 }, dropped);
            Assert.True(latest.Reader.TryRead(out var first));
            Assert.Equal(21.5, first);
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void UnboundedChannelExample_CompletesWithTheProducersError()
    {
        TestLoops.RunVirtual(async () =>
        {
            #region guide: unbounded
            var events = LoopChannel.CreateUnbounded<string>();
            events.Writer.TryWrite("started");                       // always succeeds until completed
            events.Writer.Complete(new TimeoutException("source went quiet"));

            var seen = new List<string>();
            try
            {
                await foreach (var e in events.Reader.ReadAllAsync())
                {
                    seen.Add(e);                                     // "started": buffered items are still delivered
                }
            }
            catch (TimeoutException)
            {
                // the completion error surfaces once the buffer is drained; Completion is faulted with it too
            }
            #endregion

            Assert.Equal(new[] { "started" }, seen);
            Assert.True(events.Reader.Completion.IsFaulted);
        });
    }

    [Fact]
    public void CancellationExample_ReaderLeavesTheLineWhenTheDeadlinePasses()
    {
        TestLoops.RunVirtual(async () =>
        {
            #region guide: cancel
            var replies = new AsyncQueue<string>();
            string reply;
            using (var scope = CancelScope.After(TimeSpan.FromSeconds(1)))   // a deadline on the loop's clock
            {
                try
                {
                    reply = await replies.DequeueAsync(scope.Token);
                }
                catch (OperationCanceledException)
                {
                    reply = "(no reply)";                            // this reader left the line; nothing was taken
                }
            }
            #endregion

            Assert.Equal("(no reply)", reply);
        });
    }

    [Fact]
    public void OtherThreadExample_ProducerHopsOntoTheLoopBeforeWriting()
    {
        TestLoops.RunVirtual(async () =>
        {
            #region guide: threads
            var loop = EventLoop.Current!;
            var inbox = LoopChannel.CreateUnbounded<string>();

            var producer = new Thread(() =>
            {
                for (var i = 0; i < 3; i++)
                {
                    var message = $"message {i}";
                    // inbox.Writer.TryWrite(message) here would throw WrongThreadException: hop onto the loop.
                    loop.CallSoonThreadSafe(() => inbox.Writer.TryWrite(message));
                }

                loop.CallSoonThreadSafe(() => inbox.Writer.Complete());
            });
            producer.Start();

            var received = new List<string>();
            await foreach (var message in inbox.Reader.ReadAllAsync())
            {
                received.Add(message);                               // in the order the thread posted them
            }
            #endregion

            Assert.Equal(new[] { "message 0", "message 1", "message 2" }, received);
        });
    }

    [Fact]
    public void Guide_ContainsEveryExampleVerbatim() =>
        GuideText.AssertGuideContainsRegions("docs/guides/queues-and-channels.md", "tests/CoopRuntime.Tests/Sync/QueueGuideExamplesTests.cs", 8);
}
