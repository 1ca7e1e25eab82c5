using System.Collections;
using CoopRuntime;
using Showdown.Measurement;

namespace Showdown.Cpu;

/// <summary>
/// Every chunk is a coroutine on one CoopRuntime loop, yielding every few thousand numbers so the chunks take turns.
/// They all make progress at once (concurrency), but only one runs at any instant: one loop is one thread, so this
/// takes as long as sequential, plus the cost of switching.
/// </summary>
internal static class CoroutineCpuMode
{
    private const int NumbersPerTurn = 5_000;

    public static int Count(IReadOnlyList<PrimeRange> ranges, ModeContext context) => EventLoop.Run(async () =>
    {
        var loop = EventLoop.Current!;
        var total = 0;
        var coroutines = ranges.Select(range => loop.Start(CountInTurns(range, count => total += count, context))).ToArray();
        foreach (var coroutine in coroutines)
        {
            await coroutine;
        }

        return total; // no lock around total: every coroutine runs on the loop thread
    });

    private static IEnumerator CountInTurns(PrimeRange range, Action<int> add, ModeContext context)
    {
        var count = 0;
        for (var start = range.Start; start < range.End; start += NumbersPerTurn)
        {
            count += Primes.Count(start, Math.Min(start + NumbersPerTurn, range.End));
            yield return null; // let the other coroutines have a turn
        }

        add(count);
        context.ItemDone();
    }
}
