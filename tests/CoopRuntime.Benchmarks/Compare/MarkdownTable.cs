using System.Text;

namespace CoopRuntime.Benchmarks.Compare;

/// <summary>A Markdown table whose columns are padded, so it reads in a terminal as well as rendered.</summary>
internal sealed class MarkdownTable(IReadOnlyList<string> headers, IReadOnlyList<bool> rightAligned)
{
    private readonly List<string[]> _rows = new();

    public void AddRow(params string[] cells)
    {
        if (cells.Length != headers.Count)
        {
            throw new ArgumentException($"A row needs {headers.Count} cells, got {cells.Length}.", nameof(cells));
        }

        _rows.Add(cells);
    }

    public override string ToString()
    {
        var widths = headers.Select((h, i) => Math.Max(3, _rows.Select(r => r[i].Length).Append(h.Length).Max())).ToArray();
        var text = new StringBuilder();
        AppendLine(text, headers, widths);
        text.Append('|');
        for (var i = 0; i < widths.Length; i++)
        {
            text.Append(' ').Append(new string('-', widths[i] - 1)).Append(rightAligned[i] ? ':' : '-').Append(" |");
        }

        text.AppendLine();
        foreach (var row in _rows)
        {
            AppendLine(text, row, widths);
        }

        return text.ToString();
    }

    private void AppendLine(StringBuilder text, IReadOnlyList<string> cells, int[] widths)
    {
        text.Append('|');
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = rightAligned[i] ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]);
            text.Append(' ').Append(cell).Append(" |");
        }

        text.AppendLine();
    }
}
