using System.Collections;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Coroutines;

/// <summary>
/// Keeps docs/guides/coroutines.md compiling and true: every code block of the guide is a <c>#region guide: ...</c>
/// below, verbatim (the first test checks that), and each test runs its block under a virtual clock and asserts what
/// the guide says.
/// </summary>
public class CoroutineGuideExamplesTests
{
    // ───────────────────────────── The guide's own types ─────────────────────────────

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

    private sealed class Guard(EventLoop loop, List<string> log)
    {
        public bool SeesIntruder;

        public async Task RadioAsync()
        {
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            log.Add($"radioed at {loop.Now.TotalSeconds} s");
        }

        public void Report() => log.Add($"reported at {loop.Now.TotalSeconds} s");
    }

    private sealed class Door(EventLoop loop)
    {
        public bool IsUnlocked;
        public bool IsMoving;
        public readonly List<string> Log = new();

        public void Open()
        {
            Log.Add($"open at {loop.Now.TotalSeconds} s");
            IsMoving = true;
        }

        public void Latch() => Log.Add($"latch at {loop.Now.TotalSeconds} s");
    }

    private sealed class Sprite
    {
        public int Steps;
        public bool Hidden;

        public void Step() => Steps++;

        public void Hide() => Hidden = true;
    }

    private sealed class Counter
    {
        public int Beats;

        public void Beat() => Beats++;
    }

    private sealed class Camera
    {
        public bool IsSettled;
        public readonly List<string> Log = new();
    }

    // ───────────────────────────── The guide's iterators (more are local functions below) ─────────────────────────────
    // Written as the guide writes them, without modifiers: private instance members of this class.

    #region guide: blink
    IEnumerator Blink(Led led)
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
    #endregion

    #region guide: patrol
    IEnumerator Patrol(Guard guard)
    {
        yield return null;                                  // the next loop iteration
        yield return Wait.Seconds(1.5);                     // 1.5 s of loop time
        yield return Wait.Until(() => guard.SeesIntruder);  // checked once per iteration
        yield return SoundAlarm(guard);                     // nested: runs to completion first
        yield return guard.RadioAsync();                    // a Task: resume when it completes
        guard.Report();
    }
    #endregion

    private static IEnumerator SoundAlarm(Guard guard)
    {
        guard.SeesIntruder = false;
        yield return Wait.Seconds(2);
    }

    #region guide: open when ready
    IEnumerator OpenWhenReady(Door door)
    {
        yield return Wait.Until(() => door.IsUnlocked);
        door.Open();
        yield return Wait.While(() => door.IsMoving);
        door.Latch();
    }
    #endregion

    #region guide: countdown
    IEnumerator<Wait> Countdown(int from)
    {
        for (var i = from; i > 0; i--)
        {
            yield return Wait.Seconds(1);
        }

        yield return Wait.Return("lift-off");
    }
    #endregion

    // ───────────────────────────── The guide stays in sync ─────────────────────────────

    [Fact]
    public void Guide_EveryCodeBlockIsARegionOfTheseTests()
    {
        GuideText.AssertGuideContainsRegions("docs/guides/coroutines.md", "tests/CoopRuntime.Tests/Coroutines/CoroutineGuideExamplesTests.cs", 15);
        GuideText.AssertGuideHasCSharpBlocks("docs/guides/coroutines.md", 15);
    }

    // ───────────────────────────── Each block runs and does what the guide says ─────────────────────────────

    [Fact]
    public void AFirstCoroutine_StopTurnsTheLedOff_AndAwaitingTheStoppedHandleThrowsCanceled()
    {
        var led = new Led();
        Coroutine? handle = null;

        TestLoops.RunVirtual(async () =>
        {
            #region guide: start and stop
            var loop = EventLoop.Current!;
            Coroutine blink = loop.Start(Blink(led), name: "blink");
            await EventLoop.Sleep(TimeSpan.FromSeconds(3));

            blink.Stop();                         // led.Off() has already run when Stop returns
            try
            {
                await blink;
            }
            catch (OperationCanceledException)
            {
                // a stopped coroutine ends cancelled
            }
            #endregion

            handle = blink;
        });

        Assert.Equal(6, led.Toggles); // at 0, 0.5, ... 2.5 s
        Assert.False(led.IsOn);
        Assert.True(handle!.Completion.IsCanceled);
    }

    [Fact]
    public void WhatACoroutineMayYield_PatrolWaitsForEachInTurn()
    {
        var log = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var guard = new Guard(loop, log);
            loop.CallLater(TimeSpan.FromSeconds(4), () => guard.SeesIntruder = true);
            var patrol = loop.Start(Patrol(guard));
            Assert.Equal(new[] { patrol }, loop.Coroutines);
            await patrol;
        });

        // Intruder at 4 s (seen by the poll of that iteration), alarm 2 s, radio 1 s.
        Assert.Equal(new[] { "radioed at 7 s", "reported at 7 s" }, log);
    }

    [Fact]
    public void ConditionsArePolled_TheDoorOpensWhenUnlockedAndLatchesWhenItStopsMoving()
    {
        Door? door = null;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            door = new Door(loop);
            loop.CallLater(TimeSpan.FromSeconds(1), () => door.IsUnlocked = true);
            loop.CallLater(TimeSpan.FromSeconds(3), () => door.IsMoving = false);
            await loop.Start(OpenWhenReady(door));
        });

        // Each change is seen by the poll at the end of the iteration in which it happened.
        Assert.Equal(new[] { "open at 1 s", "latch at 3 s" }, door!.Log);
    }

    [Fact]
    public void Frames_AnimateStepsOncePerTickThenHidesThirtyTicksLater()
    {
        #region guide: frames
        var options = new EventLoopOptions { FrameRate = 60 };  // loop.Frame counts 60 ticks per second

        IEnumerator Animate(Sprite sprite)
        {
            for (var i = 0; i < 10; i++)
            {
                sprite.Step();
                yield return Wait.NextFrame;                     // once per tick
            }

            yield return Wait.Frames(30);                        // half a second at 60 ticks per second
            sprite.Hide();
        }
        #endregion

        var sprite = new Sprite();
        var frame = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            await loop.Start(Animate(sprite));
            return loop.Frame;
        }, new EventLoopOptions { Clock = new VirtualClock(), FrameRate = options.FrameRate });

        Assert.Equal(10, sprite.Steps);
        Assert.True(sprite.Hidden);
        Assert.Equal(40, frame);
    }

    [Fact]
    public void Results_TheCountdownReturnsItsMessageAfterThreeSeconds()
    {
        var (launched, now) = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            #region guide: launch
            Coroutine<string> launch = loop.Start<string>(Countdown(3));
            string message = await launch;            // "lift-off", after 3 s of loop time
            #endregion
            return (message, loop.Now);
        }, TestLoops.Virtual());

        Assert.Equal("lift-off", launched);
        Assert.Equal(TimeSpan.FromSeconds(3), now);
    }

    [Fact]
    public void Stopping_RunsTheInnerFinallyBlockBeforeTheOuterOne()
    {
        #region guide: download
        IEnumerator Download(List<string> log)
        {
            try
            {
                yield return Transfer("header", log);
                yield return Transfer("body", log);
            }
            finally
            {
                log.Add("download finally");       // runs second
            }
        }

        IEnumerator Transfer(string part, List<string> log)
        {
            try
            {
                yield return Wait.Seconds(10);
            }
            finally
            {
                log.Add($"{part} finally");        // runs first
            }
        }
        #endregion

        var log = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            #region guide: stop the download
            var download = loop.Start(Download(log));
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            download.Stop();                          // log: "header finally", "download finally"
            #endregion
            Assert.True(download.Completion.IsCanceled);
        });

        Assert.Equal(new[] { "header finally", "download finally" }, log);
    }

    [Fact]
    public void Stopping_ACancellationTokenCanceledFromAnotherThreadStopsTheCoroutine()
    {
        var led = new Led();
        Coroutine? handle = null;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            #region guide: cancellation token
            using var cts = new CancellationTokenSource();
            var blinking = loop.Start(Blink(led), cancellationToken: cts.Token);
            await Task.Run(() => cts.Cancel());       // any thread may cancel
            #endregion
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await blinking);
            handle = blinking;
        });

        Assert.False(led.IsOn);
        Assert.False(handle!.IsRunning);
    }

    [Fact]
    public void WithAsyncAndAwait_LoadLevelAwaitsCoroutinesAndTheyAwaitTasks()
    {
        var faded = false;
        IEnumerator FadeOut()
        {
            yield return Wait.Seconds(1);
            faded = true;
        }

        static async Task<byte[]> FetchAsync(string name)
        {
            await EventLoop.Sleep(TimeSpan.FromSeconds(2));
            return new byte[name.Length * 100];
        }

        #region guide: load level
        async Task<int> LoadLevelAsync(EventLoop loop)
        {
            await loop.Start(FadeOut());                                  // async code awaits a coroutine
            var sizes = await Task.WhenAll(
                loop.Start<int>(LoadChunk("north")).Completion,
                loop.Start<int>(LoadChunk("south")).Completion);         // several, with Task.WhenAll
            return sizes.Sum();
        }

        IEnumerator<Wait> LoadChunk(string name)
        {
            var download = FetchAsync(name);
            yield return download;                                        // a coroutine waits for a Task
            yield return Wait.Return(download.Result.Length);
        }
        #endregion

        var (loaded, now) = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            return (await LoadLevelAsync(loop), loop.Now);
        }, TestLoops.Virtual());

        Assert.True(faded);
        Assert.Equal(1000, loaded);
        Assert.Equal(TimeSpan.FromSeconds(3), now); // 1 s of fade, then both chunks in parallel for 2 s
    }

    [Fact]
    public void TheZeroAllocationPath_HeartbeatAndTickerBeatTenTimesASecond()
    {
        #region guide: zero allocation
        IEnumerator<Wait> Heartbeat(Counter counter)
        {
            while (true)
            {
                counter.Beat();
                yield return Wait.Seconds(0.1);       // a struct in IEnumerator<Wait>: nothing is boxed
            }
        }

        IEnumerator Ticker(Counter counter)
        {
            object tick = Wait.Seconds(0.1);          // boxed once...
            while (true)
            {
                counter.Beat();
                yield return tick;                      // ...and yielded every time
            }
        }
        #endregion

        var typed = new Counter();
        var boxed = new Counter();

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var heartbeat = loop.Start(Heartbeat(typed));
            var ticker = loop.Start(Ticker(boxed));
            await EventLoop.Sleep(TimeSpan.FromSeconds(0.95));
            heartbeat.Stop();
            ticker.Stop();
        });

        Assert.Equal(10, typed.Beats); // at 0, 0.1, ... 0.9 s
        Assert.Equal(10, boxed.Beats);
    }

    [Fact]
    public void Detached_ABurstOfSparksEachHidesAfterAFifthOfASecond_AndTheFuseStopsRunningItsFinallyBlock()
    {
        var sparks = Enumerable.Range(0, 1000).Select(_ => new Sprite()).ToArray();
        var led = new Led();
        var pooledAfterBurst = 0;
        var hiddenAt = TimeSpan.Zero;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;

            #region guide: detached
            IEnumerator Spark(Sprite spark)
            {
                yield return Wait.Seconds(0.2);
                spark.Hide();
            }

            foreach (var spark in sparks)
            {
                loop.StartDetached(Spark(spark));       // no Coroutine object; finished ones are reused
            }

            CoroutineHandle fuse = loop.StartDetached(Blink(led), name: "fuse");
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            if (fuse.IsRunning)
            {
                fuse.Stop();                            // its finally blocks run, as with Coroutine.Stop
            }
            #endregion

            hiddenAt = loop.Now;
            pooledAfterBurst = loop.PooledCoroutineCount;
            Assert.False(fuse.IsRunning);
        });

        Assert.All(sparks, spark => Assert.True(spark.Hidden));
        Assert.Equal(1000, pooledAfterBurst); // every spark ended in its own step; the stopped fuse is not reused
        Assert.Equal(TimeSpan.FromSeconds(1), hiddenAt);
        Assert.False(led.IsOn);
        Assert.Equal(2, led.Toggles); // at 0 and 0.5 s
    }

    [Fact]
    public void SeeingWhatRuns_TheReportNamesEachCoroutineAndWhatItWaitsOn()
    {
        var led = new Led();
        string? seen = null;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            _ = loop.Start(Blink(led), name: "blink");
            await EventLoop.Sleep(TimeSpan.FromSeconds(1.2));

            #region guide: report
            var report = string.Join(Environment.NewLine,
                loop.Coroutines.Select(c => $"{c.Name}: waiting on {c.WaitingOn}"));
            // blink: waiting on Wait.For(00:00:00.5000000) until 00:00:01.5000000
            #endregion

            seen = report;
        });

        Assert.Equal("blink: waiting on Wait.For(00:00:00.5000000) until 00:00:01.5000000", seen);
    }

    [Fact]
    public void ComingFromUnity_TheCutsceneStopsItsMusicAndTheMusicsFinallyRuns()
    {
        var stage = new Camera();

        #region guide: cutscene
        IEnumerator Cutscene(EventLoop loop, Camera camera)
        {
            var music = loop.Start(PlayMusic(), name: "music");     // StartCoroutine(PlayMusic())
            yield return Wait.Seconds(1);                           // yield return new WaitForSeconds(1)
            yield return Wait.Until(() => camera.IsSettled);        // yield return new WaitUntil(...)
            yield return Fade(camera);                              // yield return StartCoroutine(Fade(camera))
            music.Stop();                                           // StopCoroutine(music), and its finally blocks run
        }
        #endregion

        IEnumerator PlayMusic()
        {
            try
            {
                while (true)
                {
                    yield return Wait.Seconds(0.25);
                }
            }
            finally
            {
                stage.Log.Add("music stopped");
            }
        }

        IEnumerator Fade(Camera camera)
        {
            camera.Log.Add("fade starts");
            yield return Wait.Seconds(0.5);
            camera.Log.Add("fade ends");
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            loop.CallLater(TimeSpan.FromSeconds(2), () => stage.IsSettled = true);
            await loop.Start(Cutscene(loop, stage));
            Assert.Equal(TimeSpan.FromSeconds(2.5), loop.Now);
            Assert.Empty(loop.Coroutines);
        });

        Assert.Equal(new[] { "fade starts", "fade ends", "music stopped" }, stage.Log);
    }
}
