namespace Crawler;

/// <summary>What the crawl did, counted on the loop thread as it went.</summary>
internal sealed class CrawlSummary
{
    public int Found { get; set; }

    public int Fetched { get; set; }

    public int TimedOut { get; set; }

    public int Failed { get; set; }

    public long Bytes { get; set; }

    public int InFlight { get; set; }

    public int MaxInFlight { get; set; }

    /// <summary>The sum of every fetch's own duration: about what one fetch at a time would have taken.</summary>
    public TimeSpan SumOfFetchTimes { get; set; }

    public TimeSpan Elapsed { get; set; }

    public List<string> Errors { get; } = [];

    public string Describe(CrawlOptions options)
    {
        var lines = new List<string>
        {
            $"Crawled in {Elapsed.TotalMilliseconds:F0} ms: found {Found} pages; {Fetched} fetched ({Bytes:N0} bytes), {TimedOut} timed out after {options.Timeout.TotalMilliseconds:F0} ms (pages linked only from those stay unfound), {Failed} failed.",
            $"At most {MaxInFlight} fetches were in flight at once (limit {options.Concurrency}); the fetches took {SumOfFetchTimes.TotalMilliseconds:F0} ms added up, " +
            (SumOfFetchTimes / Elapsed >= 1.1
                ? $"so running them concurrently was {SumOfFetchTimes / Elapsed:F1}x faster than one at a time would have been."
                : "so running them concurrently gained nothing here: there was never more than one to run."),
        };
        lines.AddRange(Errors.Take(3).Select(e => $"  error: {e}"));
        return string.Join(Environment.NewLine, lines);
    }
}
