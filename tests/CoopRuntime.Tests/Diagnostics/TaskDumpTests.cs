using System.Collections;

namespace CoopRuntime.Tests.Diagnostics;

/// <summary>loop.DumpTasks() and loop.GetTaskInfos(): every live spawned task and coroutine, what it waits on, how long.</summary>
public class TaskDumpTests
{
    private static async Task SleeperAsync(CancellationToken cancellationToken) => await InnerSleepAsync(cancellationToken);

    private static async Task InnerSleepAsync(CancellationToken cancellationToken) => await EventLoop.Sleep(TimeSpan.FromSeconds(10), cancellationToken);

    private static IEnumerator Blink()
    {
        while (true)
        {
            yield return Wait.Seconds(3);
        }
    }

    [Fact]
    public void GetTaskInfos_DescribesTasksAndCoroutines_WithTheirAwaitChainsAndAges()
    {
        IReadOnlyList<TaskInfo> infos = null!;
        string dump = null!;
        EventLoop.Run(
            async () =>
            {
                var loop = EventLoop.Current!;
                _ = loop.Spawn(SleeperAsync, name: "sleeper");
                await EventLoop.Sleep(TimeSpan.FromSeconds(1));
                _ = loop.Start(Blink(), name: "blink");
                _ = loop.Spawn(async ct => await EventLoop.Yield(), name: "yielder");
                await EventLoop.Sleep(TimeSpan.FromSeconds(1));
                _ = loop.Spawn(_ => Task.CompletedTask, name: "not-started");
                infos = loop.GetTaskInfos();
                dump = loop.DumpTasks();
            },
            new EventLoopOptions { Clock = new VirtualClock(), Debug = true, StallWatchdog = false, Name = "dumped" });

        Assert.Equal(3, infos.Count);
        var sleeper = infos[0];
        Assert.Equal(TaskKind.SpawnedTask, sleeper.Kind);
        Assert.Equal("sleeper", sleeper.Name);
        Assert.Equal("waiting", sleeper.State);
        Assert.Equal("async method CoopRuntime.Tests.Diagnostics.TaskDumpTests.SleeperAsync", sleeper.Method);
        Assert.Equal(
            "async method CoopRuntime.Tests.Diagnostics.TaskDumpTests.SleeperAsync > " +
            "async method CoopRuntime.Tests.Diagnostics.TaskDumpTests.InnerSleepAsync > EventLoop.Sleep (until 00:00:10)",
            sleeper.WaitingOn);
        Assert.Equal(TimeSpan.FromSeconds(2), sleeper.Age);

        var notStarted = infos[1];
        Assert.Equal("not-started", notStarted.Name);
        Assert.Equal("scheduled", notStarted.State);
        Assert.Equal(TimeSpan.Zero, notStarted.Age);

        var blink = infos[2];
        Assert.Equal(TaskKind.Coroutine, blink.Kind);
        Assert.Equal("blink", blink.Name);
        Assert.Equal("waiting", blink.State);
        Assert.Equal("CoopRuntime.Tests.Diagnostics.TaskDumpTests.Blink", blink.Method);
        Assert.StartsWith("Wait.For(00:00:03)", blink.WaitingOn);
        Assert.Equal(TimeSpan.FromSeconds(1), blink.Age);
        Assert.Equal(TimeSpan.FromSeconds(1), blink.WaitingFor);

        Assert.StartsWith("Loop 'dumped' at 2 s loop time: 2 spawned task(s), 1 coroutine(s)", dump);
        Assert.Contains("  task 'sleeper' [waiting, age 2 s] async method", dump);
        Assert.Contains("  coroutine 'blink' [waiting, age 1 s] CoopRuntime.Tests.Diagnostics.TaskDumpTests.Blink: waiting on Wait.For(00:00:03)", dump);
        Assert.Contains("for 1 s", dump);
    }

    [Fact]
    public void GetTaskInfos_WithoutDebugMode_KnowsNeitherAgesNorHowLongACoroutineWaits()
    {
        TaskInfo info = null!;
        EventLoop.Run(
            async () =>
            {
                _ = EventLoop.Current!.Start(Blink(), name: "blink");
                await EventLoop.Sleep(TimeSpan.FromSeconds(1));
                info = Assert.Single(EventLoop.Current!.GetTaskInfos());
            },
            new EventLoopOptions { Clock = new VirtualClock() });

        Assert.Null(info.WaitingFor);
        Assert.Null(info.Age);
        Assert.Equal("coroutine 'blink' [waiting] CoopRuntime.Tests.Diagnostics.TaskDumpTests.Blink: waiting on " + info.WaitingOn, info.ToString());
    }

    [Fact]
    public void DumpTasks_OfAnEmptyLoop_IsJustTheHeader()
    {
        string dump = null!;
        EventLoop.Run(
            () =>
            {
                dump = EventLoop.Current!.DumpTasks();
                return Task.CompletedTask;
            },
            new EventLoopOptions { Clock = new VirtualClock(), Name = "empty" });

        Assert.Equal("Loop 'empty' at 0 ms loop time: 0 spawned task(s), 0 coroutine(s), 0 callback(s) ready, 0 timer(s) pending, 0 async void method(s) running.\n", dump);
    }

    [Fact]
    public void DumpTasks_OffTheLoopThread_Throws()
    {
        using var loop = new EventLoop();
        var thread = new Thread(() => Assert.Throws<WrongThreadException>(() => loop.DumpTasks()));
        Exception? failure = null;
        thread = new Thread(() =>
        {
            try
            {
                Assert.Throws<WrongThreadException>(() => loop.DumpTasks());
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.Null(failure);
    }
}
