using System.Diagnostics;
using CoopRuntime;

namespace QuickStart.Tour;

/// <summary>3. Spawned tasks, structured concurrency and timeouts.</summary>
internal static class SpawnSection
{
    public static async Task RunAsync()
    {
        Output.Heading(
            "3. Spawned tasks, TaskGroup, timeouts",
            "Spawn starts work the loop tracks: await it, cancel it, or let a TaskGroup own it.");

        var loop = EventLoop.Current!;

        // A spawned task gets a CancellationToken and a name (used in error messages and shutdown reports).
        var answer = loop.Spawn(
            async ct =>
            {
                await EventLoop.Sleep(TimeSpan.FromMilliseconds(10), ct);
                return 42;
            },
            name: "answer");
        Output.Line($"Spawn(name: \"{answer.Name}\") then await the handle: {await answer}");

        // Cancel() cancels the token the task was given; its finally blocks run as it unwinds.
        var cleanedUp = false;
        var listener = loop.Spawn(
            async ct =>
            {
                try
                {
                    await EventLoop.Sleep(Timeout.InfiniteTimeSpan, ct);   // "wait for messages" forever
                }
                finally
                {
                    cleanedUp = true;
                }
            },
            name: "listener");
        await EventLoop.Sleep(TimeSpan.FromMilliseconds(10));
        listener.Cancel();
        try
        {
            await listener;
        }
        catch (OperationCanceledException exception)
        {
            Output.Line($"Cancel() on \"{listener.Name}\": awaiting it threw {exception.GetType().Name}; its finally block ran: {cleanedUp}");
        }

        await TaskGroupAsync();
        await TimeoutsAsync();
    }

    private static async Task TaskGroupAsync()
    {
        // In a TaskGroup the first failure cancels the siblings, and leaving the block waits for all of them and
        // throws the failure: no child outlives the block (Trio's nursery, Python's asyncio.TaskGroup).
        var stopwatch = Stopwatch.StartNew();
        var failedAt = TimeSpan.Zero;
        var siblingFate = "still running?!";
        try
        {
            await using var group = new TaskGroup();
            group.Spawn(
                async ct =>
                {
                    await EventLoop.Sleep(TimeSpan.FromMilliseconds(20), ct);
                    failedAt = stopwatch.Elapsed;
                    throw new InvalidOperationException("the database is on fire");
                },
                name: "fails");
            group.Spawn(
                async ct =>
                {
                    try
                    {
                        await EventLoop.Sleep(TimeSpan.FromSeconds(10), ct);
                        siblingFate = "finished its 10 s sleep";
                    }
                    catch (OperationCanceledException)
                    {
                        siblingFate = $"was cancelled after {Output.Ms(stopwatch.Elapsed)}, instead of sleeping 10 s";
                        throw;   // ending with OperationCanceledException is how a task says "I was cancelled"
                    }
                },
                name: "slow");
        }
        catch (InvalidOperationException exception)
        {
            Output.Line($"TaskGroup: \"fails\" threw after {Output.Ms(failedAt)}; the sibling \"slow\" {siblingFate};");
            Output.Line($"  the block threw {exception.GetType().Name}(\"{exception.Message}\") after {Output.Ms(stopwatch.Elapsed)}.");
        }
    }

    private static async Task TimeoutsAsync()
    {
        // CancelScope: a CancellationToken cancelled at a deadline on the loop's clock (so it follows virtual time).
        var stopwatch = Stopwatch.StartNew();
        using (var scope = CancelScope.After(TimeSpan.FromMilliseconds(30)))
        {
            try
            {
                await EventLoop.Sleep(TimeSpan.FromSeconds(10), scope.Token);
            }
            catch (OperationCanceledException)
            {
                Output.Line($"CancelScope.After(30 ms): a 10 s sleep was cancelled after {Output.Ms(stopwatch.Elapsed)}; TimedOut = {scope.TimedOut}");
            }
        }

        // WithTimeoutAsync is asyncio.wait_for: the same, but a timeout surfaces as TimeoutException.
        stopwatch.Restart();
        try
        {
            await EventLoop.WithTimeoutAsync(
                TimeSpan.FromMilliseconds(30),
                async ct => await EventLoop.Sleep(TimeSpan.FromSeconds(10), ct));
        }
        catch (TimeoutException exception)
        {
            Output.Line($"WithTimeoutAsync(30 ms): threw {exception.GetType().Name} after {Output.Ms(stopwatch.Elapsed)}:");
            Output.Line($"  \"{exception.Message}\"");
        }
    }
}
