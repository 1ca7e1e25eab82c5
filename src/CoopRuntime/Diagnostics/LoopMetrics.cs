using System.Diagnostics.Metrics;

namespace CoopRuntime;

/// <summary>
/// The <c>CoopRuntime</c> meter: one set of instruments for the process, each measurement tagged <c>loop</c> with the
/// loop's name. Everything except the iteration-duration histogram is observable: the instruments read the loops'
/// counters when a collector asks (dotnet-counters, OpenTelemetry, a <see cref="MeterListener"/>), so the loop pays
/// nothing for them on its plain path.
/// </summary>
/// <remarks>
/// <para>Collection reads loop fields from the collector's thread without locks: each value is a single aligned read
/// (torn-free), possibly a moment stale. Nothing is written.</para>
/// <para>Timings (time blocked in I/O wait, iteration duration) need clock reads per iteration, and the callbacks count
/// an addition per iteration, so a loop keeps them only on its diagnostics path: in debug mode, with the watchdog on, or
/// from the first collection of its observable instruments on (collection switches the loop to that path). Counts
/// (iterations, queue depth, timers, tasks, coroutines, sockets) are always exact.</para>
/// </remarks>
internal static class LoopMetrics
{
    public const string MeterName = "CoopRuntime";
    public const string LoopTag = "loop";

    private static readonly object s_lock = new();
    private static readonly List<WeakReference<EventLoop>> s_loops = new();
    private static readonly object s_createLock = new();
    private static readonly TimeSpan InstrumentsDelay = TimeSpan.FromSeconds(1);
    private static int s_instrumentsQueued;
    private static int s_pruneAt = 64;
    private static Timer? s_createTimer;
    private static Meter? s_meter;
    private static volatile Histogram<double>? s_iterationDuration;

    /// <summary>The iteration-duration histogram, or null until the instruments exist.</summary>
    public static Histogram<double>? IterationDuration => s_iterationDuration;

    /// <summary>
    /// Creates the meter and its instruments once. Creating the first <see cref="Meter"/> of a process initializes the
    /// runtime's metrics machinery, which took ~100 ms of CPU on the development machine (2 cores), and doing it on the
    /// thread pool at once still slowed the first loop's start as much (they compete for the cores and the JIT). So the
    /// first loop schedules it one second later, on a timer thread; tests call it directly to collect at once.
    /// </summary>
    public static void EnsureInstruments()
    {
        // Its own lock: loops register under s_lock meanwhile without waiting for the meter.
        lock (s_createLock)
        {
            if (s_meter is not null)
            {
                return;
            }

            var meter = new Meter(MeterName, typeof(EventLoop).Assembly.GetName().Version?.ToString());
            meter.CreateObservableCounter("coopruntime.loop.iterations", () => Observe(static l => l.Iteration), "{iteration}", "Iterations the loop has begun.");
            meter.CreateObservableCounter("coopruntime.loop.callbacks", () => Observe(static l => l.CallbacksRun), "{callback}", "Callbacks the loop has run (continuations, timers, coroutine steps included), counted once timings are on.");
            meter.CreateObservableGauge("coopruntime.loop.ready_queue.depth", () => Observe(static l => l.ReadyCount), "{callback}", "Callbacks waiting in the ready queue.");
            meter.CreateObservableUpDownCounter("coopruntime.loop.timers.pending", () => Observe(static l => l.PendingTimerCount), "{timer}", "Timers scheduled and not yet fired or cancelled.");
            meter.CreateObservableUpDownCounter("coopruntime.loop.tasks.live", () => Observe(static l => l.LiveTaskCount), "{task}", "Spawned tasks that have not finished.");
            meter.CreateObservableUpDownCounter("coopruntime.loop.coroutines.live", () => Observe(static l => l.LiveCoroutineCount), "{coroutine}", "Coroutines that have not finished.");
            meter.CreateObservableUpDownCounter("coopruntime.loop.sockets.open", () => Observe(static l => l.OpenSocketCount), "{socket}", "Sockets the loop's I/O driver has open.");
            meter.CreateObservableCounter("coopruntime.loop.io_wait.time", () => Observe(static l => l.IoWaitSeconds), "s", "Time the loop spent blocked waiting for I/O, timers or posts (measured once timings are on).");
            s_iterationDuration = meter.CreateHistogram<double>(
                "coopruntime.loop.iteration.duration",
                unit: "s",
                description: "How long the loop took per iteration, from the end of its wait for I/O to the end of its batch of callbacks.");
            s_meter = meter;
            s_createTimer?.Dispose();
        }
    }

    /// <summary>Makes <paramref name="loop"/> visible to the instruments until <see cref="Remove"/>.</summary>
    public static void Add(EventLoop loop)
    {
        lock (s_lock)
        {
            if (s_loops.Count >= s_pruneAt)
            {
                // Loops that were never disposed leave dead references; drop them before the list doubles.
                s_loops.RemoveAll(static w => !w.TryGetTarget(out _));
                s_pruneAt = Math.Max(64, s_loops.Count * 2);
            }

            s_loops.Add(new WeakReference<EventLoop>(loop));
        }

        if (Interlocked.Exchange(ref s_instrumentsQueued, 1) == 0)
        {
            // Not now and not on this thread: see EnsureInstruments. A program that ends sooner never pays for a meter
            // nobody could have watched.
            s_createTimer = new Timer(static _ => EnsureInstruments(), null, InstrumentsDelay, Timeout.InfiniteTimeSpan);
        }
    }

    public static void Remove(EventLoop loop)
    {
        lock (s_lock)
        {
            s_loops.RemoveAll(w => !w.TryGetTarget(out var l) || l == loop);
        }
    }

    private static List<Measurement<T>> Observe<T>(Func<EventLoop, T> read)
        where T : struct
    {
        var measurements = new List<Measurement<T>>();
        lock (s_lock)
        {
            for (var i = s_loops.Count - 1; i >= 0; i--)
            {
                if (!s_loops[i].TryGetTarget(out var loop))
                {
                    s_loops.RemoveAt(i);
                    continue;
                }

                // Someone collects: from now on this loop measures its timings too.
                loop.EnableTimingsFromAnyThread();
                measurements.Add(new Measurement<T>(read(loop), new KeyValuePair<string, object?>(LoopTag, loop.Name)));
            }
        }

        measurements.Reverse();
        return measurements;
    }
}
