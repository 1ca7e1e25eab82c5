using System.Globalization;
using System.Net;

namespace HttpServer;

/// <summary>The command line.</summary>
internal sealed record HttpOptions(IPAddress Address, int Port, int Loops)
{
    public const string Usage =
        """
        HttpServer: an HTTP/1.1 server (keep-alive, pipelining, chunked bodies, limits, timeouts) on CoopRuntime loops.

        Usage: dotnet run -c Release --project samples/HttpServer -- [options]
          --port N      port to serve on (default 8080; 0 picks a free one and prints it)
          --address A   address to bind (default 127.0.0.1)
          --loops N     loops, each on its own thread, sharing the port with SO_REUSEPORT (default 1)
          --help        this text

        Routes: GET /  (Hello, World!)   GET /json   POST /echo (the body back)   GET /slow?ms=N
        """;

    /// <summary>The options, or null for --help (<paramref name="problem"/> null) or a mistake (<paramref name="problem"/> says which).</summary>
    public static HttpOptions? Parse(string[] args, out string? problem)
    {
        problem = null;
        var options = new HttpOptions(IPAddress.Loopback, 8080, 1);
        for (var i = 0; i < args.Length; i++)
        {
            var argument = args[i];
            if (argument is "--help" or "-h")
            {
                return null;
            }

            if (argument is not ("--port" or "--address" or "--loops") || i + 1 >= args.Length)
            {
                problem = argument is "--port" or "--address" or "--loops" ? $"{argument} needs a value." : $"Unknown option '{argument}'.";
                return null;
            }

            var value = args[++i];
            switch (argument)
            {
                case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535:
                    options = options with { Port = port };
                    break;
                case "--loops" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var loops) && loops is >= 1 and <= 1024:
                    options = options with { Loops = loops };
                    break;
                case "--address" when IPAddress.TryParse(value, out var address):
                    options = options with { Address = address };
                    break;
                default:
                    problem = $"{argument} does not take '{value}'.";
                    return null;
            }
        }

        return options;
    }
}
