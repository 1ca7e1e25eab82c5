namespace CoopRuntime.Benchmarks.Compare;

/// <summary>The command line of <c>compare</c>: full or smoke sizes, how many measured repetitions, where to draw the chart.</summary>
internal sealed record CompareOptions(bool Smoke, int Repetitions, string? ChartPath = null)
{
    private const int DefaultRepetitions = 5;

    public static bool TryParse(ReadOnlySpan<string> args, out CompareOptions options, out string error)
    {
        var smoke = false;
        int? repetitions = null;
        string? chartPath = null;
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
                default:
                    options = new CompareOptions(false, DefaultRepetitions);
                    error = $"Unknown or incomplete option '{args[i]}'.";
                    return false;
            }
        }

        // Smoke runs only prove that every workload still runs to completion on every peer, so one repetition is enough.
        options = new CompareOptions(smoke, repetitions ?? (smoke ? 1 : DefaultRepetitions), chartPath);
        error = string.Empty;
        return true;
    }
}
