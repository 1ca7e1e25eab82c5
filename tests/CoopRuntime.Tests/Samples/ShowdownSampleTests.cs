using System.Text.Json;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Samples;

/// <summary>Smoke tests of samples/Showdown: it runs to the end with tiny sizes and prints the report's shape.</summary>
public class ShowdownSampleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static readonly string[] CpuModes = ["sequential", "coroutines on one loop", "threads (Parallel.For)", "processes (ProcessPool)"];

    private static readonly string[] IoModes =
        ["sequential", "one thread per request", "thread pool, blocking calls", "thread pool, async/await", "coroutines on one loop"];

    [Fact]
    public async Task Quick_RunsEveryModeAndPrintsTablesChartsAndReading_AndWritesJsonAndMarkdown()
    {
        var directory = Directory.CreateTempSubdirectory("showdown-test-");
        try
        {
            var json = Path.Combine(directory.FullName, "results.json");
            var markdown = Path.Combine(directory.FullName, "results.md");

            var run = await SampleApp.RunAsync("Showdown", Patience, "--quick", "--json", json, "--markdown", markdown);

            Assert.True(run.ExitCode == 0, run.ToString());
            foreach (var expected in new[]
            {
                "CPU-bound: count the primes", "Wall time", "CPU time", "Cores busy", "Speedup", "Speedup over sequential",
                "I/O-bound: requests answered", "Requests/s", "Peak threads", "Peak memory", "Requests per second",
                "What the numbers say",
            }.Concat(CpuModes).Concat(IoModes))
            {
                Assert.True(run.Output.Contains(expected, StringComparison.Ordinal), $"'{expected}' is missing from:\n{run}");
            }

            using var results = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var modes = results.RootElement.GetProperty("results").EnumerateArray()
                .Select(r => (Workload: r.GetProperty("workload").GetString(), Mode: r.GetProperty("mode").GetString(), Wall: r.GetProperty("wallSeconds").GetDouble()))
                .ToArray();
            Assert.Equal(CpuModes, modes.Where(m => m.Workload == "CPU-bound").Select(m => m.Mode));
            Assert.Equal(IoModes.Order(), modes.Where(m => m.Workload == "I/O-bound").Select(m => m.Mode!).Order());
            Assert.All(modes, m => Assert.True(m.Wall > 0, $"{m.Mode} measured no time"));
            Assert.NotEmpty(results.RootElement.GetProperty("reading").EnumerateArray());

            var report = await File.ReadAllTextAsync(markdown);
            Assert.Contains("| Mode | Wall time | CPU time | Cores busy | Speedup | Note |", report);
            Assert.Contains("| Mode | Requests | Wall time | Requests/s | Peak threads | Peak memory | Note |", report);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Help_ListsTheOptionsAndExitsZero()
    {
        var run = await SampleApp.RunAsync("Showdown", Patience, "--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var option in new[] { "--quick", "--markdown FILE", "--json FILE", "--only cpu|io", "--help" })
        {
            Assert.Contains(option, run.Output);
        }
    }

    [Fact]
    public async Task UnknownOption_SaysSoAndExitsTwo()
    {
        var run = await SampleApp.RunAsync("Showdown", Patience, "--fastest");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Unknown option '--fastest'", run.Output);
    }
}
