using CoopRuntime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CoopRuntime.Tests.Hosting;

/// <summary>services.AddEventLoop: a loop as a hosted service in the Generic Host, started and stopped with it.</summary>
public class EventLoopHostingTests
{
    private sealed class Probe
    {
        public TaskCompletionSource<EventLoop> MainStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int MainThread;
        public bool MainSawStop;
        public bool ChildCancelled;
        public bool CoroutineFinallyRan;
    }

    private static System.Collections.IEnumerator Forever(Probe probe)
    {
        try
        {
            while (true)
            {
                yield return Wait.Seconds(0.01);
            }
        }
        finally
        {
            probe.CoroutineFinallyRan = true;
        }
    }

    private static IHost BuildHost(Probe probe, Func<IServiceProvider, CancellationToken, Task>? main = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(probe);
        builder.Services.AddEventLoop(
            main ?? (async (services, stoppingToken) =>
            {
                var p = services.GetRequiredService<Probe>();
                var loop = EventLoop.Current!;
                p.MainThread = Environment.CurrentManagedThreadId;
                _ = loop.Spawn(
                    async ct =>
                    {
                        try
                        {
                            await EventLoop.Sleep(Timeout.InfiniteTimeSpan, ct);
                        }
                        catch (OperationCanceledException)
                        {
                            p.ChildCancelled = true;
                            throw;
                        }
                    },
                    name: "child");
                _ = loop.Start(Forever(p), name: "forever");
                await EventLoop.Yield(); // both have taken their first step (work cancelled before it starts never runs)
                p.MainStarted.SetResult(loop);
                try
                {
                    await EventLoop.Sleep(Timeout.InfiniteTimeSpan, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    p.MainSawStop = true;
                }
            }),
            _ => new EventLoopOptions { Name = "hosted" });
        return builder.Build();
    }

    [Fact]
    public async Task AddEventLoop_StartsTheLoopWithTheHost_AndStopsItGracefully()
    {
        var probe = new Probe();
        using var host = BuildHost(probe);

        await host.StartAsync();
        var loop = await probe.MainStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("hosted", loop.Name);
        Assert.True(loop.IsRunning);
        Assert.NotEqual(Environment.CurrentManagedThreadId, probe.MainThread);

        await host.StopAsync();

        Assert.True(probe.MainSawStop, "main's token was not cancelled");
        Assert.True(probe.ChildCancelled, "the spawned task was not cancelled by the loop's shutdown");
        Assert.True(probe.CoroutineFinallyRan, "the coroutine's finally block did not run");
        Assert.True(loop.IsClosed);
        var service = Assert.IsType<EventLoopService>(host.Services.GetServices<IHostedService>().Single(s => s is EventLoopService));
        Assert.Same(loop, service.Loop);
        Assert.True(service.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task MainThatFails_StopsTheHost()
    {
        var probe = new Probe();
        using var host = BuildHost(probe, async (_, _) =>
        {
            await EventLoop.Yield();
            throw new InvalidOperationException("main failed");
        });
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());

        await host.StartAsync();
        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var service = (EventLoopService)host.Services.GetServices<IHostedService>().Single(s => s is EventLoopService);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => service.Completion);
        Assert.Equal("main failed", error.Message);
        await host.StopAsync();
    }

    [Fact]
    public async Task EventLoopService_CanBeUsedWithoutAHost()
    {
        var ran = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var service = new EventLoopService(
            async stoppingToken =>
            {
                ran.SetResult(EventLoop.Current!.Name);
                await EventLoop.Sleep(Timeout.InfiniteTimeSpan, stoppingToken);
            },
            new EventLoopOptions { Name = "bare" });

        await service.StartAsync(CancellationToken.None);
        Assert.Equal("bare", await ran.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        await service.StopAsync(CancellationToken.None);
        await service.Completion;
        Assert.True(service.Loop!.IsClosed);
    }
}
