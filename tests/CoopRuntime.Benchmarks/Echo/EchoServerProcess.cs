using System.Diagnostics;

namespace CoopRuntime.Benchmarks.Echo;

/// <summary>One echo server of the comparison: how to start it, and whether this machine can.</summary>
/// <param name="Name">The row's name in the report.</param>
/// <param name="FileName">The program to start.</param>
/// <param name="Arguments">Its arguments; the port is appended.</param>
/// <param name="MissingReason">Why this server cannot run here (a peer that is not installed), or null.</param>
internal sealed record EchoServerProcess(string Name, string FileName, IReadOnlyList<string> Arguments, string? MissingReason)
{
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(20);

    /// <summary>Starts the server on <paramref name="port"/>, pinned to <paramref name="cpu"/>, and waits until it prints "ready".</summary>
    public Process Start(int port, int? cpu)
    {
        var arguments = Arguments.Append(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var info = cpu is { } core
            ? new ProcessStartInfo("taskset", new[] { "-c", core.ToString(System.Globalization.CultureInfo.InvariantCulture), FileName }.Concat(arguments))
            : new ProcessStartInfo(FileName, arguments);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {Name}.");
        var ready = process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(ReadyLimit) || ready.Result != "ready")
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException(
                $"The {Name} echo server did not say \"ready\" within {ReadyLimit.TotalSeconds} s: {process.StandardError.ReadToEnd()}");
        }

        // Keep draining its output so a chatty server never blocks on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }
}
