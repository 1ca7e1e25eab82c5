using CoopRuntime;

namespace QuickStart.Tour;

/// <summary>1. Callbacks and timers: what runs when.</summary>
internal static class TimersSection
{
    public static async Task RunAsync()
    {
        Output.Heading(
            "1. Timers: CallSoon, CallLater, CallAt, Cancel",
            "Callbacks are scheduled in a scrambled order; the loop runs them by deadline, ties in scheduling order.");

        var loop = EventLoop.Current!;
        var start = loop.Now;
        var fired = new List<(TimeSpan At, string What)>();
        void Record(string what) => fired.Add((loop.Now - start, what));   // format later: keep callbacks cheap

        // Three callbacks with exactly the same deadline. CallAt takes an absolute loop time, so the deadlines are
        // equal to the tick (two CallLater calls would read the clock twice).
        var deadline = start + TimeSpan.FromMilliseconds(30);
        loop.CallAt(deadline, () => Record("CallAt(+30 ms)  scheduled 1st of the three equal deadlines"));
        loop.CallAt(deadline, () => Record("CallAt(+30 ms)  scheduled 2nd"));
        loop.CallAt(deadline, () => Record("CallAt(+30 ms)  scheduled 3rd"));

        // A shorter timer scheduled after them still fires first: timers are ordered by deadline.
        loop.CallLater(TimeSpan.FromMilliseconds(10), () => Record("CallLater(10 ms)"));

        // A zero-delay timer waits for the next timer pass; CallSoon goes straight into the ready queue, so it runs
        // first even though it is scheduled later.
        loop.CallLater(TimeSpan.Zero, () => Record("CallLater(0)    (scheduled before the CallSoon)"));
        loop.CallSoon(() => Record("CallSoon"));

        // Cancelling is O(1) and the callback never runs.
        var doomed = loop.CallLater(TimeSpan.FromMilliseconds(20), () => Record("CallLater(20 ms) (cancelled, should never print)"));
        var cancelled = doomed.Cancel();

        // A fourth callback at the same deadline runs right after the three above, so it ends the section.
        var done = new TaskCompletionSource();
        loop.CallAt(deadline, done.SetResult);
        await done.Task;

        Output.Line($"Cancel() on the 20 ms timer returned {cancelled}; IsPending is now {doomed.IsPending}.");
        Output.Line("Order in which the callbacks ran, with loop time since scheduling (the first run includes JIT time):");
        foreach (var (at, what) in fired)
        {
            Output.Line($"  +{Output.Ms(at),-9} {what}");
        }
    }
}
