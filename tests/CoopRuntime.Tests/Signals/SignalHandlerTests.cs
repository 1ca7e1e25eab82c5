using System.Runtime.InteropServices;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Signals;

/// <summary>Signals sent to this test process. SIGUSR1 would end the process without a handler, so every test
/// sends it only while its own handler is registered (and only one class that sends it runs at a time).</summary>
[Collection(SignalsToThisProcess.Name)]
public class SignalHandlerTests
{
    private static readonly PosixSignal SigUsr1 = (PosixSignal)TestWorkerApp.SIGUSR1;

    private static EventLoopOptions RealClock() => new() { HandleCtrlC = false };

    [Fact]
    public void AddSignalHandler_KillUsr1ToSelf_HandlerRunsOnTheLoopThread()
    {
        int loopThread = 0, handlerThread = 0;
        PosixSignal? received = null;

        EventLoop.Run(
            async () =>
            {
                var loop = EventLoop.Current!;
                loopThread = Environment.CurrentManagedThreadId;
                var arrived = new TaskCompletionSource();
                using var registration = loop.AddSignalHandler(SigUsr1, signal =>
                {
                    handlerThread = Environment.CurrentManagedThreadId;
                    received = signal;
                    arrived.TrySetResult();
                });

                TestWorkerApp.Kill(Environment.ProcessId, TestWorkerApp.SIGUSR1);
                await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
            },
            RealClock());

        Assert.Equal(loopThread, handlerThread);
        Assert.Equal(SigUsr1, received);
    }

    [Fact]
    public void SignalsWaitAsync_KillUsr1ToSelf_CompletesOnTheLoopThread()
    {
        int loopThread = 0, resumedOn = 0;

        EventLoop.Run(
            async () =>
            {
                loopThread = Environment.CurrentManagedThreadId;
                var wait = CoopRuntime.Signals.WaitAsync(SigUsr1);
                TestWorkerApp.Kill(Environment.ProcessId, TestWorkerApp.SIGUSR1);
                await wait.WaitAsync(TimeSpan.FromSeconds(30));
                resumedOn = Environment.CurrentManagedThreadId;
            },
            RealClock());

        Assert.Equal(loopThread, resumedOn);
    }

    [Fact]
    public void SignalsWaitAsync_Cancelled_ThrowsOperationCanceled()
    {
        Exception? caught = null;

        TestLoops.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource();
            var wait = CoopRuntime.Signals.WaitAsync(SigUsr1, cts.Token);
            cts.Cancel();
            caught = await Record.ExceptionAsync(() => wait);
        });

        Assert.IsAssignableFrom<OperationCanceledException>(caught);
    }

    [Fact]
    public void AddSignalHandler_HandlerThrows_ErrorReachesTheLoop()
    {
        var error = Assert.Throws<InvalidTimeZoneException>(() => EventLoop.Run(
            async () =>
            {
                var loop = EventLoop.Current!;
                using var registration = loop.AddSignalHandler(SigUsr1, () => throw new InvalidTimeZoneException("from handler"));
                TestWorkerApp.Kill(Environment.ProcessId, TestWorkerApp.SIGUSR1);
                await EventLoop.Sleep(TimeSpan.FromSeconds(30));
            },
            RealClock()));

        Assert.Equal("from handler", error.Message);
    }

    [Fact]
    public void AddSignalHandler_OffTheLoopThread_ThrowsWrongThread()
    {
        using var loop = new EventLoop();

        Exception? error = null;
        var other = new Thread(() => error = Record.Exception(() => loop.AddSignalHandler(SigUsr1, () => { })));
        other.Start();
        other.Join();

        Assert.IsType<WrongThreadException>(error);
    }

    [Fact]
    public void Close_RemovesHandlersStillRegistered()
    {
        var loop = new EventLoop();
        loop.AddSignalHandler(SigUsr1, () => { });

        loop.Dispose();

        Assert.Equal(0, loop.SignalHandlerCount);
    }
}
