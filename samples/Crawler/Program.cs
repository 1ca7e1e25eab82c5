// Crawler: crawl a small web site that the sample serves itself, on the same loop thread, with at most N fetches in
// flight (AsyncSemaphore) and a timeout per page (CancelScope), then print a summary.
//
//   dotnet run --project samples/Crawler
//   dotnet run --project samples/Crawler -- --pages 200 --concurrency 20 --timeout 250
using System.Net;
using Crawler;
using CoopRuntime;

var options = CrawlOptions.Parse(args, out var error);
if (options is null)
{
    Console.WriteLine(error is null ? CrawlOptions.Usage : $"{error}\n\n{CrawlOptions.Usage}");
    return error is null ? 0 : 2;
}

var summary = EventLoop.Run(async () =>
{
    var site = new Site(options.Pages);
    using var server = TcpServer.Listen(new IPEndPoint(IPAddress.Loopback, 0));
    using var stopServing = new CancellationTokenSource();
    var serving = server.ServeAsync((connection, ct) => SiteServer.AnswerAsync(site, connection, ct), stopServing.Token);
    Console.WriteLine($"Serving a site of {options.Pages} pages on http://{server.LocalEndPoint}/ (some pages are slow on purpose).");

    var result = await new SiteCrawler(options).CrawlAsync(new Uri($"http://{server.LocalEndPoint}/page/0"));

    await stopServing.CancelAsync();
    try
    {
        await serving;
    }
    catch (OperationCanceledException)
    {
    }

    return result;
}, new EventLoopOptions { HandleCtrlC = false });

Console.WriteLine(summary.Describe(options));
return 0;
