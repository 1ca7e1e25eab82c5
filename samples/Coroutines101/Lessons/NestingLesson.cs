using System.Collections;
using CoopRuntime;

namespace Coroutines101.Lessons;

/// <summary>
/// A coroutine can yield another iterator: it runs to completion first, then the outer one continues, like a call.
/// <c>Wait.Return</c> gives the coroutine a result that <c>await</c> reads.
/// </summary>
internal static class NestingLesson
{
    public static void Run() => EventLoop.Run(async () =>
    {
        var loop = EventLoop.Current!;
        var breakfast = loop.Start<string>(MakeBreakfast());
        Console.WriteLine($"  result: {await breakfast}");
    });

    private static IEnumerator MakeBreakfast()
    {
        Console.WriteLine("  breakfast: start");
        yield return Boil("egg", seconds: 0.03);   // nested: runs to its end before the next line
        yield return Boil("tea", seconds: 0.01);
        Console.WriteLine("  breakfast: both done");
        yield return Wait.Return("egg and tea");  // ends the coroutine with a value
    }

    private static IEnumerator Boil(string what, double seconds)
    {
        Console.WriteLine($"    boil {what}...");
        yield return Wait.Seconds(seconds);
        Console.WriteLine($"    {what} ready");
    }
}
