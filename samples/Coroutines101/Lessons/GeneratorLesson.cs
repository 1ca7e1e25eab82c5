namespace Coroutines101.Lessons;

/// <summary>
/// An iterator method is the seed of a coroutine: C# compiles it into an object that remembers where it stopped. Its
/// body runs only when someone asks for the next item, and it pauses again at the next <c>yield return</c>.
/// </summary>
internal static class GeneratorLesson
{
    public static void Run()
    {
        var countdown = Countdown(3); // nothing has run yet: the body starts on the first MoveNext
        Console.WriteLine("  created the generator; its body has not run");
        foreach (var n in countdown)
        {
            Console.WriteLine($"  caller got {n}, and does something else before asking again");
        }

        Console.WriteLine("  The lines interleave: the generator and its caller take turns, on one thread.");
    }

    private static IEnumerable<int> Countdown(int from)
    {
        for (var n = from; n > 0; n--)
        {
            Console.WriteLine($"  generator computes {n}, then pauses");
            yield return n; // pause here; the local n survives until the caller asks again
        }

        Console.WriteLine("  generator is done");
    }
}
