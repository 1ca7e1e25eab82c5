using System.Text.RegularExpressions;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Samples;

/// <summary>Smoke test of samples/Crawler: the crawl ends, keeps to its concurrency limit and reports the slow pages as timeouts.</summary>
public class CrawlerSampleTests
{
    [Fact]
    public async Task SmallSite_CrawlsEveryPageWithinTheLimit_AndTheSlowPagesTimeOut()
    {
        // Normal pages answer within 80 ms and slow ones after 2 s, so a 1.5 s timeout separates them even on a busy machine.
        var run = await SampleApp.RunAsync("Crawler", TimeSpan.FromSeconds(60), "--pages", "30", "--concurrency", "4", "--timeout", "1500");

        Assert.True(run.ExitCode == 0, run.ToString());
        var summary = Regex.Match(run.Output, @"found (\d+) pages; (\d+) fetched .*, (\d+) timed out after 1500 ms .*, (\d+) failed");
        Assert.True(summary.Success, run.ToString());
        var (found, fetched, timedOut, failed) = (Number(summary, 1), Number(summary, 2), Number(summary, 3), Number(summary, 4));
        Assert.Equal(30, found);
        Assert.Equal(2, timedOut); // pages 10 and 21: every eleventh page is slow
        Assert.Equal(28, fetched);
        Assert.Equal(0, failed);

        var inFlight = Regex.Match(run.Output, @"At most (\d+) fetches were in flight at once \(limit 4\)");
        Assert.True(inFlight.Success, run.ToString());
        Assert.InRange(Number(inFlight, 1), 1, 4);
    }

    private static int Number(Match match, int group) => int.Parse(match.Groups[group].Value);
}
