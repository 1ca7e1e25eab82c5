using CoopRuntime;
using QuickStart.Tour;

// A guided tour of CoopRuntime. Every number printed below is measured while the tour runs.
Console.WriteLine("CoopRuntime quick start: one thread, one event loop, plain async/await.");

// EventLoop.Run is CoopRuntime's asyncio.run: it creates a loop on this thread, runs the function until its task
// completes, then shuts the loop down (cancelling anything still spawned) and rethrows main's error, if any.
EventLoop.Run(async () =>
{
    await TimersSection.RunAsync();
    await ThreadsSection.RunAsync();
    await SpawnSection.RunAsync();
});

// Section 4 builds its own loop with a virtual clock. Loops do not nest on one thread, so it runs after the first
// loop has returned.
VirtualTimeSection.Run();

EventLoop.Run(ManySleepersSection.RunAsync);

Console.WriteLine();
Console.WriteLine("Done. Next: read Tour/*.cs, then tests/CoopRuntime.Tests for every corner of the API.");
