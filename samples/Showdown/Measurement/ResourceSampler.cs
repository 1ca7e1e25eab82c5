using System.Diagnostics;
using System.Globalization;

namespace Showdown.Measurement;

/// <summary>
/// Samples this process's thread count and working set on a thread of its own while a mode runs, and keeps the
/// peaks. Sampling (every 5 ms) can miss a short spike, so the peaks are lower bounds. The sampler's own thread is
/// part of every count, including the "before" count it is compared with.
/// </summary>
internal sealed class ResourceSampler : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(5);

    private readonly Process _process = Process.GetCurrentProcess();
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private int _peakThreads;
    private long _peakWorkingSet;

    public ResourceSampler()
    {
        Sample();
        ThreadsBefore = _peakThreads + 1; // + the sampler's thread, started below, so a mode's growth excludes it
        WorkingSetBefore = _peakWorkingSet;
        _thread = new Thread(SampleUntilStopped) { IsBackground = true, Name = "showdown sampler" };
        _thread.Start();
    }

    public int ThreadsBefore { get; }

    public long WorkingSetBefore { get; }

    public int PeakThreads => Volatile.Read(ref _peakThreads);

    public long PeakWorkingSet => Interlocked.Read(ref _peakWorkingSet);

    /// <summary>Stops sampling after one last sample.</summary>
    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        Sample();
        _stop.Dispose();
        _process.Dispose();
    }

    private void SampleUntilStopped()
    {
        while (!_stop.Wait(Interval))
        {
            Sample();
        }
    }

    private void Sample()
    {
        var (threads, workingSet) = ReadCounts();
        if (threads > _peakThreads)
        {
            Volatile.Write(ref _peakThreads, threads);
        }

        if (workingSet > _peakWorkingSet)
        {
            Interlocked.Exchange(ref _peakWorkingSet, workingSet);
        }
    }

    // On Linux one read of /proc/self/status gives both numbers; Process.Threads would open a file per thread, which
    // with 10,000 threads would make the sampler itself the load.
    private (int Threads, long WorkingSet) ReadCounts()
    {
        if (OperatingSystem.IsLinux())
        {
            int threads = 0;
            long residentKilobytes = 0;
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line.AsSpan("Threads:".Length).Trim(), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    residentKilobytes = long.Parse(line.AsSpan("VmRSS:".Length).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }

            return (threads, residentKilobytes * 1024);
        }

        _process.Refresh();
        try
        {
            return (_process.Threads.Count, _process.WorkingSet64);
        }
        catch (InvalidOperationException)
        {
            return (0, 0); // a thread exited while the list was read; the next sample will do
        }
    }
}
