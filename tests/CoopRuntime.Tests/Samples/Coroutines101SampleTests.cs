using System.Text.RegularExpressions;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Samples;

/// <summary>Smoke test of samples/Coroutines101: every lesson runs and prints what it is about.</summary>
public class Coroutines101SampleTests
{
    [Fact]
    public async Task Run_PrintsEveryLessonInOrder_AndTheGreedyCoroutineStallsTheHeartbeatLongerThanThePoliteOne()
    {
        var run = await SampleApp.RunAsync("Coroutines101", TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 0, run.ToString());
        var headings = new[] { "1. A generator", "2. A coroutine", "3. Nesting", "4. async/await", "5. One thread", "6. Cooperative, not preemptive" };
        var positions = headings.Select(h => run.Output.IndexOf(h, StringComparison.Ordinal)).ToArray();
        Assert.True(positions.All(p => p >= 0), run.ToString());
        Assert.Equal(positions.Order(), positions);
        Assert.Contains("Loop code ran on 1 thread(s)", run.Output);

        // The lesson's point, measured: 200 ms without a yield holds the heartbeat up for at least that long.
        var greedy = int.Parse(Regex.Match(run.Output, @"greedy .*longest heartbeat gap (\d+) ms").Groups[1].Value);
        var polite = int.Parse(Regex.Match(run.Output, @"polite .*longest heartbeat gap (\d+) ms").Groups[1].Value);
        Assert.True(greedy >= 200, run.ToString());
        Assert.True(greedy > polite, run.ToString());
    }
}
