using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;

namespace CoopRuntime.Benchmarks.Compare;

/// <summary>The machine a report was measured on; numbers mean nothing without it.</summary>
internal static class MachineInfo
{
    public static IEnumerable<string> Describe()
    {
        yield return $"- Cores: {Environment.ProcessorCount}";
        yield return $"- CPU: {CpuModel()}";
        yield return $"- OS: {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})";
        yield return $"- .NET: {RuntimeInformation.FrameworkDescription}";
        yield return $"- GC: {(GCSettings.IsServerGC ? "server" : "workstation")}, {(GCSettings.LatencyMode == GCLatencyMode.Batch ? "non-concurrent" : "concurrent")}";
    }

    /// <summary>The version the assembly's package was published as (its informational version, without a commit suffix).</summary>
    public static string PackageVersion(Type typeInAssembly)
    {
        var assembly = typeInAssembly.Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "unknown";
    }

    /// <summary>
    /// The 1, 5 and 15 minute load averages: on a shared two-core machine another process's build changes every
    /// number here, so the report says how busy the machine was.
    /// </summary>
    public static string LoadAverage()
    {
        const string LoadAvg = "/proc/loadavg";
        return File.Exists(LoadAvg)
            ? string.Join(" / ", File.ReadAllText(LoadAvg).Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3))
            : "unknown";
    }

    private static string CpuModel()
    {
        const string CpuInfo = "/proc/cpuinfo";
        if (!File.Exists(CpuInfo))
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }

        // x86 kernels say "model name"; some ARM kernels only give "Hardware" or "CPU part".
        foreach (var key in new[] { "model name", "Hardware", "CPU part" })
        {
            var line = File.ReadLines(CpuInfo).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            if (line is not null && line.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
