using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CoopRuntime.Benchmarks.Compare;
using CoopRuntime.Benchmarks.Echo;

namespace CoopRuntime.Benchmarks.Protocols;

/// <summary>
/// The HTTP workload of <c>compare</c>: <c>wrk -t1 -c50</c> against GET / ("Hello, World!") on the sample
/// HttpServer (one loop, pinned to CPU 0), Node.js <c>http</c> (pinned to CPU 0), and ASP.NET Core Kestrel on every
/// core; wrk runs on CPU 1. The sample with two loops on every core is there too, as Kestrel's like-for-like.
/// </summary>
internal static partial class HttpComparison
{
    private const string Baseline = "CoopRuntime HttpServer (1 loop, CPU 0)";

    public static void Run(TextWriter output, bool smoke, int repetitions)
    {
        var seconds = smoke ? 1 : 5;
        var warmUp = smoke ? 0 : 2;
        output.WriteLine("## HTTP (out of process)");
        output.WriteLine();
        output.WriteLine(
            $"`wrk -t1 -c50 -d{seconds}s` on GET / (\"Hello, World!\"), after {warmUp} s of unmeasured wrk warm-up, {repetitions} repetition(s) " +
            "round-robin. Servers marked CPU 0 are pinned there with taskset; Kestrel and the two-loop sample use every core; wrk " +
            "runs on CPU 1 (so \"every core\" servers share CPU 1 with it). Higher is better; \"CoopRuntime is\" divides the " +
            "one-loop sample's median by the row's.");
        output.WriteLine();
        var wrk = EchoComparison.FindOnPath("wrk");
        if (wrk is null)
        {
            output.WriteLine("Skipped: wrk is not installed (apt-get install -y wrk).");
            output.WriteLine();
            return;
        }

        var pin = EchoComparison.CanPin();
        var kestrelFolder = Path.Combine(Path.GetTempPath(), $"coop-kestrel-{Environment.ProcessId}");
        Dictionary<string, double> rates;
        try
        {
            var servers = Servers(kestrelFolder);
            rates = Compare(output, servers, repetitions, pin, (server, port) => MeasureOnce(wrk, port, seconds, warmUp, pin, server.Name));
        }
        finally
        {
            if (Directory.Exists(kestrelFolder))
            {
                Directory.Delete(kestrelFolder, recursive: true);
            }
        }

        foreach (var (peer, target) in new[] { ("Node.js http (CPU 0)", 1.3), ("ASP.NET Core Kestrel (every core)", 1.0) })
        {
            if (rates.TryGetValue(peer, out var ratio))
            {
                output.WriteLine($"- Target ≥ {target:0.0}× {peer}: {ratio:0.00}× — {(ratio >= target ? "met" : "missed")}.");
            }
        }

        output.WriteLine();
    }

    private static List<ServerProcess> Servers(string kestrelFolder)
    {
        var dotnet = DotnetHost();
        var node = EchoComparison.FindOnPath("node");
        var sample = Path.Combine(AppContext.BaseDirectory, "HttpServer.dll");
        var (kestrel, kestrelMissing) = KestrelPeer(kestrelFolder);
        return
        [
            new(Baseline, dotnet, [sample, "--port", "{port}"], "0", null),
            new("Node.js http (CPU 0)", node ?? "node", [Path.Combine(AppContext.BaseDirectory, "Peers", "Http", "http_server.js"), "{port}"], "0", node is null ? "node is not on PATH" : null),
            new("ASP.NET Core Kestrel (every core)", dotnet, [kestrel ?? string.Empty, "{port}"], null, kestrelMissing),
            new("CoopRuntime HttpServer (2 loops, every core)", dotnet, [sample, "--port", "{port}", "--loops", "2"], null, null),
        ];
    }

    /// <summary>Builds the Kestrel peer once, if the ASP.NET Core shared framework is installed; returns its dll or why not.</summary>
    private static (string? Dll, string? Missing) KestrelPeer(string outputFolder)
    {
        var runtimes = Run(DotnetHost(), ["--list-runtimes"]);
        if (!runtimes.Output.Contains("Microsoft.AspNetCore.App", StringComparison.Ordinal))
        {
            return (null, "the Microsoft.AspNetCore.App shared framework is not installed (dotnet --list-runtimes does not list it)");
        }

        var project = Path.Combine(AppContext.BaseDirectory, "Peers", "Http", "KestrelServer", "KestrelServer.csproj");
        var build = Run(DotnetHost(), ["build", project, "-c", "Release", "-o", outputFolder, "-nologo", "-v", "quiet"]);
        if (build.ExitCode != 0)
        {
            return (null, $"the Kestrel peer did not build: {build.Output.Trim()} {build.Errors.Trim()}");
        }

        return (Path.Combine(outputFolder, "KestrelServer.dll"), null);
    }

    /// <summary>Measures every server round-robin, prints the table, and returns each row's ratio (first row's median / its median).</summary>
    internal static Dictionary<string, double> Compare(TextWriter output, List<ServerProcess> servers, int repetitions, bool pin, Func<ServerProcess, int, double> measure, string unit = "Requests/s")
    {
        if (!pin)
        {
            output.WriteLine("Note: taskset is not available (or there is one CPU), so servers and load tool are not pinned.");
            output.WriteLine();
        }

        foreach (var missing in servers.Where(s => s.MissingReason is not null))
        {
            output.WriteLine($"- Skipped {missing.Name}: {missing.MissingReason}.");
        }

        var runnable = servers.Where(s => s.MissingReason is null).ToList();
        var rates = runnable.ToDictionary(s => s.Name, _ => new List<double>());
        for (var repetition = 0; repetition < repetitions; repetition++)
        {
            foreach (var server in runnable)
            {
                var port = EchoComparison.FreePort();
                var process = server.Start(port, pin);
                try
                {
                    rates[server.Name].Add(measure(server, port));
                }
                finally
                {
                    ServerProcess.Stop(process);
                }
            }
        }

        output.WriteLine();
        var table = new MarkdownTable([.. new[] { "Server", $"{unit} (median)", "Min", "Max", "CoopRuntime is" }], [false, true, true, true, true]);
        var baseline = EchoComparison.Median(rates[runnable[0].Name]);
        var ratios = new Dictionary<string, double>();
        foreach (var server in runnable)
        {
            var samples = rates[server.Name];
            var median = EchoComparison.Median(samples);
            ratios[server.Name] = baseline / median;
            table.AddRow(server.Name, Format.Count(median), Format.Count(samples.Min()), Format.Count(samples.Max()), $"{baseline / median:0.00}×");
        }

        output.Write(table.ToString());
        output.WriteLine();
        return ratios;
    }

    private static double MeasureOnce(string wrk, int port, int seconds, int warmUp, bool pin, string name)
    {
        var url = $"http://127.0.0.1:{port}/";
        if (warmUp > 0)
        {
            RunWrk(wrk, url, warmUp, pin, name);
        }

        return RunWrk(wrk, url, seconds, pin, name);
    }

    private static double RunWrk(string wrk, string url, int seconds, bool pin, string name)
    {
        string[] arguments = ["-t1", "-c50", $"-d{seconds}s", url];
        var result = pin ? Run("taskset", ["-c", "1", wrk, .. arguments]) : Run(wrk, arguments);
        var rate = RequestsPerSecond().Match(result.Output);
        if (result.ExitCode != 0 || !rate.Success)
        {
            throw new InvalidOperationException($"wrk failed against {name} (exit code {result.ExitCode}): {result.Output}{result.Errors}");
        }

        if (result.Output.Contains("Socket errors", StringComparison.Ordinal) || result.Output.Contains("Non-2xx", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"wrk saw errors against {name}: {result.Output}");
        }

        return double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    internal static string DotnetHost() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : EchoComparison.FindOnPath("dotnet") ?? "dotnet";

    internal static (int ExitCode, string Output, string Errors) Run(string fileName, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors.Result);
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();
}
