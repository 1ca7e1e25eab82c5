using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CoopRuntime.Benchmarks.Protocols;

/// <summary>
/// One server of the HTTP or KV comparison: how to start it on a port, on which CPUs, and whether this machine can.
/// Ready means it accepts TCP connections, which works the same for every server, whatever it prints.
/// </summary>
/// <param name="Name">The row's name in the report.</param>
/// <param name="FileName">The program to start.</param>
/// <param name="Arguments">Its arguments, with <c>{port}</c> where the port goes.</param>
/// <param name="Cpus">The taskset CPU list (<c>"0"</c>), or null to let it use every core.</param>
/// <param name="MissingReason">Why it cannot run here, or null.</param>
internal sealed record ServerProcess(string Name, string FileName, IReadOnlyList<string> Arguments, string? Cpus, string? MissingReason)
{
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(30);

    public Process Start(int port, bool pin)
    {
        var arguments = Arguments.Select(a => a.Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)).ToList();
        var info = pin && Cpus is not null
            ? new ProcessStartInfo("taskset", new[] { "-c", Cpus, FileName }.Concat(arguments))
            : new ProcessStartInfo(FileName, arguments);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {Name}.");
        _ = process.StandardOutput.ReadToEndAsync(); // keep draining, so a chatty server never blocks on a full pipe
        var errors = process.StandardError.ReadToEndAsync();
        var waited = Stopwatch.StartNew();
        while (!Accepts(port))
        {
            if (process.HasExited || waited.Elapsed > ReadyLimit)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{Name} did not accept connections on port {port} within {ReadyLimit.TotalSeconds} s: {errors.Result}");
            }

            Thread.Sleep(50);
        }

        return process;
    }

    public static void Stop(Process process)
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Connect(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
