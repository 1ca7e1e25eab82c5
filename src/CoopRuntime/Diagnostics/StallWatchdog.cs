using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CoopRuntime;

/// <summary>
/// One background thread per process that watches every loop with <see cref="EventLoopOptions.StallWatchdog"/> on. A
/// loop is stalled when its thread has been inside one callback (not in the driver's wait) for longer than its
/// <see cref="EventLoopOptions.StallThreshold"/>; the watchdog reports that once, naming the callback, and reports
/// again when the stall ends.
/// </summary>
/// <remarks>
/// <para>The thread reads only what the loop publishes through volatile fields (<see cref="LoopDiagnostics"/>) and the
/// loop's thread-safe state; it never touches loop state. It checks four times per smallest threshold (at least every
/// 5 ms), so a stall is seen between 1 and 1.25 thresholds after it began. With no loop to watch it blocks without a
/// timeout, so an idle process pays nothing.</para>
/// <para>.NET cannot read another thread's stack, so the report names the callback the loop entered, not the line
/// it is stuck on.</para>
/// </remarks>
internal static class StallWatchdog
{
    private static readonly object s_lock = new();
    private static readonly List<Watch> s_watches = new();
    private static Thread? s_thread;

    public static void Add(LoopDiagnostics diagnostics)
    {
        lock (s_lock)
        {
            s_watches.Add(new Watch(diagnostics));
            if (s_thread is null)
            {
                s_thread = new Thread(Run) { IsBackground = true, Name = "CoopRuntime stall watchdog" };
                s_thread.UnsafeStart();
            }

            Monitor.PulseAll(s_lock);
        }
    }

    public static void Remove(LoopDiagnostics diagnostics)
    {
        var reports = new List<Action>();
        lock (s_lock)
        {
            foreach (var watch in s_watches)
            {
                if (watch.Diagnostics == diagnostics)
                {
                    watch.ReportEndIfStalled(Stopwatch.GetTimestamp(), reports);
                }
            }

            s_watches.RemoveAll(w => w.Diagnostics == diagnostics);
        }

        foreach (var report in reports)
        {
            report();
        }
    }

    private static void Run()
    {
        var reports = new List<Action>();
        while (true)
        {
            lock (s_lock)
            {
                if (s_watches.Count == 0)
                {
                    Monitor.Wait(s_lock);
                    continue;
                }

                var period = TimeSpan.MaxValue;
                var now = Stopwatch.GetTimestamp();
                for (var i = s_watches.Count - 1; i >= 0; i--)
                {
                    var watch = s_watches[i];
                    if (!watch.Check(now, reports))
                    {
                        s_watches.RemoveAt(i); // the loop was collected without being disposed
                        continue;
                    }

                    var threshold = watch.Diagnostics.StallThreshold;
                    period = threshold < period ? threshold : period;
                }

                var sleep = s_watches.Count == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(Math.Max(period.Ticks / 4, TimeSpan.TicksPerMillisecond * 5));
                if (reports.Count == 0)
                {
                    Monitor.Wait(s_lock, sleep);
                    continue;
                }
            }

            // Reports run outside the lock: a slow logger must not block loops from registering.
            foreach (var report in reports)
            {
                report();
            }

            reports.Clear();
        }
    }

    private sealed class Watch(LoopDiagnostics diagnostics)
    {
        private long _lastProgress = -1;
        private long _since;
        private bool _reported;
        private string? _stuckIn;

        public LoopDiagnostics Diagnostics { get; } = diagnostics;

        /// <summary>After a reported stall, queues the report that it is over. Called under the watchdog's lock.</summary>
        public void ReportEndIfStalled(long now, List<Action> reports)
        {
            if (!_reported)
            {
                return;
            }

            _reported = false;
            var stalled = LoopDiagnostics.FromStopwatchTicks(now - _since);
            var what = _stuckIn;
            var sinks = Diagnostics.Sinks;
            reports.Add(() => sinks.Report(
                LogLevel.Information,
                LoopDiagnosticKind.StallEnded,
                $"Loop '{sinks.LoopName}' is running again after a stall of about {stalled.TotalMilliseconds:F0} ms in {what}.",
                what,
                stalled,
                null));
        }

        /// <summary>Looks at the loop once; returns false when the loop is gone.</summary>
        public bool Check(long now, List<Action> reports)
        {
            var loop = Diagnostics.Loop;
            if (loop is null)
            {
                return false;
            }

            var progress = Diagnostics.Progress;
            var busy = loop.IsActive && !Diagnostics.InDriverWait;
            if (progress != _lastProgress || !busy)
            {
                ReportEndIfStalled(now, reports);
                _lastProgress = progress;
                _since = now;
                return true;
            }

            var elapsed = LoopDiagnostics.FromStopwatchTicks(now - _since);
            if (!_reported && elapsed >= Diagnostics.StallThreshold)
            {
                _reported = true;
                var callback = Diagnostics.CurrentCallback;
                var what = callback is null ? "the loop itself (between callbacks)" : CallbackNames.Describe(callback, Diagnostics.CurrentState);
                _stuckIn = what;
                var debug = Diagnostics.Debug;
                var sinks = Diagnostics.Sinks;
                reports.Add(() => sinks.Report(
                    LogLevel.Warning, LoopDiagnosticKind.Stall, StallMessage(sinks.LoopName, what, elapsed, debug), what, elapsed, null));
            }

            return true;
        }
    }

    internal static string StallMessage(string loopName, string what, TimeSpan elapsed, bool debug)
    {
        var message =
            $"Loop '{loopName}' is stalled: its thread has been inside one callback for {elapsed.TotalMilliseconds:F0} ms " +
            $"without returning to the loop. Running: {what}.";
        if (debug)
        {
            message +=
                " What to check: code that computes for a long time without 'await EventLoop.Yield()'; blocking calls " +
                "(Thread.Sleep, synchronous I/O, a lock held by another thread) instead of their async versions; and " +
                "'.Result', '.Wait()' or 'GetAwaiter().GetResult()' on a task that needs this loop to finish. The last is a " +
                "deadlock (the loop thread is the one waiting, so the task can never complete): await it instead. In debug " +
                "mode such a wait throws an InvalidOperationException once it has lasted the stall threshold.";
        }
        else
        {
            message += " If it is blocked in '.Result' or '.Wait()' on work that needs this loop, that is a deadlock: await it instead. " +
                "EventLoopOptions.Debug = true turns such waits into exceptions and names slow callbacks.";
        }

        return message;
    }
}
