using System.Diagnostics;
using CoopRuntime;

namespace QuickStart.Tour;

/// <summary>4. A virtual clock: time-based code runs instantly and deterministically.</summary>
internal static class VirtualTimeSection
{
    public static void Run()
    {
        Output.Heading(
            "4. Virtual time",
            "A loop with a VirtualClock jumps straight to the next timer whenever it has nothing else to do.");

        // A second loop, built explicitly: the options are where the clock is injected. RunUntilComplete runs it;
        // Dispose (the using) shuts it down.
        using var loop = new EventLoop(new EventLoopOptions { Clock = new VirtualClock() });
        var realTime = Stopwatch.StartNew();
        loop.RunUntilComplete(async () =>
        {
            for (var hour = 0; hour < 24; hour++)
            {
                await EventLoop.Sleep(TimeSpan.FromHours(1));
            }

            Output.Line($"24 x await EventLoop.Sleep(1 hour): loop clock reads {loop.Now}, real time elapsed {Output.Ms(realTime.Elapsed)}");

            // loop.TimeProvider is a System.TimeProvider on loop time, so BCL APIs that take one follow the virtual
            // clock too: Task.Delay, CancellationTokenSource timeouts, task.WaitAsync.
            var before = loop.Now;
            realTime.Restart();
            await Task.Delay(TimeSpan.FromMinutes(5), loop.TimeProvider);
            Output.Line($"await Task.Delay(5 minutes, loop.TimeProvider): loop clock moved {loop.Now - before}, real time {Output.Ms(realTime.Elapsed)}");
            Output.Line($"loop.TimeProvider.GetUtcNow() = {loop.TimeProvider.GetUtcNow():yyyy-MM-dd HH:mm:ss} UTC (the virtual clock starts at 2000-01-01)");
        });
    }
}
