using System.Diagnostics;
using CoopRuntime;

namespace ProducerConsumer;

/// <summary>
/// One producer that makes jobs as fast as it can, and two consumers that take 5 ms per job, joined by an
/// <see cref="AsyncQueue{T}"/>. With a capacity, <c>EnqueueAsync</c> waits while the queue is full: backpressure slows
/// the producer down to the consumers' pace and the queue stays short. Without one, the producer never waits and the
/// queue holds everything it made: memory grows with the gap between the two speeds.
/// </summary>
internal static class QueueDemo
{
    private const int Consumers = 2;
    private static readonly TimeSpan WorkPerJob = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(10);

    public static async Task RunAsync(int items, int? capacity)
    {
        Console.WriteLine(capacity is { } bound
            ? $"Bounded queue (capacity {bound}): {items} jobs, 1 fast producer, {Consumers} consumers at {WorkPerJob.TotalMilliseconds:F0} ms per job"
            : $"Unbounded queue: {items} jobs, 1 fast producer, {Consumers} consumers at {WorkPerJob.TotalMilliseconds:F0} ms per job");

        var jobs = capacity is { } c ? new AsyncQueue<int>(c) : new AsyncQueue<int>();
        var clock = Stopwatch.StartNew();
        TimeSpan producerDone;
        await using (var depth = new DepthMonitor(() => jobs.Count, SampleEvery))
        {
            await using (var group = new TaskGroup())
            {
                for (var i = 0; i < Consumers; i++)
                {
                    group.Spawn(ct => ConsumeAsync(jobs, ct));
                }

                for (var job = 0; job < items; job++)
                {
                    await jobs.EnqueueAsync(job); // waits here while a bounded queue is full: that is the backpressure
                }

                producerDone = clock.Elapsed;
                await jobs.JoinAsync(); // every job taken and done
                group.Cancel();        // the consumers wait forever for more; stop them
            }

            var total = clock.Elapsed;
            Console.WriteLine($"  producer finished after {producerDone.TotalMilliseconds,5:F0} ms, consumers after {total.TotalMilliseconds,5:F0} ms: " +
                              $"{items / total.TotalSeconds:F0} jobs/s");
            Console.WriteLine($"  queue depth every {SampleEvery.TotalMilliseconds:F0} ms (max {depth.Max}, average {depth.Average:F1}): {depth.Sparkline(depth.Max)}");
        }

        Console.WriteLine(capacity is null
            ? "  No backpressure: the producer was done at once and the queue held every job it had not handed out yet."
            : "  Backpressure: the producer ran at the consumers' pace and the queue never held more than its capacity.");
        Console.WriteLine();
    }

    private static async Task ConsumeAsync(AsyncQueue<int> jobs, CancellationToken cancellationToken)
    {
        while (true)
        {
            await jobs.DequeueAsync(cancellationToken);
            await EventLoop.Sleep(WorkPerJob, cancellationToken); // the work: waiting on something, as I/O does
            jobs.TaskDone();
        }
    }
}
