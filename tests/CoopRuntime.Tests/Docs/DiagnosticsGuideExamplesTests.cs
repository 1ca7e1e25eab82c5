using CoopRuntime.Hosting;
using CoopRuntime.Tests.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CoopRuntime.Tests.Docs;

/// <summary>Keeps docs/guides/diagnostics.md's examples compiling and true.</summary>
public class DiagnosticsGuideExamplesTests
{
    [Fact]
    public void DebugModeExample_ReportsASlowCallbackByName()
    {
        var lines = new List<string>();
        var options = new EventLoopOptions
        {
            Name = "game",                                     // appears in every report, log line and metric tag
            Debug = true,
            SlowCallbackThreshold = TimeSpan.FromMilliseconds(50),
            DiagnosticReported = d => { lock (lines) { lines.Add($"[{d.Kind}] {d.Message}"); } },
        };
        EventLoop.Run(MainAsync, options);

        Assert.Contains(lines, l => l.StartsWith("[SlowCallback] Loop 'game': async method CoopRuntime.Tests.Docs.DiagnosticsGuideExamplesTests.DebugModeExample_ReportsASlowCallbackByName.MainAsync ran for", StringComparison.Ordinal));

        static async Task MainAsync()
        {
            await EventLoop.Yield();
            Busy.For(TimeSpan.FromMilliseconds(200)); // far above the 50 ms threshold
        }
    }

    [Fact]
    public void DumpFromAnotherThread_IsPostedToTheLoop()
    {
        string? dump = null;
        EventLoop.Run(
            async () =>
            {
                var loop = EventLoop.Current!;
                _ = loop.Spawn(ct => EventLoop.Sleep(TimeSpan.FromSeconds(5), ct).AsTask(), name: "sleeper");
                var done = new TaskCompletionSource();
                await Task.Run(() => loop.CallSoonThreadSafe(() => { dump = loop.DumpTasks(); done.SetResult(); }));
                await done.Task;
            },
            new EventLoopOptions { Name = "demo" }); // real time: a virtual clock would jump past the sleep while Task.Run runs

        Assert.StartsWith("Loop 'demo'", dump);
        Assert.Contains("task 'sleeper' [waiting", dump);
    }

    [Fact]
    public async Task HostingExample_StartsAndStops()
    {
        var served = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task ServeAsync(CancellationToken ct)
        {
            served.TrySetResult();
            await EventLoop.Sleep(Timeout.InfiniteTimeSpan, ct);
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddEventLoop(
            async (services, stoppingToken) =>
            {
                var loop = EventLoop.Current!;
                _ = loop.Spawn(ct => ServeAsync(ct), name: "server");
                await EventLoop.Sleep(Timeout.InfiniteTimeSpan, stoppingToken);
            },
            services => new EventLoopOptions { Name = "server-loop", StallWatchdog = true });
        using var host = builder.Build();
        await host.StartAsync();
        await served.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await host.StopAsync();
    }
}
