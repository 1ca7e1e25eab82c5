using System.Globalization;

namespace Crawler;

/// <summary>How big the site is, how many fetches may be in flight, and how long one page may take.</summary>
internal sealed record CrawlOptions(int Pages, int Concurrency, TimeSpan Timeout)
{
    public const string Usage = """
        Crawler: concurrent fetches from a local site, with a concurrency limit and timeouts.

        Usage: dotnet run --project samples/Crawler -- [options]

          --pages N        pages on the site (default 60)
          --concurrency N  fetches in flight at most (default 8)
          --timeout MS     give up on a page after this many milliseconds (default 300)
          --help, -h       show this help
        """;

    /// <summary>Parses <paramref name="args"/>; null with <paramref name="error"/> null means --help was asked for.</summary>
    public static CrawlOptions? Parse(string[] args, out string? error)
    {
        error = null;
        var values = new Dictionary<string, int> { ["--pages"] = 60, ["--concurrency"] = 8, ["--timeout"] = 300 };
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--help" or "-h" or "-?")
            {
                return null;
            }

            if (!values.ContainsKey(args[i]))
            {
                error = $"Unknown option '{args[i]}'.";
                return null;
            }

            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                error = $"{args[i]} needs a positive whole number.";
                return null;
            }

            values[args[i]] = value;
            i++;
        }

        return new CrawlOptions(values["--pages"], values["--concurrency"], TimeSpan.FromMilliseconds(values["--timeout"]));
    }
}
