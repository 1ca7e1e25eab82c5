using System.Text.RegularExpressions;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Samples;

/// <summary>Smoke test of samples/ProducerConsumer: the three demos run, and backpressure keeps the bounded queue short.</summary>
public class ProducerConsumerSampleTests
{
    [Fact]
    public async Task SmallSizes_RunAllThreeDemos_AndOnlyTheUnboundedQueueGrowsPastItsBound()
    {
        var run = await SampleApp.RunAsync("ProducerConsumer", TimeSpan.FromSeconds(60), "--items", "40", "--messages", "2000", "--capacity", "5");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Bounded queue (capacity 5): 40 jobs", run.Output);
        Assert.Contains("Unbounded queue: 40 jobs", run.Output);
        Assert.Contains("Bounded channel (capacity 5): 2,000 messages", run.Output);
        Assert.Contains("2,000 messages in", run.Output);

        var maxima = Regex.Matches(run.Output, @"\(max (\d+),").Select(m => int.Parse(m.Groups[1].Value)).ToArray();
        Assert.Equal(2, maxima.Length);
        Assert.InRange(maxima[0], 0, 5);       // bounded: never more than the capacity
        Assert.True(maxima[1] > 5, run.ToString()); // unbounded: the producer ran ahead
    }
}
