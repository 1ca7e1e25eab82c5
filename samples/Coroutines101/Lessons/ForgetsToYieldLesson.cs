using System.Collections;
using System.Diagnostics;
using CoopRuntime;

namespace Coroutines101.Lessons;

/// <summary>
/// The loop cannot interrupt a coroutine: it runs until it yields (cooperative scheduling). Threads are different:
/// the operating system switches them whenever it likes (preemptive scheduling). So a coroutine that computes for a
/// long time without yielding freezes every other coroutine, timer and request on its loop. Here a heartbeat should
/// beat every 10 ms; watch its longest gap while a greedy coroutine runs, then while a polite one does.
/// </summary>
internal static class ForgetsToYieldLesson
{
    private static readonly TimeSpan Beat = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Work = TimeSpan.FromMilliseconds(200);

    public static void Run()
    {
        var greedyGap = LongestHeartbeatGap(Greedy());
        Console.WriteLine($"  greedy (200 ms of work, never yields): longest heartbeat gap {greedyGap.TotalMilliseconds:F0} ms");
        var politeGap = LongestHeartbeatGap(Polite());
        Console.WriteLine($"  polite (200 ms of work, yields every ms): longest heartbeat gap {politeGap.TotalMilliseconds:F0} ms");
        Console.WriteLine("  The greedy coroutine held the only thread, so the heartbeat could not run until it finished.");
        Console.WriteLine("  Yield often in long loops, or move the work off the loop: await EventLoop.RunOnThreadPoolAsync(...).");
    }

    private static TimeSpan LongestHeartbeatGap(IEnumerator work) => EventLoop.Run(async () =>
    {
        var loop = EventLoop.Current!;
        var longest = TimeSpan.Zero;
        var heartbeat = loop.Spawn(async ct =>
        {
            var last = loop.Now;
            while (!ct.IsCancellationRequested)
            {
                await EventLoop.Sleep(Beat, ct);
                longest = loop.Now - last > longest ? loop.Now - last : longest;
                last = loop.Now;
            }
        });
        await EventLoop.Sleep(Beat * 3); // let the heartbeat settle
        await loop.Start(work);
        await EventLoop.Sleep(Beat * 3); // let the heartbeat see the end of the gap before it stops
        heartbeat.Cancel();
        return longest;
    });

    private static IEnumerator Greedy()
    {
        SpinFor(Work); // 200 ms without a yield: nothing else on the loop runs meanwhile
        yield break;
    }

    private static IEnumerator Polite()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Work)
        {
            SpinFor(TimeSpan.FromMilliseconds(1));
            yield return null; // let the loop run whatever is ready, then continue
        }
    }

    private static void SpinFor(TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            Thread.SpinWait(100); // stands in for real computation
        }
    }
}
