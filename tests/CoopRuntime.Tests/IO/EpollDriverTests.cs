using System.Net;
using CoopRuntime.Tests.Net;

namespace CoopRuntime.Tests.IO;

/// <summary>
/// Behaviour only the epoll driver has: the loop itself collects socket readiness, so when it polls matters. (The
/// portable driver's completions arrive from .NET's I/O thread in real time, like any other thread's posts.)
/// </summary>
public sealed class EpollDriverTests
{
    private static IPEndPoint AnyLoopbackPort => new(IPAddress.Loopback, 0);

    [Fact]
    public void ReadAsync_UnderAnAutoAdvancingVirtualClock_CompletesBeforeTheClockRunsAhead()
    {
        // Regression: an idle loop under a virtual clock skipped the I/O poll (its wait timeout is zero before a
        // jump), so ready socket data waited for 64 callbacks' worth of timer jumps.
        var ticksBeforeData = EventLoop.Run(
            async () =>
            {
                using var server = TcpServer.Listen(AnyLoopbackPort);
                var (client, accepted) = await NetworkTestBase.ConnectPairAsync(server, CancellationToken.None);
                using (client)
                using (accepted)
                {
                    var ticks = 0;
                    var done = false;
                    var ticker = TickAsync();
                    var reading = accepted.ReadAsync(new byte[1]).AsTask();
                    await client.WriteAsync("x"u8.ToArray());
                    await reading;
                    var observed = ticks;
                    done = true;
                    await ticker;
                    return observed;

                    async Task TickAsync()
                    {
                        while (!done)
                        {
                            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
                            ticks++;
                        }
                    }
                }
            },
            new EventLoopOptions { IoDriver = IoDriverKind.Epoll, Clock = new VirtualClock() });

        Assert.InRange(ticksBeforeData, 0, 2);
    }

    [Fact]
    public void Wait_WithZeroTimeoutAndNothingParked_MakesNoSystemCall()
    {
        // Regression: every iteration of a timer-only loop under a virtual clock (a zero wait before each jump) called
        // epoll_wait, about a microsecond each: a 1 ms Sleep went from 60 ns to 1.4 us in the micro benchmarks.
        var (waits, slept) = EventLoop.Run(
            async () =>
            {
                var loop = EventLoop.Current!;
                var driver = Assert.IsType<EpollDriver>(loop.Driver);
                var before = driver.SystemWaitCount;
                var start = loop.Now;
                for (var i = 0; i < 1_000; i++)
                {
                    await EventLoop.Sleep(TimeSpan.FromMilliseconds(1));
                }

                return (driver.SystemWaitCount - before, loop.Now - start);
            },
            new EventLoopOptions { IoDriver = IoDriverKind.Epoll, Clock = new VirtualClock() });

        Assert.Equal(TimeSpan.FromSeconds(1), slept);
        Assert.Equal(0, waits);
    }

    [Fact]
    public void Wait_WithZeroTimeoutAndAReadParked_PollsTheKernel()
    {
        var waits = EventLoop.Run(
            async () =>
            {
                using var server = TcpServer.Listen(AnyLoopbackPort);
                var (client, accepted) = await NetworkTestBase.ConnectPairAsync(server, CancellationToken.None);
                using (client)
                using (accepted)
                {
                    var driver = (EpollDriver)EventLoop.Current!.Driver;
                    var before = driver.SystemWaitCount;
                    var reading = accepted.ReadAsync(new byte[1]).AsTask();
                    await client.WriteAsync("x"u8.ToArray());
                    await reading;
                    return driver.SystemWaitCount - before;
                }
            },
            new EventLoopOptions { IoDriver = IoDriverKind.Epoll, Clock = new VirtualClock() });

        Assert.InRange(waits, 1, long.MaxValue);
    }

    [Fact]
    public void BusyLoop_StillCollectsSocketReadiness_WithinAFewDozenCallbacks()
    {
        // A callback that keeps rescheduling itself never lets the loop block; the loop must still poll I/O (every
        // 64 callbacks), or the read below would never complete.
        var callbacksBeforeData = EventLoop.Run(
            async () =>
            {
                using var server = TcpServer.Listen(AnyLoopbackPort);
                var (client, accepted) = await NetworkTestBase.ConnectPairAsync(server, CancellationToken.None);
                using (client)
                using (accepted)
                {
                    var loop = EventLoop.Current!;
                    var spins = 0;
                    var done = false;
                    void Spin()
                    {
                        spins++;
                        if (!done)
                        {
                            loop.CallSoon(Spin);
                        }
                    }

                    var reading = accepted.ReadAsync(new byte[1]).AsTask();
                    loop.CallSoon(Spin);
                    await client.WriteAsync("x"u8.ToArray());
                    await reading;
                    done = true;
                    return spins;
                }
            },
            new EventLoopOptions { IoDriver = IoDriverKind.Epoll });

        Assert.InRange(callbacksBeforeData, 0, 200);
    }

    [Fact]
    public void IoDriver_Automatic_IsEpollOnLinux()
    {
        using var loop = new EventLoop();
        Assert.Equal(OperatingSystem.IsLinux() ? IoDriverKind.Epoll : IoDriverKind.Portable, loop.IoDriver);
    }
}
