using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace CoopRuntime.Benchmarks.OutOfProcess;

/// <summary>
/// Runs one script variant in a fresh process (Node.js cannot get a fresh event loop any other way) and reads the
/// one JSON line it prints for its measured run. Startup of the interpreter is not in the numbers: the script times
/// its own run.
/// </summary>
internal static class ScriptRunner
{
    public static ScriptSample Run(ScriptRuntime runtime, ScriptWorkload workload, ScriptVariant variant, bool smoke, TimeSpan limit)
    {
        var warmUps = smoke ? 0 : runtime.WarmUpRuns;
        var info = new ProcessStartInfo(runtime.FileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in runtime.Arguments.Concat([workload.Name, variant.Key]).Concat(workload.Arguments))
        {
            info.ArgumentList.Add(argument);
        }

        info.ArgumentList.Add("--warmup");
        info.ArgumentList.Add(warmUps.ToString(CultureInfo.InvariantCulture));

        var what = $"{runtime.Name} {workload.Name}/{variant.Key}";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {what}.");
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what} did not finish within {limit.TotalSeconds:0} s.");
        }

        process.WaitForExit();
        var lastLine = output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (process.ExitCode != 0 || lastLine is null)
        {
            throw new InvalidOperationException($"{what} failed (exit code {process.ExitCode}): {errors.Result}{output.Result}");
        }

        using var json = JsonDocument.Parse(lastLine);
        var root = json.RootElement;
        return new ScriptSample(
            TimeSpan.FromMilliseconds(root.GetProperty("wall_ms").GetDouble()),
            TimeSpan.FromMilliseconds(root.GetProperty("cpu_ms").GetDouble()),
            root.GetProperty("peak_rss_kib").GetInt64(),
            root.TryGetProperty("bytes_per_op", out var bytes) ? bytes.GetDouble() : null);
    }
}
