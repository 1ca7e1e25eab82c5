using System.Diagnostics;
using System.Text.RegularExpressions;
using CoopRuntime;

namespace Crawler;

/// <summary>
/// Crawls from a start page: every page found is fetched by its own task in a <see cref="TaskGroup"/>, an
/// <see cref="AsyncSemaphore"/> keeps at most <see cref="CrawlOptions.Concurrency"/> fetches in flight, and a
/// <see cref="CancelScope"/> gives each fetch its deadline. The bookkeeping (seen pages, counters) is plain fields:
/// every task runs on the loop thread, one step at a time, so none of it needs a lock.
/// </summary>
internal sealed partial class SiteCrawler(CrawlOptions options)
{
    private readonly HashSet<string> _seen = [];
    private readonly AsyncSemaphore _slots = new(options.Concurrency);
    private readonly CrawlSummary _summary = new();
    private readonly HttpClient _http = new();

    public async Task<CrawlSummary> CrawlAsync(Uri start)
    {
        // The first request of a process pays for setting HttpClient up (and the JIT compiling it): do it before the
        // crawl, without a deadline, so the start page's timeout measures the page, not the start-up.
        using (await _http.GetAsync(new Uri(start, "/")))
        {
        }

        var clock = Stopwatch.StartNew();
        await using (var group = new TaskGroup())
        {
            Visit(group, start);
        }

        _summary.Elapsed = clock.Elapsed;
        _summary.Found = _seen.Count;
        _http.Dispose();
        return _summary;
    }

    /// <summary>Starts a fetch of <paramref name="page"/> unless it was seen before.</summary>
    private void Visit(TaskGroup group, Uri page)
    {
        if (_seen.Add(page.AbsolutePath))
        {
            group.Spawn(ct => FetchAsync(group, page, ct), name: page.AbsolutePath);
        }
    }

    private async Task FetchAsync(TaskGroup group, Uri page, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken); // wait for one of the N slots: the concurrency limit
        _summary.InFlight++;
        _summary.MaxInFlight = Math.Max(_summary.MaxInFlight, _summary.InFlight);
        var clock = Stopwatch.StartNew();
        using var deadline = CancelScope.After(options.Timeout, cancellationToken); // a loop timer, cancelled on dispose
        try
        {
            var html = await _http.GetStringAsync(page, deadline.Token);
            _summary.Fetched++;
            _summary.Bytes += html.Length;
            foreach (Match link in LinkPattern().Matches(html))
            {
                Visit(group, new Uri(page, link.Groups[1].Value));
            }
        }
        catch (OperationCanceledException) when (deadline.TimedOut)
        {
            _summary.TimedOut++; // this page only; the crawl goes on
        }
        catch (HttpRequestException error)
        {
            _summary.Failed++;
            _summary.Errors.Add($"{page.AbsolutePath}: {error.Message}");
        }
        finally
        {
            _summary.SumOfFetchTimes += clock.Elapsed;
            _summary.InFlight--;
            _slots.Release();
        }
    }

    [GeneratedRegex("href=\"(/page/\\d+)\"")]
    private static partial Regex LinkPattern();
}
