using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Tasks;

/// <summary>
/// The completion hook of a spawned task (<c>WorkCompletionSignal</c>): inline on the loop, a hop back from other
/// threads, the loop's context left in place, and the bytes it saves per waiting task.
/// </summary>
public class WorkCompletionSignalTests
{
    [Fact]
    public void Spawn_WorkCompletedOnTheLoop_FinishesInsideTheCallThatCompletedIt()
    {
        bool? finishedRightAfterSetResult = null;
        int? liveTasksRightAfter = null;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var gate = new TaskCompletionSource();
            var handle = loop.Spawn(_ => gate.Task);
            await EventLoop.Yield(); // the task starts and parks on the gate
            Assert.False(handle.IsCompleted);

            gate.SetResult();

            // No detour through the thread pool or a later iteration: an idle loop could otherwise see no work and
            // (under a virtual clock) jump time before the task counted as finished.
            finishedRightAfterSetResult = handle.IsCompleted;
            liveTasksRightAfter = loop.LiveTaskCount;
        });

        Assert.True(finishedRightAfterSetResult);
        Assert.Equal(0, liveTasksRightAfter);
    }

    [Fact]
    public void Spawn_WorkCompletedOnAnotherThread_IsCompletedAtOnceAndLeavesTheLiveSetOnTheLoop()
    {
        bool? completedBeforeTheLoopHeard = null;
        int? liveBeforeTheLoopHeard = null;
        int? liveTwoIterationsLater = null;
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var gate = new TaskCompletionSource();
            var handle = loop.Spawn(async _ =>
            {
                await gate.Task.ConfigureAwait(false); // the work itself ends on the completing thread
            });
            await EventLoop.Yield();

            // Joined before the loop runs again: the hook has posted the finish to the loop, which has not run it yet.
            var completer = new Thread(() => gate.SetResult());
            completer.Start();
            completer.Join();
            completedBeforeTheLoopHeard = handle.IsCompleted;
            liveBeforeTheLoopHeard = loop.LiveTaskCount;

            // The finish arrives through the inbox, drained when the next iteration begins, behind this continuation
            // (queued locally in this one); one iteration later it has run.
            await EventLoop.Yield();
            await EventLoop.Yield();
            liveTwoIterationsLater = loop.LiveTaskCount;
            await handle;
        });

        Assert.True(completedBeforeTheLoopHeard);
        Assert.Equal(1, liveBeforeTheLoopHeard);
        Assert.Equal(0, liveTwoIterationsLater);
    }

    [Fact]
    public void Spawn_AfterRegisteringTheHook_LeavesTheLoopsSynchronizationContextCurrent()
    {
        SynchronizationContext? before = null;
        SynchronizationContext? after = null;
        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var gate = new TaskCompletionSource();
            loop.CallSoon(() => before = SynchronizationContext.Current);
            _ = loop.Spawn(_ => gate.Task); // starts after the callback above, in the same iteration
            loop.CallSoon(() => after = SynchronizationContext.Current);
            await EventLoop.Yield();
            gate.SetResult();
        });

        Assert.IsType<LoopSynchronizationContext>(before);
        Assert.Same(before, after);
    }

    [Fact]
    public void Spawn_FaultOnAnotherThreadNobodyAwaits_ReachesTheLoopsHandler()
    {
        var reported = new List<Exception>();
        EventLoop.Run(
            async () =>
            {
                var loop = EventLoop.Current!;
                var gate = new TaskCompletionSource();
                _ = loop.Spawn(_ => gate.Task, name: "failing");
                await EventLoop.Yield();
                var completer = new Thread(() => gate.SetException(new InvalidOperationException("boom")));
                completer.Start();
                completer.Join();
                while (reported.Count == 0)
                {
                    await EventLoop.Yield();
                }
            },
            new EventLoopOptions { UnhandledException = reported.Add });

        var error = Assert.Single(reported);
        Assert.Equal("boom", error.Message);
    }
}
