using Showdown.Cpu;
using Showdown.Io;
using Showdown.Measurement;
using Showdown.Report;
using Spectre.Console;

namespace Showdown;

/// <summary>The showdown from start to end: explain, measure every mode with progress bars, then report.</summary>
internal static class ShowdownApp
{
    private const int RedirectedWidth = 140;

    public static int Run(ShowdownOptions options)
    {
        var sizes = options.Sizes;
        if (!AnsiConsole.Profile.Capabilities.Interactive && Console.IsOutputRedirected)
        {
            // Redirected output has no window to measure; Spectre would assume 80 columns and wrap every table row.
            AnsiConsole.Profile.Width = RedirectedWidth;
        }

        var machine = MachineInfo.Describe();
        AnsiConsole.MarkupLine("[bold]Showdown[/]: the same work run sequentially, on threads, in processes and as coroutines.");
        AnsiConsole.MarkupLine($"Measured now, on this machine: [bold]{Markup.Escape(machine.Summary)}[/]. Sizes: {sizes.Name}.");
        if (MachineInfo.LibraryIsUnoptimized)
        {
            AnsiConsole.MarkupLine("[yellow]CoopRuntime was built without optimizations (Debug): the loop modes run slower than they can. " +
                                   "For fair numbers: dotnet run -c Release --project samples/Showdown[/]");
        }

        AnsiConsole.WriteLine();

        IReadOnlyList<ModeResult> results;
        using (var server = options.RunIo ? LatencyServerProcess.Start(sizes.Latency) : null)
        {
            var modes = (options.RunCpu ? CpuWorkload.Modes(sizes) : [])
                .Concat(server is null ? [] : IoWorkload.Modes(sizes, () => server.EndPoint))
                .ToArray();
            // Warm up first, outside the measurements: the JIT compiles the hot code and the server's first burst of
            // connections runs before any mode, so the first mode measured does not pay for everyone's start-up.
            if (options.RunCpu)
            {
                CpuWorkload.WarmUp();
            }

            if (server is not null)
            {
                IoWorkload.WarmUp(server.EndPoint);
            }

            results = ProgressDisplay.Run(modes);
        }

        var resultSet = new ResultSet(results);
        var reading = ResultReading.Read(resultSet, sizes, machine);
        ConsoleReport.Write(resultSet, reading, sizes);
        if (options.MarkdownPath is { } markdownPath)
        {
            File.WriteAllText(markdownPath, MarkdownReport.Render(resultSet, reading, sizes, machine));
            AnsiConsole.MarkupLine($"Markdown report written to [bold]{Markup.Escape(markdownPath)}[/].");
        }

        if (options.JsonPath is { } jsonPath)
        {
            File.WriteAllText(jsonPath, JsonReport.Render(resultSet, reading, sizes, machine));
            AnsiConsole.MarkupLine($"JSON results written to [bold]{Markup.Escape(jsonPath)}[/].");
        }

        return 0; // a failed mode is a result, shown in the table, not a failed showdown
    }
}
