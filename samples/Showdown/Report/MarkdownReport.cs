using System.Text;
using Showdown.Cpu;
using Showdown.Io;
using Showdown.Measurement;

namespace Showdown.Report;

/// <summary>The results as Markdown, for docs: the machine, the two tables and the reading.</summary>
internal static class MarkdownReport
{
    public static string Render(ResultSet results, IReadOnlyList<string> reading, WorkloadSizes sizes, MachineInfo machine)
    {
        var text = new StringBuilder();
        text.AppendLine("# Showdown results").AppendLine();
        text.AppendLine($"Measured on {machine.Summary}, with the {sizes.Name} sizes (`dotnet run -c Release --project samples/Showdown`).").AppendLine();
        if (results.Cpu.Count > 0)
        {
            text.AppendLine($"## {CpuWorkload.Name}: the primes below {Format.Count(sizes.PrimeLimit)} in {sizes.PrimeChunks} chunks").AppendLine();
            AppendTable(text, ReportRows.CpuHeaders, ReportRows.Cpu(results));
        }

        if (results.Io.Count > 0)
        {
            text.AppendLine($"## {IoWorkload.Name}: requests answered after {Format.Duration(sizes.Latency)}").AppendLine();
            AppendTable(text, ReportRows.IoHeaders, ReportRows.Io(results));
        }

        text.AppendLine("## What the numbers say").AppendLine();
        text.AppendLine(string.Join(" ", reading));
        return text.ToString();
    }

    private static void AppendTable(StringBuilder text, string[] headers, IEnumerable<string[]> rows)
    {
        text.AppendLine($"| {string.Join(" | ", headers)} |");
        text.AppendLine($"|{string.Concat(headers.Select(h => h is "Mode" or "Note" ? " --- |" : " ---: |"))}");
        foreach (var row in rows)
        {
            text.AppendLine($"| {string.Join(" | ", row.Select(cell => cell.Replace("|", "\\|", StringComparison.Ordinal)))} |");
        }

        text.AppendLine();
    }
}
