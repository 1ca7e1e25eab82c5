using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace CoopRuntime.Tests.Support;

/// <summary>Starts tests/CoopRuntime.TestWorker (built by this project's ProjectReference) and sends it signals.</summary>
internal static class TestWorkerApp
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGUSR1 = 10; // Linux numbering (x86-64 and ARM)

    /// <summary>The worker's dll, recorded at build time.</summary>
    public static string DllPath { get; } = typeof(TestWorkerApp).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TestWorkerPath").Value!;

    /// <summary>The dotnet host: the one running these tests when it is dotnet itself, otherwise the one on PATH.</summary>
    public static string DotnetHost { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath ? hostPath
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath!
        : "dotnet";

    /// <summary>Start info for <c>dotnet CoopRuntime.TestWorker.dll args...</c>.</summary>
    public static ProcessStartInfo StartInfo(params string[] args)
    {
        if (!File.Exists(DllPath))
        {
            throw new FileNotFoundException($"The test worker was not built at {DllPath}; build tests/CoopRuntime.Tests first.", DllPath);
        }

        var info = new ProcessStartInfo(DotnetHost) { UseShellExecute = false };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    /// <summary>
    /// Whether process <paramref name="pid"/> ignores <paramref name="signal"/> (SIG_IGN, from /proc): a process started
    /// under <c>nohup</c> ignores SIGHUP, one started in the background by a shell without job control ignores SIGINT,
    /// and children inherit both; .NET leaves an inherited SIG_IGN in place, so handlers for it never run.
    /// </summary>
    public static bool IgnoresSignal(int pid, int signal)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (signal - 1))) != 0;
    }

    /// <summary>Sends a signal with kill(2).</summary>
    public static void Kill(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    // DllImport rather than LibraryImport: the source-generated stub needs unsafe code, which this project does not enable.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
