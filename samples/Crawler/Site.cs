namespace Crawler;

/// <summary>
/// The made-up site: pages 0 to N-1, each linking to a few others (some links repeat, so the crawler must remember
/// what it has seen), each answered after its own latency. Every eleventh page is far slower than the crawler's
/// timeout, so the summary has timeouts to report. Deterministic: the same size gives the same site.
/// </summary>
internal sealed class Site(int pages)
{
    public const int SlowEvery = 11;
    public static readonly TimeSpan SlowLatency = TimeSpan.FromSeconds(2);

    public int Pages { get; } = pages;

    public bool Exists(int page) => page >= 0 && page < Pages;

    public TimeSpan Latency(int page) => page % SlowEvery == SlowEvery - 1
        ? SlowLatency
        : TimeSpan.FromMilliseconds(20 + (page * 37 % 60));

    public IEnumerable<int> Links(int page) =>
        new[] { (2 * page) + 1, (2 * page) + 2, page * 7 % Pages, (page + 1) % Pages }.Where(Exists).Distinct();

    public string Html(int page) =>
        $"<html><body><h1>Page {page}</h1>{string.Concat(Links(page).Select(l => $"<a href=\"/page/{l}\">page {l}</a> "))}</body></html>";
}
