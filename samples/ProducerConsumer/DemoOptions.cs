using System.Globalization;

namespace ProducerConsumer;

/// <summary>How many jobs go through the queues, how many messages through the channel, and the bound.</summary>
internal sealed record DemoOptions(int Items, int Messages, int Capacity)
{
    public const string Usage = """
        ProducerConsumer: queues and channels with backpressure, with queue depth and throughput measured.

        Usage: dotnet run --project samples/ProducerConsumer -- [options]

          --items N      jobs through the bounded and unbounded queue (default 200)
          --messages N   messages through the channel throughput test (default 200000)
          --capacity N   the bound of the bounded queue and the channel (default 10)
          --help, -h     show this help
        """;

    /// <summary>Parses <paramref name="args"/>; null with <paramref name="error"/> null means --help was asked for.</summary>
    public static DemoOptions? Parse(string[] args, out string? error)
    {
        error = null;
        var values = new Dictionary<string, int> { ["--items"] = 200, ["--messages"] = 200_000, ["--capacity"] = 10 };
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

        return new DemoOptions(values["--items"], values["--messages"], values["--capacity"]);
    }
}
