using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CoopRuntime.Benchmarks.Compare;

namespace CoopRuntime.Benchmarks.Echo;

/// <summary>
/// The TCP echo workload of <c>compare</c>: 64-byte messages over 50 loopback connections, one message in flight
/// per connection, every server in its own process pinned to CPU 0 and the same C load client
/// (Peers/Echo/loadclient.c, compiled here with cc) pinned to CPU 1.
/// </summary>
/// <remarks>
/// Servers: CoopRuntime on the epoll driver (the baseline) and on the portable driver, the idiomatic .NET
/// ThreadPool async-socket server, Node.js <c>net</c>, CPython asyncio in protocol mode, and uvloop (Debian's
/// python3-uvloop under /usr/bin/python3). A peer that is not installed is skipped with a line saying so.
/// Repetitions go round-robin over the servers, so drift of the machine spreads over all of them.
/// </remarks>
internal static class EchoComparison
{
    private const int Connections = 50;
    private const int MessageSize = 64;
    private const string Baseline = "CoopRuntime (epoll driver)";

    public static void Run(TextWriter output, bool smoke, int repetitions)
    {
        var seconds = smoke ? 0.3 : 5.0;
        var warmUp = smoke ? 0.1 : 2.0; // .NET servers need about a second of load before tiered JIT settles
        output.WriteLine("## TCP echo (out of process)");
        output.WriteLine();
        output.WriteLine(
            $"{Connections} loopback connections, {MessageSize}-byte messages, one in flight per connection, {seconds:0.#} s measured after " +
            $"{warmUp:0.#} s of warm-up. Each server runs alone in its own process on CPU 0 (taskset); the same C epoll load " +
            "client (Peers/Echo/loadclient.c) runs on CPU 1. Higher is better; \"CoopRuntime is\" divides CoopRuntime's " +
            "median rate by the row's.");
        output.WriteLine();

        var folder = Path.Combine(AppContext.BaseDirectory, "Peers", "Echo");
        var client = CompileLoadClient(folder, out var compileProblem);
        if (client is null)
        {
            output.WriteLine($"Skipped: {compileProblem}");
            output.WriteLine();
            return;
        }

        var pin = CanPin();
        if (!pin)
        {
            output.WriteLine("Note: taskset is not available, so servers and client are not pinned to separate CPUs.");
            output.WriteLine();
        }

        var servers = Servers(folder);
        foreach (var missing in servers.Where(s => s.MissingReason is not null))
        {
            output.WriteLine($"- Skipped {missing.Name}: {missing.MissingReason}");
        }

        var runnable = servers.Where(s => s.MissingReason is null).ToList();
        var rates = runnable.ToDictionary(s => s.Name, _ => new List<double>());
        for (var repetition = 0; repetition < repetitions; repetition++)
        {
            foreach (var server in runnable)
            {
                rates[server.Name].Add(Measure(server, client, seconds, warmUp, pin));
            }
        }

        output.WriteLine();
        var table = new MarkdownTable(
            ["Server", "Round trips/s (median)", "Min", "Max", "CoopRuntime is"],
            [false, true, true, true, true]);
        var baseline = Median(rates[Baseline]);
        foreach (var server in runnable)
        {
            var samples = rates[server.Name];
            var median = Median(samples);
            table.AddRow(server.Name, Format.Count(median), Format.Count(samples.Min()), Format.Count(samples.Max()), $"{baseline / median:0.00}×");
        }

        output.Write(table.ToString());
        output.WriteLine();
        foreach (var (peer, target) in new[] { ("Node.js net", 1.2), ("uvloop (protocol mode)", 1.0), (".NET ThreadPool async sockets", 1.5) })
        {
            if (rates.TryGetValue(peer, out var peerRates))
            {
                var ratio = baseline / Median(peerRates);
                output.WriteLine($"- Target ≥ {target:0.0}× {peer}: {ratio:0.00}× — {(ratio >= target ? "met" : "missed")}.");
            }
        }

        output.WriteLine();
    }

    private static List<EchoServerProcess> Servers(string folder)
    {
        // This benchmark's own executable serves the .NET variants (echo-server KIND PORT).
        var self = Environment.ProcessPath!;
        var selfArguments = Path.GetFileNameWithoutExtension(self) == "dotnet" ? new[] { typeof(EchoComparison).Assembly.Location } : [];
        var node = FindOnPath("node");
        var python = FindOnPath("python3");
        const string DebianPython = "/usr/bin/python3";
        var uvloopMissing = File.Exists(DebianPython) && Succeeds(DebianPython, "-c", "import uvloop")
            ? null
            : "uvloop is not installed (apt-get install python3-uvloop provides it for /usr/bin/python3)";
        return
        [
            new(Baseline, self, [.. selfArguments, "echo-server", "coop-epoll"], null),
            new("CoopRuntime (portable driver)", self, [.. selfArguments, "echo-server", "coop-portable"], null),
            new(".NET ThreadPool async sockets", self, [.. selfArguments, "echo-server", "threadpool"], null),
            new("Node.js net", node ?? "node", [Path.Combine(folder, "echo_server.js")], node is null ? "node is not on PATH" : null),
            new("CPython asyncio (protocol mode)", python ?? "python3", [Path.Combine(folder, "echo_server.py")], python is null ? "python3 is not on PATH" : null),
            new("uvloop (protocol mode)", DebianPython, [Path.Combine(folder, "echo_server.py"), "--uvloop"], uvloopMissing),
        ];
    }

    private static double Measure(EchoServerProcess server, string client, double seconds, double warmUp, bool pin)
    {
        var port = FreePort();
        using var process = server.Start(port, pin ? 0 : null);
        try
        {
            string[] clientArguments =
            [
                "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), Connections.ToString(CultureInfo.InvariantCulture),
                seconds.ToString(CultureInfo.InvariantCulture), MessageSize.ToString(CultureInfo.InvariantCulture),
                warmUp.ToString(CultureInfo.InvariantCulture),
            ];
            var info = pin ? new ProcessStartInfo("taskset", new[] { "-c", "1", client }.Concat(clientArguments)) : new ProcessStartInfo(client, clientArguments);
            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
            using var load = Process.Start(info)!;
            var text = load.StandardOutput.ReadToEnd();
            var errors = load.StandardError.ReadToEnd();
            load.WaitForExit();
            var rate = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(part => part.StartsWith("rate=", StringComparison.Ordinal));
            if (load.ExitCode != 0 || rate is null)
            {
                throw new InvalidOperationException($"The load client failed against {server.Name} (exit code {load.ExitCode}): {text}{errors}");
            }

            return double.Parse(rate["rate=".Length..], CultureInfo.InvariantCulture);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    private static string? CompileLoadClient(string folder, out string problem)
    {
        var compiler = FindOnPath("cc") ?? FindOnPath("gcc");
        if (compiler is null)
        {
            problem = "no C compiler (cc or gcc) to build the load client.";
            return null;
        }

        var output = Path.Combine(Path.GetTempPath(), $"coop-loadclient-{Environment.ProcessId}");
        var info = new ProcessStartInfo(compiler, ["-O2", "-o", output, Path.Combine(folder, "loadclient.c")]) { RedirectStandardError = true };
        using var build = Process.Start(info)!;
        var errors = build.StandardError.ReadToEnd();
        build.WaitForExit();
        problem = build.ExitCode == 0 ? string.Empty : $"the load client did not compile: {errors}";
        return build.ExitCode == 0 ? output : null;
    }

    internal static bool CanPin() => Environment.ProcessorCount >= 2 && FindOnPath("taskset") is not null;

    internal static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    internal static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    private static bool Succeeds(string fileName, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(fileName, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
