using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace CoopRuntime.Tests.Support;

/// <summary>
/// Runs a sample from samples/ (built by this project's ProjectReferences) as a child process and captures what it
/// prints. Output is redirected, so the samples see a non-interactive console, as in CI.
/// </summary>
internal static class SampleApp
{
    private static readonly string SamplesDirectory = Metadata("SamplesDirectory");
    private static readonly string Configuration = Metadata("SamplesConfiguration");

    /// <summary>The sample's dll, where the build put it.</summary>
    public static string DllPath(string sample) => Path.Combine(SamplesDirectory, sample, "bin", Configuration, "net10.0", sample + ".dll");

    /// <summary>Runs <c>dotnet samples/{sample}/.../{sample}.dll args...</c> to its end; kills it after <paramref name="timeout"/>.</summary>
    public static async Task<SampleRun> RunAsync(string sample, TimeSpan timeout, params string[] args)
    {
        var dll = DllPath(sample);
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"The sample {sample} was not built at {dll}; build tests/CoopRuntime.Tests first.", dll);
        }

        var info = new ProcessStartInfo(TestWorkerApp.DotnetHost)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{sample} {string.Join(' ', args)} ran longer than {timeout}; it printed:\n{await output}\n{await error}");
        }

        return new SampleRun(process.ExitCode, await output, await error);
    }

    private static string Metadata(string key) => typeof(SampleApp).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == key).Value!;
}
