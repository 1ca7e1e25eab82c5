using System.Collections;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Coroutines;

/// <summary>
/// Stop: from outside, from inside, while waiting on each kind of thing, by a token; what happens to whoever
/// waits for the stopped coroutine; and errors thrown by finally blocks while stopping.
/// </summary>
public class CoroutineStopTests
{
    private sealed class Led
    {
        public int Toggles;
        public bool IsOn;

        public void Toggle()
        {
            Toggles++;
            IsOn = !IsOn;
        }

        public void Off() => IsOn = false;
    }

    private static IEnumerator Blink(Led led)
    {
        try
        {
            while (true)
            {
                led.Toggle();
                yield return Wait.Seconds(0.5);
            }
        }
        finally
        {
            led.Off();
        }
    }

    private static IEnumerator Forever(List<string>? log = null, string name = "forever")
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
            log?.Add($"{name} finally");
        }
    }

    // ───────────────────────────── From outside ─────────────────────────────

    [Fact]
    public void Stop_FromOutside_RunsTheFinallyBlockBeforeReturning_AndTheHandleIsCanceled()
    {
        var led = new Led();

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var blink = loop.Start(Blink(led), name: "blink");
            await EventLoop.Sleep(TimeSpan.FromSeconds(1.25)); // toggles at 0, 0.5 and 1 s
            Assert.True(led.IsOn);

            blink.Stop();

            Assert.False(led.IsOn); // the finally block ran inside Stop
            Assert.True(blink.IsCompleted);
            Assert.False(blink.IsRunning);
            Assert.True(blink.Completion.IsCanceled);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await blink);
            Assert.DoesNotContain(blink, loop.Coroutines);
        });

        Assert.Equal(3, led.Toggles);
    }

    [Fact]
    public void Stop_BeforeTheFirstStep_TheBodyNeverRuns()
    {
        var ran = false;
        IEnumerator Body()
        {
            ran = true;
            yield break;
        }

        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start(Body());
            coroutine.Stop();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await coroutine);
            await EventLoop.Yield();
        });

        Assert.False(ran);
    }

    [Fact]
    public void Stop_Twice_IsHarmless_AndTheFinallyBlockRunsOnce()
    {
        var log = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start(Forever(log));
            await EventLoop.Yield();
            coroutine.Stop();
            coroutine.Stop();
            await EventLoop.Yield();
            coroutine.Stop();
            Assert.True(coroutine.Completion.IsCanceled);
        });

        Assert.Equal(new[] { "forever finally" }, log);
    }

    [Fact]
    public void Stop_AfterItCompleted_DoesNothing_AndItStaysCompleted()
    {
        IEnumerator Short()
        {
            yield return null;
        }

        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start(Short());
            await coroutine;
            coroutine.Stop();
            Assert.True(coroutine.Completion.IsCompletedSuccessfully);
        });
    }

    [Fact]
    public void Stop_WhileNested_DisposesEveryLevelInnermostFirst_BeforeReturning()
    {
        var log = new List<string>();
        IEnumerator Level(int depth)
        {
            try
            {
                yield return depth < 3 ? (object)Level(depth + 1) : Wait.Seconds(10);
                log.Add($"resumed {depth}");
            }
            finally
            {
                log.Add($"finally {depth}");
            }
        }

        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start(Level(1));
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            coroutine.Stop();
            log.Add("Stop returned");
            await EventLoop.Sleep(TimeSpan.FromSeconds(20));
        });

        Assert.Equal(new[] { "finally 3", "finally 2", "finally 1", "Stop returned" }, log);
    }

    // ───────────────────────────── From inside ─────────────────────────────

    [Fact]
    public void Stop_FromInsideTheCoroutine_EndsItAfterTheCurrentStep_AndRunsItsFinallyBlock()
    {
        var log = new List<string>();
        Coroutine? self = null;
        IEnumerator Quits()
        {
            try
            {
                log.Add("step 1");
                yield return null;
                log.Add("step 2");
                self!.Stop();
                log.Add("rest of the step");
                yield return null;
                log.Add("never");
            }
            finally
            {
                log.Add("finally");
                self!.Stop(); // stopping again while finishing is harmless
            }
        }

        TestLoops.RunVirtual(async () =>
        {
            self = EventLoop.Current!.Start(Quits(), name: "quits");
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await self);
            Assert.True(self.Completion.IsCanceled);
        });

        Assert.Equal(new[] { "step 1", "step 2", "rest of the step", "finally" }, log);
    }

    [Fact]
    public void Stop_FromInsideANestedIterator_DisposesEveryLevelInnermostFirst()
    {
        var log = new List<string>();
        Coroutine? self = null;
        IEnumerator Level(int depth)
        {
            try
            {
                if (depth < 3)
                {
                    yield return Level(depth + 1);
                    log.Add($"resumed {depth}");
                }
                else
                {
                    yield return null;
                    self!.Stop();
                    yield return null;
                    log.Add("never");
                }
            }
            finally
            {
                log.Add($"finally {depth}");
            }
        }

        TestLoops.RunVirtual(async () =>
        {
            self = EventLoop.Current!.Start(Level(1));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await self);
        });

        Assert.Equal(new[] { "finally 3", "finally 2", "finally 1" }, log);
    }

    [Fact]
    public void Stop_FromInsideJustBeforeTheIteratorEnds_TheCoroutineIsStoppedNotCompleted()
    {
        Coroutine? self = null;
        IEnumerator StopsThenEnds()
        {
            yield return null;
            self!.Stop();
        }

        TestLoops.RunVirtual(async () =>
        {
            self = EventLoop.Current!.Start(StopsThenEnds());
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await self);
        });
    }

    // ───────────────────────────── While waiting on something ─────────────────────────────

    [Fact]
    public void Stop_WhileWaitingOnATimer_CancelsTheTimer_AndItNeverResumes()
    {
        var resumed = false;
        IEnumerator Sleeper()
        {
            yield return Wait.Seconds(5);
            resumed = true;
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var coroutine = loop.Start(Sleeper());
            await EventLoop.Yield();
            Assert.Equal(1, loop.PendingTimerCount);

            coroutine.Stop();

            Assert.Equal(0, loop.PendingTimerCount);
            await EventLoop.Sleep(TimeSpan.FromSeconds(10));
            Assert.Equal(TimeSpan.FromSeconds(10), loop.Now);
        });

        Assert.False(resumed);
    }

    [Fact]
    public void Stop_WhileWaitingOnATask_TheTaskCompletingLaterDoesNotResumeIt()
    {
        var log = new List<string>();
        var pending = new TaskCompletionSource();
        IEnumerator Waiter()
        {
            try
            {
                yield return pending.Task;
                log.Add("resumed");
            }
            finally
            {
                log.Add("finally");
            }
        }

        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start(Waiter());
            await EventLoop.Yield();
            Assert.Equal("a task", coroutine.WaitingOn);

            coroutine.Stop();
            pending.SetResult();
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));

            Assert.True(coroutine.Completion.IsCanceled);
        });

        Assert.Equal(new[] { "finally" }, log);
    }

    [Fact]
    public void Stop_WhileWaitingOnACondition_TheConditionIsNeverCheckedAgain()
    {
        var checks = 0;
        IEnumerator Waiter()
        {
            yield return Wait.Until(() =>
            {
                checks++;
                return false;
            });
        }

        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start(Waiter());
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            Assert.True(checks > 0);
            var checksAtStop = checks;

            coroutine.Stop();
            await EventLoop.Sleep(TimeSpan.FromSeconds(1)); // a hundred poll intervals

            Assert.Equal(checksAtStop, checks);
        });
    }

    [Fact]
    public void Stop_WhileWaitingOnFrames_ItNeverResumes_AndFramesKeepCounting()
    {
        var resumed = false;
        IEnumerator Waiter()
        {
            yield return Wait.Frames(10);
            resumed = true;
        }

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var coroutine = loop.Start(Waiter());
            await EventLoop.Sleep(TimeSpan.FromMilliseconds(50)); // frames 1 and 2 at 20 and 40 ms
            Assert.Equal(2, loop.Frame);

            coroutine.Stop();
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));

            Assert.Equal(52, loop.Frame);
            Assert.True(coroutine.Completion.IsCanceled);
        }, new EventLoopOptions { Clock = new VirtualClock(), FrameRate = 50 });

        Assert.False(resumed);
    }

    // ───────────────────────────── Waiting for a stopped coroutine ─────────────────────────────

    [Fact]
    public void Stop_ACoroutineAnotherCoroutineWaitsFor_TheWaiterEndsCanceled_AndItsFinallyRuns()
    {
        var log = new List<string>();
        IEnumerator Waiter(Coroutine target)
        {
            try
            {
                yield return target;
                log.Add("waiter resumed normally");
            }
            finally
            {
                log.Add("waiter finally");
            }
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var target = loop.Start(Forever(log, "target"), name: "target");
            var waiter = loop.Start(Waiter(target), name: "waiter");
            await EventLoop.Yield(); // (no Sleep here: a coroutine that yields null keeps a virtual clock from jumping)
            await EventLoop.Yield();
            Assert.Equal("coroutine 'target'", waiter.WaitingOn);

            target.Stop();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiter);
            Assert.True(waiter.Completion.IsCanceled);
        });

        Assert.Equal(new[] { "target finally", "waiter finally" }, log);
    }

    [Fact]
    public void YieldACoroutineThatWasAlreadyStopped_TheWaiterEndsCanceled()
    {
        var log = new List<string>();
        IEnumerator Waiter(Coroutine target)
        {
            try
            {
                yield return target;
                log.Add("waiter resumed normally");
            }
            finally
            {
                log.Add("waiter finally");
            }
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var target = loop.Start(Forever());
            target.Stop();
            var waiter = loop.Start(Waiter(target));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiter);
        });

        Assert.Equal(new[] { "waiter finally" }, log);
    }

    [Fact]
    public void Stop_ACoroutineAnAsyncMethodAwaits_TheAwaiterGetsOperationCanceledException()
    {
        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var target = loop.Start(Forever());
            var awaiter = AwaitAsync(target);
            var task = loop.Spawn(async _ => await target, "awaiting task");
            await EventLoop.Yield();
            await EventLoop.Yield();
            Assert.False(awaiter.IsCompleted);

            target.Stop();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => awaiter);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await task);
        });

        static async Task AwaitAsync(Coroutine coroutine) => await coroutine;
    }

    [Fact]
    public void AwaitACoroutineThatWasAlreadyStopped_ThrowsOperationCanceledException()
    {
        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start(Forever());
            await EventLoop.Yield();
            coroutine.Stop();
            await EventLoop.Yield();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await coroutine);
        });
    }

    [Fact]
    public void Stop_AnAsyncAwaiterResumesOnALaterIteration_NeverInsideTheStopCall()
    {
        // Regression: the completion source ran await continuations inline, so an awaiter's code ran inside Stop()
        // (here it edits the list the caller is iterating, which threw "Collection was modified" out of the loop).
        var log = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var watched = new List<Coroutine> { loop.Start(Forever()), loop.Start(Forever()) };
            var watchers = watched.Select(WatchAsync).ToArray();
            await EventLoop.Yield();

            foreach (var coroutine in watched)
            {
                coroutine.Stop();
                log.Add("Stop returned");
            }

            await Task.WhenAll(watchers);
            Assert.Empty(watched);

            async Task WatchAsync(Coroutine coroutine)
            {
                try
                {
                    await coroutine;
                }
                catch (OperationCanceledException)
                {
                    log.Add("awaiter resumed");
                }

                watched.Remove(coroutine);
            }
        });

        Assert.Equal(new[] { "Stop returned", "Stop returned", "awaiter resumed", "awaiter resumed" }, log);
    }

    // ───────────────────────────── Finally blocks that throw ─────────────────────────────

    [Fact]
    public void Stop_FinallyBlockThrows_StopDoesNotThrow_AndTheHandleFaultsWithThatException()
    {
        var failure = new InvalidOperationException("cleanup failed");
        IEnumerator BadCleanup()
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
                throw failure;
            }
        }

        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start(BadCleanup());
            await EventLoop.Yield();

            coroutine.Stop();

            Assert.True(coroutine.IsCompleted);
            Assert.True(coroutine.Completion.IsFaulted);
            var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await coroutine);
            Assert.Same(failure, error);
        });
    }

    [Fact]
    public void Stop_FinallyBlocksThrowAtTwoLevels_TheHandleFaultsWithBoth_InnermostFirst()
    {
        var inner = new InvalidOperationException("inner cleanup failed");
        var outer = new InvalidOperationException("outer cleanup failed");
        var middleFinallyRan = false;
        IEnumerator Outer()
        {
            try
            {
                yield return Middle();
            }
            finally
            {
                throw outer;
            }
        }

        IEnumerator Middle()
        {
            try
            {
                yield return Inner();
            }
            finally
            {
                middleFinallyRan = true;
            }
        }

        IEnumerator Inner()
        {
            try
            {
                yield return Wait.Seconds(10);
            }
            finally
            {
                throw inner;
            }
        }

        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start(Outer());
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));

            coroutine.Stop();

            var error = await Assert.ThrowsAsync<AggregateException>(async () => await coroutine);
            Assert.Equal(new Exception[] { inner, outer }, error.InnerExceptions);
        });

        Assert.True(middleFinallyRan); // a throwing level does not stop the levels below it from being cleaned up
    }

    [Fact]
    public void Stop_FinallyBlockThrows_NobodyObservesIt_TheLoopsHandlerGetsIt()
    {
        var failure = new InvalidOperationException("cleanup failed");
        var errors = new List<Exception>();
        IEnumerator BadCleanup()
        {
            try
            {
                yield return Wait.Seconds(10);
            }
            finally
            {
                throw failure;
            }
        }

        EventLoop.Run(async () =>
        {
            var coroutine = EventLoop.Current!.Start(BadCleanup());
            await EventLoop.Yield();
            coroutine.Stop();
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
        }, new EventLoopOptions { Clock = new VirtualClock(), UnhandledException = errors.Add });

        Assert.Equal(new Exception[] { failure }, errors);
    }

    // ───────────────────────────── Cancellation tokens ─────────────────────────────

    [Fact]
    public void Start_WithATokenAlreadyCanceled_TheBodyNeverRuns_AndTheHandleIsCanceledWithThatToken()
    {
        var ran = false;
        IEnumerator Body()
        {
            ran = true;
            yield break;
        }

        TestLoops.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            var coroutine = EventLoop.Current!.Start(Body(), cancellationToken: cts.Token);
            var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await coroutine);
            Assert.Equal(cts.Token, error.CancellationToken);
        });

        Assert.False(ran);
    }

    [Fact]
    public void Start_TokenCanceledWhileRunning_StopsTheCoroutine_AndRunsItsFinallyBlock()
    {
        var led = new Led();

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            using var cts = new CancellationTokenSource();
            var blink = loop.Start(Blink(led), cancellationToken: cts.Token);
            await EventLoop.Sleep(TimeSpan.FromSeconds(0.25));
            Assert.True(led.IsOn);

            cts.Cancel();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await blink);
            Assert.False(led.IsOn);
            Assert.Equal(TimeSpan.FromSeconds(0.25), loop.Now); // stopped at once, not at the next toggle
        });

        Assert.Equal(1, led.Toggles);
    }

    [Fact]
    public void Start_TokenCanceledFromAnotherThread_StopsTheCoroutineOnTheLoopThread()
    {
        var finallyThread = -1;
        var never = new TaskCompletionSource();
        IEnumerator Waiter()
        {
            try
            {
                yield return never.Task;
            }
            finally
            {
                finallyThread = Environment.CurrentManagedThreadId;
            }
        }

        var loopThread = EventLoop.Run(async () =>
        {
            using var cts = new CancellationTokenSource();
            var coroutine = EventLoop.Current!.Start(Waiter(), cancellationToken: cts.Token);
            await EventLoop.Yield();
            await Task.Run(cts.Cancel);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await coroutine);
            return Environment.CurrentManagedThreadId;
        }, TestLoops.Virtual());

        Assert.Equal(loopThread, finallyThread);
    }

    [Fact]
    public void Start_TokenCanceledAfterTheCoroutineEnded_ChangesNothing()
    {
        IEnumerator Short()
        {
            yield return null;
        }

        TestLoops.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource();
            var coroutine = EventLoop.Current!.Start(Short(), cancellationToken: cts.Token);
            await coroutine;
            cts.Cancel();
            await EventLoop.Yield();
            Assert.True(coroutine.Completion.IsCompletedSuccessfully);
        });
    }

    [Fact]
    public void Stop_OffTheLoopThread_ThrowsWrongThreadException()
    {
        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start(Forever());
            var error = await Task.Run(() => Record.Exception(coroutine.Stop));
            Assert.IsType<WrongThreadException>(error);
            Assert.True(coroutine.IsRunning);
            coroutine.Stop();
        });
    }
}
