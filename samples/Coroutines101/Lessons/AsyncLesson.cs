using CoopRuntime;

namespace Coroutines101.Lessons;

/// <summary>
/// async/await is the compiler's other coroutine: each <c>await</c> of something unfinished pauses the method, and
/// the loop resumes it when that completes. Coroutines and tasks mix: a coroutine can yield a task, and async code can
/// await a coroutine.
/// </summary>
internal static class AsyncLesson
{
    public static void Run() => EventLoop.Run(async () =>
    {
        var loop = EventLoop.Current!;
        var started = loop.Now;

        await EventLoop.Sleep(TimeSpan.FromMilliseconds(20)); // a loop timer, no thread blocked
        Console.WriteLine($"  slept, at {(loop.Now - started).TotalMilliseconds:F0} ms");

        var answers = await Task.WhenAll(AskAsync("a", 30), AskAsync("b", 10), AskAsync("c", 20));
        Console.WriteLine($"  three questions at once: {string.Join(", ", answers)} after {(loop.Now - started).TotalMilliseconds:F0} ms in all");

        await loop.Start(WaitForTask()); // a coroutine that yields a task, awaited from async code
    });

    private static async Task<string> AskAsync(string name, int milliseconds)
    {
        await EventLoop.Sleep(TimeSpan.FromMilliseconds(milliseconds));
        return $"{name} ({milliseconds} ms)";
    }

    private static System.Collections.IEnumerator WaitForTask()
    {
        yield return AskAsync("from a coroutine", 10); // a Task: resume when it completes
        Console.WriteLine("  a coroutine waited for a task, and async code waited for the coroutine");
    }
}
