using System.Globalization;
using CoopRuntime.Benchmarks.Compare;
using CoopRuntime.Benchmarks.Echo;

namespace CoopRuntime.Benchmarks.Protocols;

/// <summary>
/// The key-value workload of <c>compare</c>: <c>redis-benchmark -t set,get -c 50</c>, without pipelining and with
/// <c>-P 16</c>, against the sample KvServer and the real redis-server, both pinned to CPU 0, the benchmark on CPU 1.
/// </summary>
internal static class KvComparison
{
    private const string Baseline = "CoopRuntime KvServer";
    private const string Redis = "redis-server";

    public static void Run(TextWriter output, bool smoke, int repetitions)
    {
        var requests = smoke ? 2_000 : 200_000;
        output.WriteLine("## Key-value server, RESP (out of process)");
        output.WriteLine();
        output.WriteLine(
            $"`redis-benchmark -t set,get -n {requests} -c 50` without pipelining and with `-P 16`, {repetitions} repetition(s) " +
            $"round-robin{(smoke ? string.Empty : " after one unmeasured warm-up run per server start")}. Both servers are pinned to CPU 0 " +
            "with taskset and redis-benchmark to CPU 1. Higher is better; \"CoopRuntime is\" divides KvServer's median by the row's.");
        output.WriteLine();
        var benchmark = EchoComparison.FindOnPath("redis-benchmark");
        if (benchmark is null)
        {
            output.WriteLine("Skipped: redis-benchmark is not installed (apt-get install -y redis-tools).");
            output.WriteLine();
            return;
        }

        var pin = EchoComparison.CanPin();
        if (!pin)
        {
            output.WriteLine("Note: taskset is not available (or there is one CPU), so servers and load tool are not pinned.");
            output.WriteLine();
        }

        var redis = EchoComparison.FindOnPath("redis-server");
        List<ServerProcess> servers =
        [
            new(Baseline, HttpComparison.DotnetHost(), [Path.Combine(AppContext.BaseDirectory, "KvServer.dll"), "--port", "{port}"], "0", null),
            new(Redis, redis ?? "redis-server", ["--port", "{port}", "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no"], "0",
                redis is null ? "redis-server is not installed (apt-get install -y redis-server)" : null),
        ];
        foreach (var missing in servers.Where(s => s.MissingReason is not null))
        {
            output.WriteLine($"- Skipped {missing.Name}: {missing.MissingReason}.");
            output.WriteLine();
        }

        var runnable = servers.Where(s => s.MissingReason is null).ToList();
        foreach (var pipeline in new[] { 1, 16 })
        {
            var set = runnable.ToDictionary(s => s.Name, _ => new List<double>());
            var get = runnable.ToDictionary(s => s.Name, _ => new List<double>());
            for (var repetition = 0; repetition < repetitions; repetition++)
            {
                foreach (var server in runnable)
                {
                    var port = EchoComparison.FreePort();
                    var process = server.Start(port, pin);
                    try
                    {
                        if (!smoke)
                        {
                            Measure(benchmark, port, requests / 4, pipeline, pin, server.Name); // JIT and tiering settle
                        }

                        var (setRate, getRate) = Measure(benchmark, port, requests, pipeline, pin, server.Name);
                        set[server.Name].Add(setRate);
                        get[server.Name].Add(getRate);
                    }
                    finally
                    {
                        ServerProcess.Stop(process);
                    }
                }
            }

            output.WriteLine(pipeline == 1 ? "### Without pipelining" : $"### With -P {pipeline}");
            output.WriteLine();
            var table = new MarkdownTable(
                ["Server", "SET/s (median)", "GET/s (median)", "SET min–max", "GET min–max", "CoopRuntime is (SET / GET)"],
                [false, true, true, true, true, true]);
            var baseSet = EchoComparison.Median(set[Baseline]);
            var baseGet = EchoComparison.Median(get[Baseline]);
            foreach (var server in runnable)
            {
                var s = set[server.Name];
                var g = get[server.Name];
                table.AddRow(
                    server.Name, Format.Count(EchoComparison.Median(s)), Format.Count(EchoComparison.Median(g)),
                    $"{Format.Count(s.Min())}–{Format.Count(s.Max())}", $"{Format.Count(g.Min())}–{Format.Count(g.Max())}",
                    $"{baseSet / EchoComparison.Median(s):0.00}× / {baseGet / EchoComparison.Median(g):0.00}×");
            }

            output.Write(table.ToString());
            output.WriteLine();
            if (set.ContainsKey(Redis))
            {
                var target = pipeline == 1 ? 0.9 : 0.5;
                var worst = Math.Min(baseSet / EchoComparison.Median(set[Redis]), baseGet / EchoComparison.Median(get[Redis]));
                output.WriteLine($"- Target ≥ {target:0.0}× redis-server {(pipeline == 1 ? "without pipelining" : $"with -P {pipeline}")} (the lower of SET and GET): {worst:0.00}× — {(worst >= target ? "met" : "missed")}.");
                output.WriteLine();
            }
        }
    }

    private static (double Set, double Get) Measure(string benchmark, int port, int requests, int pipeline, bool pin, string name)
    {
        string[] arguments =
        [
            "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "set,get", "-n", requests.ToString(CultureInfo.InvariantCulture),
            "-c", "50", "-P", pipeline.ToString(CultureInfo.InvariantCulture), "--csv",
        ];
        var result = pin ? HttpComparison.Run("taskset", ["-c", "1", benchmark, .. arguments]) : HttpComparison.Run(benchmark, arguments);
        double? set = null, get = null;
        foreach (var line in result.Output.Split('\n'))
        {
            var cells = line.Split(',').Select(cell => cell.Trim('"', '\r')).ToArray();
            if (cells.Length >= 2 && double.TryParse(cells[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate))
            {
                if (cells[0] == "SET")
                {
                    set = rate;
                }
                else if (cells[0] == "GET")
                {
                    get = rate;
                }
            }
        }

        if (result.ExitCode != 0 || set is null || get is null || result.Errors.Contains("error", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"redis-benchmark failed against {name} (exit code {result.ExitCode}): {result.Output}{result.Errors}");
        }

        return (set.Value, get.Value);
    }
}
