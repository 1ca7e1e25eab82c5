using System.Globalization;
using System.Net;

namespace KvServer;

/// <summary>The command line.</summary>
internal sealed record KvOptions(IPAddress Address, int Port)
{
    public const string Usage =
        """
        KvServer: a Redis-protocol (RESP2) key-value server on one CoopRuntime loop thread.

        Usage: dotnet run -c Release --project samples/KvServer -- [options]
          --port N      port to serve on (default 6380; 0 picks a free one and prints it)
          --address A   address to bind (default 127.0.0.1)
          --help        this text

        Commands: PING ECHO GET SET (EX PX EXAT PXAT NX XX GET KEEPTTL) DEL EXISTS INCR DECR INCRBY DECRBY
        MGET MSET EXPIRE PEXPIRE TTL PTTL PERSIST KEYS FLUSHDB FLUSHALL DBSIZE SELECT 0 INFO CONFIG GET COMMAND QUIT.
        """;

    /// <summary>The options, or null for --help (<paramref name="problem"/> null) or a mistake (<paramref name="problem"/> says which).</summary>
    public static KvOptions? Parse(string[] args, out string? problem)
    {
        problem = null;
        var options = new KvOptions(IPAddress.Loopback, 6380);
        for (var i = 0; i < args.Length; i++)
        {
            var argument = args[i];
            if (argument is "--help" or "-h")
            {
                return null;
            }

            if (i + 1 >= args.Length || argument is not ("--port" or "--address"))
            {
                problem = argument is "--port" or "--address" ? $"{argument} needs a value." : $"Unknown option '{argument}'.";
                return null;
            }

            var value = args[++i];
            if (argument == "--port")
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                {
                    problem = $"--port takes a number from 0 to 65535, not '{value}'.";
                    return null;
                }

                options = options with { Port = port };
            }
            else
            {
                if (!IPAddress.TryParse(value, out var address))
                {
                    problem = $"--address takes an IP address, not '{value}'.";
                    return null;
                }

                options = options with { Address = address };
            }
        }

        return options;
    }
}
