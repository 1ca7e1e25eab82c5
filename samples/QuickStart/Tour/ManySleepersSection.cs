using System.Diagnostics;
using CoopRuntime;

namespace QuickStart.Tour;

/// <summary>5. Concurrency without threads: ten thousand tasks waiting at once on one thread.</summary>
internal static class ManySleepersSection
{
    private const int TaskCount = 10_000;

    public static async Task RunAsync()
    {
        Output.Heading(
            $"5. {TaskCount:N0} concurrent sleepers, one thread",
            "Each task sleeps a random 0-200 ms on the real clock. Waiting costs a timer, not a thread.");

        var osThreadsBefore = CountOsThreads();
        var threadsThatRanTasks = new HashSet<int>();
        var random = new Random(42);   // fixed seed: the same sleeps on every run
        var longest = TimeSpan.Zero;
        var total = TimeSpan.Zero;
        var stopwatch = Stopwatch.StartNew();

        // A TaskGroup owns the sleepers: leaving the block waits for every one of them.
        await using (var group = new TaskGroup())
        {
            for (var i = 0; i < TaskCount; i++)
            {
                var sleep = TimeSpan.FromMilliseconds(random.Next(0, 201));
                longest = sleep > longest ? sleep : longest;
                total += sleep;
                group.Spawn(async ct =>
                {
                    threadsThatRanTasks.Add(Environment.CurrentManagedThreadId);
                    await EventLoop.Sleep(sleep, ct);
                    threadsThatRanTasks.Add(Environment.CurrentManagedThreadId);   // no lock needed: one thread
                });
            }
        }

        var elapsed = stopwatch.Elapsed;
        Output.Line($"Slept {total.TotalSeconds:N0} s in total (longest single sleep {Output.Ms(longest)}); all done after {Output.Ms(elapsed)} of real time.");
        Output.Line($"Threads that ran task code: {threadsThatRanTasks.Count} (thread {string.Join(", ", threadsThatRanTasks)}).");
        // The process count includes the runtime's own threads (GC, finalizer, JIT, the pool section 2 used).
        Output.Line($"OS threads in the whole process: {osThreadsBefore} before, {CountOsThreads()} after: not one per task.");
    }

    private static int CountOsThreads()
    {
        using var process = Process.GetCurrentProcess();
        return process.Threads.Count;
    }
}
