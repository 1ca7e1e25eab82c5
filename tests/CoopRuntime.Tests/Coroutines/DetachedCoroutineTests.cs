using System.Collections;
using System.Runtime.CompilerServices;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Coroutines;

/// <summary>
/// Detached coroutines (<see cref="EventLoop.StartDetached"/>): they run like any coroutine, their failures reach the
/// unhandled-exception handler, and the loop reuses one that ended in its own step, without ever letting an old handle,
/// a stale token stop or user code see the next run.
/// </summary>
public class DetachedCoroutineTests
{
    private static EventLoopOptions Options(List<Exception> errors, int maxPooled = int.MaxValue) =>
        new() { Clock = new VirtualClock(), UnhandledException = errors.Add, MaxPooledCoroutines = maxPooled };

    private static IEnumerator Steps(List<string> log, string name, int count)
    {
        for (var i = 0; i < count; i++)
        {
            log.Add($"{name} {i}");
            yield return null;
        }
    }

    private static IEnumerator Forever(List<string> log, string name)
    {
        try
        {
            while (true)
            {
                yield return null;
            }
        }
        finally
        {
            log.Add($"{name} finally");
        }
    }

    private static IEnumerator Empty()
    {
        yield break;
    }

    /// <summary>Yields loop iterations until the handle's coroutine has ended (a detached coroutine cannot be awaited).</summary>
    private static async Task UntilEnded(CoroutineHandle handle)
    {
        while (handle.IsRunning)
        {
            await EventLoop.Yield();
        }
    }

    [Fact]
    public void StartDetached_FirstStepRunsOnTheNextIteration_AndTheHandleRunsUntilTheRoutineEnds()
    {
        var log = new List<string>();
        var errors = new List<Exception>();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var handle = loop.StartDetached(Steps(log, "a", 2), name: "a");
            Assert.Empty(log); // not run inside StartDetached
            Assert.True(handle.IsRunning);
            Assert.Equal("a", handle.Name);

            await UntilEnded(handle);

            Assert.Null(handle.Name);
        }, Options(errors));

        Assert.Equal(new[] { "a 0", "a 1" }, log);
        Assert.Empty(errors);
    }

    [Fact]
    public void StartDetached_ACoroutineThatEndedInItsOwnStep_IsReusedByTheNextStart()
    {
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var first = loop.StartDetached(Empty());
            await EventLoop.Yield();
            Assert.False(first.IsRunning);
            Assert.Equal(1, loop.PooledCoroutineCount);

            var second = loop.StartDetached(Empty());
            Assert.Equal(0, loop.PooledCoroutineCount);
            Assert.NotEqual(first, second);
        }, Options(new List<Exception>()));
    }

    [Fact]
    public void Handle_OfAnEndedCoroutineWhoseObjectServesANewOne_IsNotRunning_AndItsStopLeavesTheNewOneAlone()
    {
        var log = new List<string>();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var old = loop.StartDetached(Empty(), name: "old");
            await EventLoop.Yield();

            var current = loop.StartDetached(Forever(log, "new"), name: "new");
            Assert.Equal(0, loop.PooledCoroutineCount); // the new run took the old one's object

            Assert.False(old.IsRunning);
            Assert.Null(old.Name);
            Assert.Equal("CoroutineHandle (finished)", old.ToString());
            old.Stop();
            await EventLoop.Yield();

            Assert.True(current.IsRunning);
            Assert.Empty(log);
            current.Stop();
        }, Options(new List<Exception>()));

        Assert.Equal(new[] { "new finally" }, log);
    }

    [Fact]
    public void TokenCancelled_InTheStepInWhichTheCoroutineEnds_DoesNotStopTheRunThatReusesIt()
    {
        var log = new List<string>();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            using var cancellation = new CancellationTokenSource();

            // Cancelling queues the stop; the coroutine ends in the same step and goes back to the pool before the
            // queued stop runs.
            loop.StartDetached(CancelThenEnd(cancellation), cancellationToken: cancellation.Token);
            await EventLoop.Yield();
            Assert.Equal(1, loop.PooledCoroutineCount);

            var next = loop.StartDetached(Forever(log, "next"));
            await EventLoop.Yield();
            await EventLoop.Yield();

            Assert.True(next.IsRunning);
            Assert.Empty(log);
            next.Stop();
        }, Options(new List<Exception>()));

        Assert.Equal(new[] { "next finally" }, log);

        static IEnumerator CancelThenEnd(CancellationTokenSource cancellation)
        {
            cancellation.Cancel();
            yield break;
        }
    }

    [Fact]
    public void Token_WhenCancelled_StopsTheDetachedCoroutine_RunningItsFinallyBlock()
    {
        var log = new List<string>();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            using var cancellation = new CancellationTokenSource();
            var handle = loop.StartDetached(Forever(log, "a"), cancellationToken: cancellation.Token);
            await EventLoop.Yield();

            cancellation.Cancel();
            await UntilEnded(handle);
        }, Options(new List<Exception>()));

        Assert.Equal(new[] { "a finally" }, log);
    }

    [Fact]
    public void Stop_ThroughTheHandle_RunsFinallyBlocksBeforeReturning_AndStoppingTwiceIsHarmless()
    {
        var log = new List<string>();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var handle = loop.StartDetached(Forever(log, "a"));
            await EventLoop.Yield();

            handle.Stop();
            Assert.Equal(new[] { "a finally" }, log);
            Assert.False(handle.IsRunning);
            handle.Stop();
        }, Options(new List<Exception>()));

        Assert.Equal(new[] { "a finally" }, log);
    }

    [Fact]
    public void Stop_FromInsideTheCoroutine_EndsItAfterTheStep_AndItIsReused()
    {
        var log = new List<string>();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var self = new CoroutineHandle[1];
            self[0] = loop.StartDetached(StopsItself(self, log));
            await EventLoop.Yield();
            await EventLoop.Yield();

            Assert.False(self[0].IsRunning);
            Assert.Equal(1, loop.PooledCoroutineCount);
        }, Options(new List<Exception>()));

        Assert.Equal(new[] { "stopping", "finally" }, log);

        static IEnumerator StopsItself(CoroutineHandle[] self, List<string> log)
        {
            try
            {
                log.Add("stopping");
                self[0].Stop();
                yield return null;
                log.Add("not reached");
            }
            finally
            {
                log.Add("finally");
            }
        }
    }

    [Fact]
    public void Failure_GoesToTheUnhandledExceptionHandler_AndIsReportedByName_AndTheFailedOneIsNotReused()
    {
        var errors = new List<Exception>();
        var diagnostics = new List<LoopDiagnostic>();
        var options = new EventLoopOptions { UnhandledException = errors.Add, DiagnosticReported = diagnostics.Add };
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var handle = loop.StartDetached(Throws(), name: "thrower");
            await EventLoop.Yield();
            await EventLoop.Yield();

            Assert.False(handle.IsRunning);
            Assert.Equal(0, loop.PooledCoroutineCount);
        }, options);

        Assert.Equal("boom", Assert.IsType<InvalidOperationException>(Assert.Single(errors)).Message);
        var report = Assert.Single(diagnostics, d => d.Kind == LoopDiagnosticKind.UnobservedFault);
        Assert.Contains("'thrower'", report.Message);
        Assert.Contains("detached", report.Message); // the advice fits a coroutine that cannot be awaited

        static IEnumerator Throws()
        {
            yield return null;
            throw new InvalidOperationException("boom");
        }
    }

    [Fact]
    public void StoppedWhileWaiting_IsNotReused()
    {
        // A stop from outside leaves the coroutine's queued wake-up behind; reusing the object would let it step the
        // next run twice in one iteration.
        var log = new List<string>();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var stopped = loop.StartDetached(Forever(log, "a"));
            await EventLoop.Yield();
            stopped.Stop();
            Assert.Equal(0, loop.PooledCoroutineCount);

            var next = loop.StartDetached(Steps(log, "b", 3));
            await UntilEnded(next);
        }, Options(new List<Exception>()));

        Assert.Equal(new[] { "a finally", "b 0", "b 1", "b 2" }, log);
    }

    [Fact]
    public void ACoroutineListedByCoroutines_IsNeverReused()
    {
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            loop.StartDetached(Empty(), name: "listed");
            var listed = Assert.Single(loop.Coroutines);
            await EventLoop.Yield();

            Assert.True(listed.IsCompleted);
            Assert.Equal(0, loop.PooledCoroutineCount);
            loop.StartDetached(Empty(), name: "next");
            Assert.NotSame(listed, Assert.Single(loop.Coroutines));
            Assert.True(listed.IsCompleted);
            Assert.Equal("listed", listed.Name);
        }, Options(new List<Exception>()));
    }

    [Fact]
    public void ReusedCoroutines_ThatSleepAndNest_RunCorrectlyEveryTime()
    {
        var log = new List<string>();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            for (var run = 0; run < 3; run++)
            {
                var startedAt = loop.Now;
                var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var handle = loop.StartDetached(SleepsAndNests(log, run, ended), name: $"run {run}");
                await ended.Task; // not a yield loop: the virtual clock advances only while the loop is idle

                Assert.Equal(TimeSpan.FromSeconds(2), loop.Now - startedAt);
                Assert.False(handle.IsRunning);
                Assert.Equal(1, loop.PooledCoroutineCount);
            }
        }, Options(new List<Exception>()));

        Assert.Equal(
            new[] { "0 outer", "0 inner", "0 back", "1 outer", "1 inner", "1 back", "2 outer", "2 inner", "2 back" },
            log);

        static IEnumerator SleepsAndNests(List<string> log, int run, TaskCompletionSource ended)
        {
            log.Add($"{run} outer");
            yield return Wait.Seconds(1);
            yield return Inner(log, run);
            log.Add($"{run} back");
            ended.SetResult(); // its awaiter resumes on a later iteration (asynchronous continuations), after this ends
        }

        static IEnumerator Inner(List<string> log, int run)
        {
            log.Add($"{run} inner");
            yield return Wait.Seconds(1);
        }
    }

    [Fact]
    public void ReusedCoroutine_InDebugMode_ReportsItsOwnAgeAndName_NotThePreviousRuns()
    {
        TaskInfo? info = null;
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            loop.StartDetached(SleepThenSignal(5, ended), name: "first");
            await ended.Task;
            Assert.Equal(1, loop.PooledCoroutineCount);

            loop.StartDetached(SleepThenSignal(10, new TaskCompletionSource()), name: "second");
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            info = Assert.Single(loop.GetTaskInfos(), i => i.Kind == TaskKind.Coroutine);
            loop.Coroutines.Single().Stop();
        }, new EventLoopOptions { Clock = new VirtualClock(), Debug = true, StallWatchdog = false });

        Assert.Equal("second", info!.Name);
        Assert.Equal(TimeSpan.FromSeconds(1), info.Age);

        static IEnumerator SleepThenSignal(double seconds, TaskCompletionSource ended)
        {
            yield return Wait.Seconds(seconds);
            ended.SetResult();
        }
    }

    [Fact]
    public void APooledCoroutine_KeepsNothingOfItsLastRunAlive()
    {
        // Regression: the value of a Wait.Return stayed in the pooled coroutine's side object until its next run.
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var (returned, iterator) = StartOneThatReturnsAValue(loop);
            await EventLoop.Yield();
            Assert.Equal(1, loop.PooledCoroutineCount);

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();

            Assert.False(returned.IsAlive, "the returned value is still reachable");
            Assert.False(iterator.IsAlive, "the iterator is still reachable");
        }, Options(new List<Exception>()));
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // so that no local of the test keeps the objects alive
    private static (WeakReference Returned, WeakReference Iterator) StartOneThatReturnsAValue(EventLoop loop)
    {
        var value = new byte[1024];
        var iterator = ReturnsValue(value);
        loop.StartDetached(iterator);
        return (new WeakReference(value), new WeakReference(iterator));

        static IEnumerator ReturnsValue(byte[] value)
        {
            yield return Wait.Return(value);
        }
    }

    [Fact]
    public void MaxPooledCoroutines_BoundsThePool_AndZeroTurnsPoolingOff()
    {
        foreach (var (bound, expected) in new[] { (0, 0), (2, 2), (int.MaxValue, 5) })
        {
            EventLoop.Run(async () =>
            {
                var loop = EventLoop.Current!;
                var last = default(CoroutineHandle);
                for (var i = 0; i < 5; i++)
                {
                    last = loop.StartDetached(Empty());
                }

                await UntilEnded(last);

                Assert.Equal(expected, loop.PooledCoroutineCount);
            }, Options(new List<Exception>(), bound));
        }
    }

    [Fact]
    public void MaxPooledCoroutines_Negative_ThrowsNamingTheOption()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new EventLoop(new EventLoopOptions { MaxPooledCoroutines = -1 }));
        Assert.Contains("MaxPooledCoroutines", error.Message);
    }

    [Fact]
    public void YieldingAHandle_FailsTheCoroutine_WithAMessageThatPointsToStart()
    {
        var errors = new List<Exception>();
        Exception? failure = null;
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var detached = loop.StartDetached(Forever(new List<string>(), "detached"));
            failure = await Record.ExceptionAsync(async () => await loop.Start(Waits(detached)));
            detached.Stop();
        }, Options(errors));

        var error = Assert.IsType<InvalidOperationException>(failure);
        Assert.Contains("CoroutineHandle", error.Message);
        Assert.Contains("EventLoop.Start", error.Message);

        static IEnumerator Waits(CoroutineHandle detached)
        {
            yield return detached;
        }
    }

    [Fact]
    public void Shutdown_StopsRunningDetachedCoroutines_RunningTheirFinallyBlocks()
    {
        var log = new List<string>();
        EventLoop.Run(async () =>
        {
            EventLoop.Current!.StartDetached(Forever(log, "a"));
            EventLoop.Current!.StartDetached(Forever(log, "b"));
            await EventLoop.Yield(); // into their try blocks
        }, Options(new List<Exception>()));

        Assert.Equal(new[] { "a finally", "b finally" }, log.Order());
    }

    [Fact]
    public void StartDetached_OffTheLoopThread_ThrowsWrongThread()
    {
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var error = await Task.Run(() => Record.Exception(() => loop.StartDetached(Empty())));
            Assert.IsType<WrongThreadException>(error);
            Assert.Empty(loop.Coroutines);
        });
    }

    [Fact]
    public void StartDetached_OnAClosedLoop_ThrowsObjectDisposed_AndANullRoutineThrowsNamingIt()
    {
        var loop = new EventLoop();
        loop.Dispose();
        Assert.Throws<ObjectDisposedException>(() => loop.StartDetached(Empty()));
        Assert.Throws<ArgumentNullException>("routine", () => new EventLoop().StartDetached(null!));
    }
}
