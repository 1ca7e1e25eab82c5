using Spectre.Console;

namespace Showdown.Measurement;

/// <summary>
/// Runs the modes one after the other under live progress bars. When the output is not an interactive terminal
/// (redirected to a file or a pipe, as in CI), bars cannot be redrawn, so each mode prints one line when it ends.
/// </summary>
internal static class ProgressDisplay
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(100);

    public static IReadOnlyList<ModeResult> Run(IReadOnlyList<ShowdownMode> modes) =>
        AnsiConsole.Profile.Capabilities.Interactive ? RunWithBars(modes) : RunWithLines(modes);

    private static IReadOnlyList<ModeResult> RunWithLines(IReadOnlyList<ShowdownMode> modes)
    {
        var results = new List<ModeResult>();
        foreach (var mode in modes)
        {
            var result = ModeRunner.Run(mode, new ModeContext());
            results.Add(result);
            var outcome = result.Succeeded ? $"done in {Report.Format.Duration(result.WallTime)}" : $"failed after {Report.Format.Duration(result.WallTime)}";
            AnsiConsole.WriteLine($"{mode.Workload}: {mode.Name}: {Report.Format.Count(result.Completed)} of {Report.Format.Count(mode.Items)} {outcome}");
        }

        return results;
    }

    private static IReadOnlyList<ModeResult> RunWithBars(IReadOnlyList<ShowdownMode> modes)
    {
        var results = new List<ModeResult>();
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(progress =>
            {
                var bars = modes.Select(mode => progress.AddTask(Markup.Escape($"{mode.Workload}: {mode.Name}"), autoStart: false, maxValue: mode.Items)).ToArray();
                for (var i = 0; i < modes.Count; i++)
                {
                    var bar = bars[i];
                    var context = new ModeContext();
                    bar.StartTask();
                    // The mode runs on this thread (or blocks it); a timer copies its count into the bar meanwhile.
                    using (new Timer(_ => bar.Value = context.Completed, null, TimeSpan.Zero, RefreshInterval))
                    {
                        results.Add(ModeRunner.Run(modes[i], context));
                    }

                    bar.Value = context.Completed;
                    if (!results[^1].Succeeded)
                    {
                        bar.Description += " [red](failed)[/]";
                    }

                    bar.StopTask();
                }
            });
        return results;
    }
}
