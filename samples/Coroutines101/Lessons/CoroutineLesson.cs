using System.Collections;
using CoopRuntime;

namespace Coroutines101.Lessons;

/// <summary>
/// A coroutine is an iterator whose caller is the event loop. What it yields says what to wait for; the loop resumes
/// it when that is ready. Two coroutines that wait interleave, although only one thread runs them.
/// </summary>
internal static class CoroutineLesson
{
    public static void Run() => EventLoop.Run(async () =>
    {
        var loop = EventLoop.Current!;
        var started = loop.Now;
        var tick = loop.Start(Repeat("tick", every: 0.030, times: 3, started));
        var tock = loop.Start(Repeat("    tock", every: 0.045, times: 2, started));
        await tick;
        await tock;
        var oneAfterTheOther = (3 * 30) + (2 * 45);
        Console.WriteLine($"  Both waited at once: {(loop.Now - started).TotalMilliseconds:F0} ms in all; one after the other would take at least {oneAfterTheOther} ms.");
    });

    private static IEnumerator Repeat(string word, double every, int times, TimeSpan started)
    {
        for (var i = 0; i < times; i++)
        {
            yield return Wait.Seconds(every); // "resume me in this many seconds"; meanwhile the loop runs others
            Console.WriteLine($"  {word} at {(EventLoop.Current!.Now - started).TotalMilliseconds,4:F0} ms");
        }
    }
}
