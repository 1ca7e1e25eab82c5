using System.Diagnostics;

namespace CoopRuntime.Tests.Samples;

/// <summary>A command-line tool the sample tests drive (curl, wrk, redis-cli, redis-benchmark), found on PATH.</summary>
internal sealed record ExternalTool(string Name, string AptPackage)
{
    /// <summary>A safety net against a hung tool, not a timing assertion.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(120);

    public static readonly ExternalTool Curl = new("curl", "curl");
    public static readonly ExternalTool Wrk = new("wrk", "wrk");
    public static readonly ExternalTool RedisCli = new("redis-cli", "redis-tools");
    public static readonly ExternalTool RedisBenchmark = new("redis-benchmark", "redis-tools");

    public string? Path => FindOnPath(Name);

    /// <summary>Skips the calling test, saying what to install, when the tool is not on PATH.</summary>
    public string Require()
    {
        var path = Path;
        Skip.If(path is null, $"{Name} is not installed; install it with: apt-get install -y {AptPackage} (.ci/run does).");
        return path!;
    }

    /// <summary>Runs the tool to completion (fed <paramref name="input"/> on stdin) and returns its exit code and output.</summary>
    public ToolResult Run(IEnumerable<string> arguments, string? input = null) => RunProcess(Require(), arguments, input);

    public static ToolResult RunProcess(string fileName, IEnumerable<string> arguments, string? input = null)
    {
        var info = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(HangGuard))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {HangGuard.TotalSeconds} s.");
        }

        var result = new ToolResult(process.ExitCode, output.Result, errors.Result);

        // Process.Dispose leaves redirected streams open once they were handed out; their pipes would then close
        // whenever the finalizer runs, which shows up in other tests that count this process's file descriptors.
        process.StandardOutput.Dispose();
        process.StandardError.Dispose();
        return result;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => System.IO.Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>What a finished tool run returned.</summary>
internal sealed record ToolResult(int ExitCode, string Output, string Errors)
{
    public override string ToString() => $"exit code {ExitCode}\nstdout:\n{Output}\nstderr:\n{Errors}";
}
