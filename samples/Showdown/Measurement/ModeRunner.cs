using System.Diagnostics;

namespace Showdown.Measurement;

/// <summary>Runs one mode and measures it: wall time, CPU time, peak threads and working set.</summary>
internal static class ModeRunner
{
    /// <summary>Runs <paramref name="mode"/>; a mode that throws becomes a result with an error, never a crash.</summary>
    /// <param name="mode">The mode.</param>
    /// <param name="context">Counts finished items; the caller's progress bar reads it while the mode runs.</param>
    public static ModeResult Run(ShowdownMode mode, ModeContext context)
    {
        // Start every mode from a collected heap, so one mode's garbage is not charged to the next.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        string? error = null;
        var sampler = new ResourceSampler();
        var clock = Stopwatch.StartNew();
        try
        {
            mode.Run(context);
        }
        catch (Exception exception)
        {
            error = Describe(exception);
        }

        clock.Stop();
        sampler.Dispose();
        self.Refresh();
        var cpu = self.TotalProcessorTime - cpuBefore + context.ChildCpuTime;
        if (error is null && context.Completed != mode.Items)
        {
            error = $"finished {context.Completed:N0} of {mode.Items:N0} items";
        }

        return new ModeResult(
            mode.Workload, mode.Name, mode.Items, context.Completed, clock.Elapsed, cpu,
            sampler.PeakThreads, sampler.ThreadsBefore, sampler.PeakWorkingSet, sampler.WorkingSetBefore,
            context.Note, error);
    }

    private static string Describe(Exception exception)
    {
        var inner = exception is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[0] : exception;
        return $"{inner.GetType().Name}: {inner.Message}";
    }
}
