using System.Collections;
using System.Diagnostics.Metrics;
using System.Net;

namespace CoopRuntime.Tests.Diagnostics;

/// <summary>The CoopRuntime meter, read back with a MeterListener.</summary>
public sealed class MetricsTests : IDisposable
{
    private readonly object _lock = new();
    private readonly List<(string Instrument, double Value, string? Loop)> _measurements = new();
    private readonly MeterListener _listener = new();

    public MetricsTests()
    {
        LoopMetrics.EnsureInstruments(); // the first loop creates them on the thread pool; these tests collect at once
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "CoopRuntime")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? loop = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "loop")
            {
                loop = tag.Value as string;
            }
        }

        lock (_lock)
        {
            _measurements.Add((instrument.Name, value, loop));
        }
    }

    private Dictionary<string, double> Collect(string loop)
    {
        lock (_lock)
        {
            _measurements.Clear();
        }

        _listener.RecordObservableInstruments();
        lock (_lock)
        {
            return _measurements.Where(m => m.Loop == loop).GroupBy(m => m.Instrument).ToDictionary(g => g.Key, g => g.Last().Value);
        }
    }

    private int HistogramCount(string loop)
    {
        lock (_lock)
        {
            return _measurements.Count(m => m.Loop == loop && m.Instrument == "coopruntime.loop.iteration.duration");
        }
    }

    [Fact]
    public void ObservableInstruments_ReportTheLoopsCounts_TaggedWithItsName()
    {
        static IEnumerator Blink()
        {
            while (true)
            {
                yield return Wait.Seconds(1);
            }
        }

        Dictionary<string, double> during = null!;
        EventLoop.Run(
            async () =>
            {
                var loop = EventLoop.Current!;
                _ = loop.Spawn(ct => EventLoop.Sleep(TimeSpan.FromHours(1), ct).AsTask(), name: "a");
                _ = loop.Spawn(ct => EventLoop.Sleep(TimeSpan.FromHours(1), ct).AsTask(), name: "b");
                _ = loop.Start(Blink(), name: "blink");
                loop.CallLater(TimeSpan.FromHours(2), () => { });
                using var socket = UdpSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                Collect("metrics-counts"); // the first collection turns on timings and the callbacks count
                for (var i = 0; i < 10; i++)
                {
                    await EventLoop.Yield();
                }

                loop.CallSoon(() => { });
                loop.CallSoon(() => { });
                during = Collect("metrics-counts");
            },
            new EventLoopOptions { Clock = new VirtualClock(), Name = "metrics-counts" });

        Assert.True(during["coopruntime.loop.iterations"] >= 10);
        Assert.True(during["coopruntime.loop.callbacks"] >= 10);
        Assert.Equal(2, during["coopruntime.loop.tasks.live"]);
        Assert.Equal(1, during["coopruntime.loop.coroutines.live"]);
        Assert.True(during["coopruntime.loop.timers.pending"] >= 4); // two sleeps, the coroutine's timer, CallLater
        Assert.Equal(2, during["coopruntime.loop.ready_queue.depth"]);
        Assert.Equal(1, during["coopruntime.loop.sockets.open"]);
        Assert.True(during.ContainsKey("coopruntime.loop.io_wait.time"));

        // A closed loop is no longer reported.
        Assert.Empty(Collect("metrics-counts"));
    }

    [Fact]
    public void Timings_StartWithTheFirstCollection_AndFeedTheIterationHistogram()
    {
        int before = -1, after = -1;
        double ioWait = -1;
        EventLoop.Run(
            async () =>
            {
                for (var i = 0; i < 5; i++)
                {
                    await EventLoop.Yield();
                }

                before = HistogramCount("metrics-timings");
                Collect("metrics-timings"); // turns timings on for this loop
                for (var i = 0; i < 5; i++)
                {
                    await EventLoop.Yield();
                }

                await Task.Run(() => { }); // a real wait in the driver
                after = HistogramCount("metrics-timings");
                ioWait = Collect("metrics-timings")["coopruntime.loop.io_wait.time"];
            },
            new EventLoopOptions { Name = "metrics-timings" });

        Assert.Equal(0, before);
        Assert.True(after >= 5, $"histogram records: {after}");
        Assert.True(ioWait >= 0);
    }

    [Fact]
    public void DebugLoop_MeasuresTimingsFromTheStart()
    {
        var count = 0;
        EventLoop.Run(
            async () =>
            {
                for (var i = 0; i < 5; i++)
                {
                    await EventLoop.Yield();
                }

                count = HistogramCount("metrics-debug");
            },
            new EventLoopOptions { Clock = new VirtualClock(), Name = "metrics-debug", Debug = true, StallWatchdog = false });

        Assert.True(count >= 4, $"histogram records: {count}"); // the running iteration records when it ends
    }
}
