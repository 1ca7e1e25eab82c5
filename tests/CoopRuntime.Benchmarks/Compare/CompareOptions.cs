namespace CoopRuntime.Benchmarks.Compare;

/// <summary>
/// The command line of <c>compare</c>: full or smoke sizes, how many measured repetitions, where to draw the chart, and
/// optionally which workloads (<c>--only text</c>: those whose title contains the text, for example <c>"4b"</c>,
/// <c>"echo"</c>, <c>"http"</c> or <c>"key-value"</c>).
/// </summary>
internal sealed record CompareOptions(bool Smoke, int Repetitions, string? ChartPath = null, string? Only = null)
{
    /// <summary>Whether the workload titled <paramref name="title"/> runs.</summary>
    public bool Runs(string title) => Only is null || title.Contains(Only, StringComparison.OrdinalIgnoreCase);

    private const int DefaultRepetitions = 5;

    public static bool TryParse(ReadOnlySpan<string> args, out CompareOptions options, out string error)
    {
        var smoke = false;
        int? repetitions = null;
        string? chartPath = null;
        string? only = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--smoke":
                    smoke = true;
                    break;
                case "--repetitions" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0:
                    repetitions = n;
                    i++;
                    break;
                case "--chart" when i + 1 < args.Length:
                    chartPath = args[i + 1];
                    i++;
                    break;
                case "--only" when i + 1 < args.Length:
                    only = args[i + 1];
                    i++;
                    break;
                default:
                    options = new CompareOptions(false, DefaultRepetitions);
                    error = $"Unknown or incomplete option '{args[i]}'.";
                    return false;
            }
        }

        // Smoke runs only prove that every workload still runs to completion on every peer, so one repetition is enough.
        options = new CompareOptions(smoke, repetitions ?? (smoke ? 1 : DefaultRepetitions), chartPath, only);
        error = string.Empty;
        return true;
    }
}
