using System.Collections;
using CoopRuntime;

namespace Coroutines101.Lessons;

/// <summary>
/// Everything the loop runs, runs on the loop's thread: callbacks, timers, coroutine steps and every await
/// continuation, even after awaiting work that ran on another thread. That is why loop code needs no locks.
/// </summary>
internal static class ThreadIdsLesson
{
    public static void Run() => EventLoop.Run(async () =>
    {
        var loop = EventLoop.Current!;
        var seen = new SortedSet<int>();
        void Report(string what)
        {
            seen.Add(Environment.CurrentManagedThreadId);
            Console.WriteLine($"  {what,-42} thread {Environment.CurrentManagedThreadId}");
        }

        Report("main, on the loop");
        loop.CallSoon(() => Report("a CallSoon callback"));
        await loop.Start(Steps(Report));
        var poolThread = await Task.Run(() => Environment.CurrentManagedThreadId); // work on a thread-pool thread...
        Console.WriteLine($"  {"Task.Run's work",-42} thread {poolThread}");
        Report("...and the code after awaiting it");
        await Task.Delay(10);
        Report("after await Task.Delay (fired elsewhere)");

        Console.WriteLine($"  Loop code ran on {seen.Count} thread(s): {string.Join(", ", seen)}; only the Task.Run work left it.");
    });

    private static IEnumerator Steps(Action<string> report)
    {
        report("coroutine, first step");
        yield return Wait.Seconds(0.01);
        report("coroutine, after Wait.Seconds");
    }
}
