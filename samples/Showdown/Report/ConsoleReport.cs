using Showdown.Cpu;
using Showdown.Io;
using Spectre.Console;

namespace Showdown.Report;

/// <summary>The terminal report: a table and a bar chart per workload, then the reading.</summary>
internal static class ConsoleReport
{
    public static void Write(ResultSet results, IReadOnlyList<string> reading, WorkloadSizes sizes)
    {
        AnsiConsole.WriteLine();
        if (results.Cpu.Count > 0)
        {
            WriteCpu(results, sizes);
        }

        if (results.Io.Count > 0)
        {
            WriteIo(results, sizes);
        }

        AnsiConsole.Write(new Rule("[bold]What the numbers say[/]").LeftJustified());
        foreach (var sentence in reading)
        {
            AnsiConsole.WriteLine(sentence);
        }

        AnsiConsole.WriteLine();
    }

    private static void WriteCpu(ResultSet results, WorkloadSizes sizes)
    {
        WriteTable($"{CpuWorkload.Name}: count the primes below {Format.Count(sizes.PrimeLimit)} in {sizes.PrimeChunks} chunks",
            ReportRows.CpuHeaders, ReportRows.Cpu(results),
            "Cores busy = CPU time / wall time. Speedup = sequential wall time / this wall time.");
        WriteChart("Speedup over sequential (higher is better)", results.Cpu
            .Select(r => (r.Mode, results.Speedup(r) ?? 0)), Color.Green);
    }

    private static void WriteIo(ResultSet results, WorkloadSizes sizes)
    {
        WriteTable($"{IoWorkload.Name}: requests answered after {Format.Duration(sizes.Latency)} by a local server",
            ReportRows.IoHeaders, ReportRows.Io(results),
            "Slow modes run fewer requests (see Requests), so compare Requests/s. Peak threads and memory are this process's, " +
            "sampled every 5 ms; (+n) is the growth over the start of the mode.");
        WriteChart("Requests per second (higher is better)", results.Io
            .Select(r => (r.Mode, r.Succeeded ? r.ItemsPerSecond : 0)), Color.Blue);
    }

    private static void WriteTable(string title, string[] headers, IEnumerable<string[]> rows, string caption)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)), Caption = new TableTitle(Markup.Escape(caption)) };
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(header) { Alignment = header is "Mode" or "Note" ? Justify.Left : Justify.Right });
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(cell => new Markup(cell == "failed" ? "[red]failed[/]" : Markup.Escape(cell))).ToArray());
        }

        AnsiConsole.Write(table);
        AnsiConsole.WriteLine();
    }

    private static void WriteChart(string title, IEnumerable<(string Label, double Value)> bars, Color color)
    {
        var chart = new BarChart().Label(Markup.Escape(title)).LeftAlignLabel().Width(70);
        foreach (var (label, value) in bars)
        {
            chart.AddItem(Markup.Escape(label), Math.Round(value, 1), color);
        }

        AnsiConsole.Write(chart);
        AnsiConsole.WriteLine();
    }
}
