namespace Showdown;

/// <summary>The command line: sizes (default or <c>--quick</c>), and where to write the results.</summary>
internal sealed record ShowdownOptions(WorkloadSizes Sizes, string? MarkdownPath, string? JsonPath, bool RunCpu, bool RunIo)
{
    public const string Usage = """
        Showdown: threads vs processes vs coroutines, measured on this machine.

        Usage: dotnet run -c Release --project samples/Showdown -- [options]

          --quick            tiny sizes: the whole run takes a few seconds (what the smoke test runs)
          --markdown FILE    also write the results as a Markdown report to FILE
          --json FILE        also write the results as JSON to FILE
          --only cpu|io      run one workload only
          --help, -h         show this help

        Two workloads, each run several ways:
          CPU-bound  count the primes below a limit, in chunks: sequential, coroutines on one loop,
                     threads (Parallel.For), processes (ProcessPool with this program as the worker)
          I/O-bound  requests to a local TCP server (started by the sample) that answers each one after
                     a fixed delay: sequential, one thread per request, thread pool with blocking calls,
                     thread pool with async, coroutines (async/await) on one CoopRuntime loop
        """;

    /// <summary>Parses <paramref name="args"/>; null with <paramref name="error"/> null means --help was asked for.</summary>
    public static ShowdownOptions? Parse(string[] args, out string? error)
    {
        error = null;
        var quick = false;
        string? markdown = null, json = null;
        bool runCpu = true, runIo = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h" or "-?":
                    return null;
                case "--quick":
                    quick = true;
                    break;
                case "--markdown" or "--json" or "--only" when i + 1 >= args.Length:
                    error = $"{args[i]} needs a value.";
                    return null;
                case "--only" when args[i + 1] is "cpu" or "io":
                    runCpu = args[++i] == "cpu";
                    runIo = !runCpu;
                    break;
                case "--only":
                    error = $"--only takes cpu or io, not '{args[i + 1]}'.";
                    return null;
                case "--markdown":
                    markdown = args[++i];
                    break;
                case "--json":
                    json = args[++i];
                    break;
                default:
                    error = $"Unknown option '{args[i]}'.";
                    return null;
            }
        }

        return new ShowdownOptions(quick ? WorkloadSizes.Quick : WorkloadSizes.Default, markdown, json, runCpu, runIo);
    }
}
