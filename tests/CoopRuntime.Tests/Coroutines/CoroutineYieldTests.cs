using System.Collections;
using System.Diagnostics;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Coroutines;

/// <summary>What each kind of yielded value means: null, timed waits, conditions, tasks, and what is refused.</summary>
public class CoroutineYieldTests
{
    private static IEnumerator Steps(List<string> log, string name, int count)
    {
        for (var i = 0; i < count; i++)
        {
            log.Add($"{name}{i}");
            yield return null;
        }
    }

    // ───────────────────────────── null / Wait.NextIteration ─────────────────────────────

    [Fact]
    public void YieldNull_ResumesOnTheNextIteration_InterleavingWithOtherCoroutines_WithoutTimePassing()
    {
        var log = new List<string>();

        var now = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var a = loop.Start(Steps(log, "a", 3));
            var b = loop.Start(Steps(log, "b", 3));
            await Task.WhenAll(a.Completion, b.Completion);
            return loop.Now;
        }, TestLoops.Virtual());

        Assert.Equal(new[] { "a0", "b0", "a1", "b1", "a2", "b2" }, log);
        Assert.Equal(TimeSpan.Zero, now);
    }

    [Fact]
    public void YieldWaitNextIteration_InATypedRoutine_BehavesLikeYieldNull()
    {
        var log = new List<string>();
        IEnumerator<Wait> Typed()
        {
            for (var i = 0; i < 3; i++)
            {
                log.Add($"t{i}");
                yield return Wait.NextIteration;
            }
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var typed = loop.Start(Typed());
            var plain = loop.Start(Steps(log, "p", 3));
            await Task.WhenAll(typed.Completion, plain.Completion);
        });

        Assert.Equal(new[] { "t0", "p0", "t1", "p1", "t2", "p2" }, log);
    }

    [Fact]
    public void Start_FirstStepRunsOnTheNextIteration_NotInsideStart()
    {
        var log = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start(Steps(log, "c", 1));
            log.Add("after Start");
            Assert.True(coroutine.IsRunning);
            await coroutine;
        });

        Assert.Equal(new[] { "after Start", "c0" }, log);
    }

    // ───────────────────────────── Wait.Seconds / Wait.For ─────────────────────────────

    [Fact]
    public void WaitFor_UnderAVirtualClock_ResumesAtExactlyThoseLoopTimes()
    {
        var times = new List<TimeSpan>();
        IEnumerator Timed(EventLoop loop)
        {
            yield return Wait.For(TimeSpan.FromMilliseconds(250));
            times.Add(loop.Now);
            yield return Wait.Seconds(1.5);
            times.Add(loop.Now);
            yield return Wait.For(TimeSpan.Zero);
            times.Add(loop.Now);
        }

        TestLoops.RunVirtual(async () => await EventLoop.Current!.Start(Timed(EventLoop.Current)));

        Assert.Equal(new[] { TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(1750), TimeSpan.FromMilliseconds(1750) }, times);
    }

    [Theory]
    [InlineData(43)]
    [InlineData(570)]
    [InlineData(1130)]
    [InlineData(2010)]
    public void WaitSeconds_FractionalSeconds_WaitsTheNearestWholeTick(int milliseconds)
    {
        // Regression: Wait.Seconds truncated seconds * 10^7, so 0.57 s became 5,699,999 ticks and a repeating wait drifted.
        var seconds = milliseconds / 1000.0;

        var now = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            await loop.Start(Once(seconds));
            return loop.Now;
        }, TestLoops.Virtual());

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), now);

        static IEnumerator Once(double seconds)
        {
            yield return Wait.Seconds(seconds);
        }
    }

    [Fact]
    public void WaitSeconds_OverHoursOfVirtualLoopTime_EndsAtExactlyTheSumOfItsWaits()
    {
        const int Waits = 20_000;
        var stopwatch = Stopwatch.StartNew();
        IEnumerator Blink()
        {
            for (var i = 0; i < Waits; i++)
            {
                yield return Wait.Seconds(0.57);
            }
        }

        var now = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            await loop.Start(Blink(), name: "blink");
            return loop.Now;
        }, TestLoops.Virtual());

        // 20,000 × 0.57 s = 11,400 s: over three hours of loop time, to the tick.
        Assert.Equal(TimeSpan.FromSeconds(11_400), now);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed} of real time");
    }

    [Fact]
    public void WaitSeconds_TheLargestAllowedValue_SaturatesInsteadOfOverflowing()
    {
        var wait = Wait.Seconds(TimeSpan.MaxValue.TotalSeconds);

        Assert.Equal($"Wait.For({TimeSpan.MaxValue})", wait.ToString());
    }

    [Theory]
    [InlineData(-0.001)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(1e300)]
    public void WaitSeconds_NegativeOrNotFinite_ThrowsArgumentOutOfRange(double seconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>("seconds", () => Wait.Seconds(seconds));
    }

    [Fact]
    public void WaitFor_NegativeDuration_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>("duration", () => Wait.For(TimeSpan.FromTicks(-1)));
    }

    // ───────────────────────────── Wait.Until / Wait.While ─────────────────────────────

    [Fact]
    public void WaitWhile_ResumesOnceTheConditionTurnsFalse()
    {
        var busy = true;
        var resumedAt = TimeSpan.MinValue;
        IEnumerator Waiter(EventLoop loop)
        {
            yield return Wait.While(() => busy);
            resumedAt = loop.Now;
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var coroutine = loop.Start(Waiter(loop));
            await EventLoop.Sleep(TimeSpan.FromSeconds(2));
            Assert.True(coroutine.IsRunning);
            busy = false;
            await coroutine;
        });

        // Cleared at 2 s by code that runs before that iteration's poll, which sees it at once.
        Assert.Equal(TimeSpan.FromSeconds(2), resumedAt);
    }

    [Fact]
    public void WaitUntil_WhileTheLoopIsIdle_IsCheckedOncePerPollInterval_NeverInABusyLoop()
    {
        var pollInterval = TimeSpan.FromMilliseconds(25);
        var checks = new List<TimeSpan>();
        IEnumerator Waiter(EventLoop loop)
        {
            yield return Wait.Until(() =>
            {
                checks.Add(loop.Now);
                return loop.Now >= TimeSpan.FromSeconds(1);
            });
        }

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            await loop.Start(Waiter(loop));
        }, new EventLoopOptions { Clock = new VirtualClock(), PollInterval = pollInterval });

        // First checked on the iteration right after the yield; then, with nothing else to do, once per poll interval:
        // 41 checks for one second, never two at the same loop time.
        var expected = Enumerable.Range(0, 41).Select(i => pollInterval * i).ToArray();
        Assert.Equal(expected, checks);
    }

    [Fact]
    public void WaitUntil_WhileOtherWorkRuns_IsCheckedExactlyOncePerIteration()
    {
        var checks = 0;
        var seen = new List<int>();
        IEnumerator Waiter()
        {
            yield return Wait.Until(() =>
            {
                checks++;
                return false;
            });
        }

        IEnumerator Busy()
        {
            for (var i = 0; i < 20; i++)
            {
                seen.Add(checks);
                yield return null;
            }
        }

        var now = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var waiter = loop.Start(Waiter());
            await loop.Start(Busy());
            waiter.Stop();
            return loop.Now;
        }, TestLoops.Virtual());

        // Iteration 1: the waiter starts waiting. From iteration 2 on, one check per iteration, after the busy step.
        Assert.Equal(new[] { 0, 0 }.Concat(Enumerable.Range(1, 18)), seen);
        Assert.Equal(TimeSpan.Zero, now); // busy iterations never waited for the poll interval
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WaitUntil_ConditionAlreadyTrue_IsCheckedFirstOnTheIterationAfterTheYield(bool anotherCoroutineAlreadyWaits)
    {
        // Regression: when another coroutine already waited on a condition, the poll queued for the current iteration
        // also checked the new waiter, so it resumed in the iteration of its yield (and before work queued earlier).
        var log = new List<string>();
        var release = false;
        IEnumerator Blocker()
        {
            yield return Wait.Until(() => release);
        }

        IEnumerator Checker()
        {
            yield return null;
            log.Add("checker yields");
            yield return Wait.Until(() =>
            {
                log.Add("checked");
                return true;
            });
            log.Add("checker resumed");
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var blocker = anotherCoroutineAlreadyWaits ? loop.Start(Blocker()) : null;
            var ticker = loop.Start(Steps(log, "tick", 4));
            var checker = loop.Start(Checker());
            await Task.WhenAll(ticker.Completion, checker.Completion);
            release = true;
            if (blocker is not null)
            {
                await blocker;
            }
        });

        Assert.Equal(new[] { "tick0", "tick1", "checker yields", "tick2", "checked", "checker resumed", "tick3" }, log);
    }

    [Fact]
    public void WaitUntil_WaitsStartedInTheIterationThatArmsThePollAndInTheNext_AreEachCheckedFirstOnTheIterationAfterTheirYield()
    {
        // The first condition wait arms the poll; the loop builds the next iteration's batch with it. Waits started
        // later in the arming iteration belong to that next poll; waits started in the next iteration do not.
        var log = new List<string>();
        IEnumerator Waiter(string name, int iterationsFirst)
        {
            for (var i = 0; i < iterationsFirst; i++)
            {
                yield return null;
            }

            log.Add($"{name} yields");
            yield return Wait.Until(() => true);
            log.Add($"{name} resumed");
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var late = loop.Start(Waiter("late", 1)); // started first, so its second step runs first in iteration 2
            var first = loop.Start(Waiter("first", 0));
            var second = loop.Start(Waiter("second", 0));
            var ticker = loop.Start(Steps(log, "tick", 3));
            await Task.WhenAll(late.Completion, first.Completion, second.Completion, ticker.Completion);
        });

        Assert.Equal(
            new[]
            {
                "first yields", "second yields", "tick0",                      // iteration 1: "first" arms the poll
                "late yields", "tick1", "first resumed", "second resumed",     // iteration 2: the poll skips "late"
                "tick2", "late resumed",                                       // iteration 3
            },
            log);
    }

    [Fact]
    public void WaitUntil_SeveralWaiters_AreCheckedAndResumedInTheOrderTheyStartedWaiting()
    {
        var checkedOrder = new List<string>();
        var resumedOrder = new List<string>();
        var open = false;
        IEnumerator Waiter(string name, int delayIterations)
        {
            for (var i = 0; i < delayIterations; i++)
            {
                yield return null;
            }

            yield return Wait.Until(() =>
            {
                checkedOrder.Add(name);
                return open;
            });
            resumedOrder.Add(name);
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            // Started x, y, z; they start waiting in the order z, x, y.
            var x = loop.Start(Waiter("x", 1));
            var y = loop.Start(Waiter("y", 2));
            var z = loop.Start(Waiter("z", 0));
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            checkedOrder.Clear();
            open = true;
            await Task.WhenAll(x.Completion, y.Completion, z.Completion);
        });

        Assert.Equal(new[] { "z", "x", "y" }, checkedOrder);
        Assert.Equal(new[] { "z", "x", "y" }, resumedOrder);
    }

    [Fact]
    public void WaitUntil_PredicateThrows_FaultsTheCoroutineWithThatException_AndRunsItsFinallyBlocks()
    {
        var failure = new InvalidDataException("sensor offline");
        var log = new List<string>();
        IEnumerator Outer()
        {
            try
            {
                yield return Inner();
                log.Add("outer resumed");
            }
            finally
            {
                log.Add("outer finally");
            }
        }

        IEnumerator Inner()
        {
            try
            {
                yield return Wait.Until(() => throw failure);
            }
            finally
            {
                log.Add("inner finally");
            }
        }

        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start(Outer());
            var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await coroutine);
            Assert.Same(failure, error);
        });

        Assert.Equal(new[] { "inner finally", "outer finally" }, log);
    }

    [Fact]
    public void WaitUntilAndWhile_NullCondition_ThrowArgumentNull()
    {
        Assert.Throws<ArgumentNullException>("condition", () => Wait.Until(null!));
        Assert.Throws<ArgumentNullException>("condition", () => Wait.While(null!));
    }

    // ───────────────────────────── Tasks ─────────────────────────────

    [Fact]
    public void YieldTaskFromTheThreadPool_ResumesOnTheLoopThreadWithTheResult()
    {
        var resumedOn = -1;
        var value = 0;
        IEnumerator WaitForWork()
        {
            var work = Task.Run(() => 7);
            yield return work;
            resumedOn = Environment.CurrentManagedThreadId;
            value = work.Result;
        }

        var loopThread = EventLoop.Run(async () =>
        {
            await EventLoop.Current!.Start(WaitForWork());
            return Environment.CurrentManagedThreadId;
        }, TestLoops.Virtual());

        Assert.Equal(loopThread, resumedOn);
        Assert.Equal(7, value);
    }

    [Fact]
    public void YieldValueTask_ResumesWhenItCompletes()
    {
        var resumedAt = TimeSpan.MinValue;
        IEnumerator Sleeper(EventLoop loop)
        {
            yield return EventLoop.Sleep(TimeSpan.FromSeconds(3)); // a ValueTask
            resumedAt = loop.Now;
        }

        TestLoops.RunVirtual(async () => await EventLoop.Current!.Start(Sleeper(EventLoop.Current)));

        Assert.Equal(TimeSpan.FromSeconds(3), resumedAt);
    }

    [Fact]
    public void YieldCompletedTask_ContinuesInTheSameStepWithoutGivingUpTheIteration()
    {
        var log = new List<string>();
        IEnumerator Continues()
        {
            log.Add("before");
            yield return Task.CompletedTask;
            log.Add("after");
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var continues = loop.Start(Continues());
            var other = loop.Start(Steps(log, "other", 1));
            await Task.WhenAll(continues.Completion, other.Completion);
        });

        Assert.Equal(new[] { "before", "after", "other0" }, log);
    }

    [Fact]
    public void YieldFaultedTask_FaultsTheCoroutineWithTheOriginalException()
    {
        var failure = new TimeoutException("no reply");
        var cleanedUp = false;
        IEnumerator Caller()
        {
            try
            {
                yield return FailLaterAsync();
            }
            finally
            {
                cleanedUp = true;
            }
        }

        async Task FailLaterAsync()
        {
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            throw failure;
        }

        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start(Caller());
            var error = await Assert.ThrowsAsync<TimeoutException>(async () => await coroutine);
            Assert.Same(failure, error);
        });

        Assert.True(cleanedUp);
    }

    [Fact]
    public void YieldCanceledTask_StopsTheCoroutine_AwaitersSeeCancellation()
    {
        var cleanedUp = false;
        var resumed = false;
        IEnumerator Caller(CancellationToken token)
        {
            try
            {
                yield return EventLoop.Sleep(TimeSpan.FromHours(1), token).AsTask();
                resumed = true;
            }
            finally
            {
                cleanedUp = true;
            }
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            using var cts = new CancellationTokenSource();
            var coroutine = loop.Start(Caller(cts.Token));
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await coroutine);
            Assert.True(coroutine.Completion.IsCanceled);
        });

        Assert.True(cleanedUp);
        Assert.False(resumed);
    }

    // ───────────────────────────── Refused values ─────────────────────────────

    public static TheoryData<object, string> UnsupportedValues() => new()
    {
        { 42, "System.Int32" },
        { "text", "System.String" },
        { new List<int> { 1 }, "System.Collections.Generic.List`1[System.Int32]" },
        { new ValueTask<int>(5), "System.Threading.Tasks.ValueTask`1[System.Int32]" },
        { TimeSpan.FromSeconds(1), "System.TimeSpan" },
    };

    [Theory]
    [MemberData(nameof(UnsupportedValues))]
    public void YieldUnsupportedValue_FaultsNamingTheTypeAndListingWhatIsSupported(object value, string typeName)
    {
        var cleanedUp = false;
        IEnumerator Bad()
        {
            try
            {
                yield return value;
            }
            finally
            {
                cleanedUp = true;
            }
        }

        var error = Assert.Throws<InvalidOperationException>(() => TestLoops.RunVirtual(async () =>
        {
            await EventLoop.Current!.Start(Bad(), name: "bad");
        }));

        Assert.Contains(typeName, error.Message);
        Assert.Contains("'bad'", error.Message);
        foreach (var supported in new[] { "null", "Wait.Seconds", "Wait.Until", "Wait.Frames", "nested IEnumerator", "Task", "ValueTask", "Coroutine" })
        {
            Assert.Contains(supported, error.Message);
        }

        Assert.True(cleanedUp);
    }

    [Fact]
    public void YieldValueTaskOfT_FaultsAdvisingAsTask()
    {
        IEnumerator Bad()
        {
            yield return new ValueTask<int>(Task.FromResult(1));
        }

        var error = Assert.Throws<InvalidOperationException>(() => TestLoops.RunVirtual(async () => await EventLoop.Current!.Start(Bad())));

        Assert.Contains("AsTask()", error.Message);
    }

    [Fact]
    public void YieldItsOwnHandle_FaultsInsteadOfWaitingForever()
    {
        Coroutine? self = null;
        IEnumerator WaitsForItself()
        {
            yield return null;
            yield return self!;
        }

        TestLoops.RunVirtual(async () =>
        {
            self = EventLoop.Current!.Start(WaitsForItself(), name: "narcissus");
            var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await self);
            Assert.Contains("'narcissus'", error.Message);
            Assert.Contains("itself", error.Message);
        });
    }
}
