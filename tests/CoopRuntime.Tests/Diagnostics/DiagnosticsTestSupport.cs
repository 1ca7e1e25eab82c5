using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CoopRuntime.Tests.Diagnostics;

/// <summary>Collects what a loop reports, from any thread.</summary>
internal sealed class DiagnosticRecorder
{
    private readonly ConcurrentQueue<LoopDiagnostic> _reports = new();
    private readonly object _lock = new();

    public IReadOnlyList<LoopDiagnostic> Reports => _reports.ToArray();

    public void Record(LoopDiagnostic diagnostic)
    {
        _reports.Enqueue(diagnostic);
        lock (_lock)
        {
            Monitor.PulseAll(_lock);
        }
    }

    public IEnumerable<LoopDiagnostic> OfKind(LoopDiagnosticKind kind) => _reports.Where(r => r.Kind == kind);

    /// <summary>Blocks until a report of <paramref name="kind"/> arrives (or a generous safety timeout passes).</summary>
    public LoopDiagnostic? WaitFor(LoopDiagnosticKind kind, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds * Stopwatch.Frequency);
        lock (_lock)
        {
            while (true)
            {
                if (OfKind(kind).FirstOrDefault() is { } report)
                {
                    return report;
                }

                var left = deadline - Stopwatch.GetTimestamp();
                if (left <= 0)
                {
                    return null;
                }

                Monitor.Wait(_lock, TimeSpan.FromSeconds((double)left / Stopwatch.Frequency));
            }
        }
    }
}

/// <summary>An <see cref="ILogger"/> that keeps every entry.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, EventId Id, string Message, Exception? Exception)> _entries = new();

    public IReadOnlyList<(LogLevel Level, EventId Id, string Message, Exception? Exception)> Entries => _entries.ToArray();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((logLevel, eventId, formatter(state, exception), exception));
}

internal static class Busy
{
    /// <summary>Keeps the CPU busy for <paramref name="time"/> of real time (what a slow callback does).</summary>
    public static void For(TimeSpan time)
    {
        var end = Stopwatch.GetTimestamp() + (long)(time.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            Thread.SpinWait(64);
        }
    }

    /// <summary>Spins (never sleeps) until <paramref name="done"/> holds, giving up after a generous safety timeout.</summary>
    public static bool Until(Func<bool> done, TimeSpan? timeout = null)
    {
        var end = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds * Stopwatch.Frequency);
        while (!done())
        {
            if (Stopwatch.GetTimestamp() > end)
            {
                return false;
            }

            Thread.SpinWait(64);
        }

        return true;
    }
}
