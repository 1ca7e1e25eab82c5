using System.Collections;
using System.Runtime.CompilerServices;
using CoopRuntime.Benchmarks.Compare;

namespace CoopRuntime.Benchmarks.Peers;

/// <summary>The workloads written the way a CoopRuntime user would write them.</summary>
internal static class CoopRuntimePeer
{
    // ───── 1. post chain ─────

    public static void PostChain(int count)
    {
        using var loop = new EventLoop();
        RunPostChain(loop, count);
    }

    /// <summary>Runs a chain of <paramref name="count"/> callbacks on <paramref name="loop"/>, each scheduling the next with CallSoon(static, state).</summary>
    public static void RunPostChain(EventLoop loop, int count)
    {
        var chain = new PostChainState(loop, count);
        loop.CallSoon(PostChainState.Step, chain);
        loop.RunForever();
        Checks.Equal(0, chain.Remaining, "CoopRuntime post chain");
    }

    private sealed class PostChainState(EventLoop loop, int count)
    {
        public readonly EventLoop Loop = loop;
        public int Remaining = count;

        // A static method group: C# caches the delegate, so the chain allocates nothing per step.
        public static void Step(PostChainState chain)
        {
            if (--chain.Remaining > 0)
            {
                chain.Loop.CallSoon(Step, chain);
            }
            else
            {
                chain.Loop.Stop();
            }
        }
    }

    // ───── 2. tasks × yields ─────

    public static void YieldTasks(int tasks, int yields) => EventLoop.Run(() => YieldAll(tasks, yields));

    private static async Task YieldAll(int tasks, int yields)
    {
        var all = new Task[tasks];
        for (var i = 0; i < tasks; i++)
        {
            all[i] = YieldMany(yields);
        }

        await Task.WhenAll(all);
    }

    public static async Task YieldMany(int yields)
    {
        for (var i = 0; i < yields; i++)
        {
            await EventLoop.Yield();
        }
    }

    // ───── 3. timers on the real clock ─────

    /// <summary>One CallLater(static, state) per delay on the default MonotonicClock; the last one to fire stops the loop.</summary>
    public static void TimersCallLater(TimeSpan[] delays)
    {
        using var loop = new EventLoop();
        var fired = new TimerCountdown(loop, delays.Length);
        foreach (var delay in delays)
        {
            loop.CallLater(delay, TimerCountdown.Fire, fired);
        }

        loop.RunForever();
        Checks.Equal(0, fired.Remaining, "CoopRuntime CallLater timers");
    }

    private sealed class TimerCountdown(EventLoop loop, int count)
    {
        public readonly EventLoop Loop = loop;
        public int Remaining = count;

        public static void Fire(TimerCountdown countdown)
        {
            if (--countdown.Remaining == 0)
            {
                countdown.Loop.Stop();
            }
        }
    }

    /// <summary>One async method per delay, each awaiting EventLoop.Sleep on the default MonotonicClock.</summary>
    public static void TimersSleep(TimeSpan[] delays) => EventLoop.Run(async () =>
    {
        var done = new Countdown(delays.Length);
        foreach (var delay in delays)
        {
            _ = SleepOnce(delay, done);
        }

        await done.Task;
    });

    private static async Task SleepOnce(TimeSpan delay, Countdown done)
    {
        try
        {
            await EventLoop.Sleep(delay);
            done.Signal();
        }
        catch (Exception error)
        {
            done.Fail(error);
        }
    }

    // ───── 4. many spawned tasks parked on one event ─────

    /// <summary>
    /// Spawns <paramref name="count"/> tasks that all wait on one TaskCompletionSource, then releases them; repeats
    /// for <paramref name="bursts"/> bursts on the same loop (the second burst shows the cost on a warm loop).
    /// </summary>
    /// <param name="asyncBody">False: the body returns the gate's task (<c>ct => gate.Task</c>), so the loop's own
    /// bookkeeping is all there is. True: the body is <c>async ct => await gate.Task</c>, which adds the compiler's
    /// state machine for the user's async lambda.</param>
    public static void WaitingTasks(int count, bool asyncBody, int bursts, Probe probe) => EventLoop.Run(async () =>
    {
        var loop = EventLoop.Current!;
        for (var burst = 0; burst < bursts; burst++)
        {
            var gate = new TaskCompletionSource();
            Func<CancellationToken, Task> body = asyncBody ? async _ => await gate.Task : _ => gate.Task;
            probe.Mark(MarkNames.Start(burst));
            for (var i = 0; i < count; i++)
            {
                _ = loop.Spawn(body);
            }

            // Spawned tasks start on the next iteration, in order, before this continuation: once it runs, every
            // task has started and is parked on the gate.
            await EventLoop.Yield();
            probe.Mark(MarkNames.Parked(burst));
            Checks.Equal(count, loop.LiveTaskCount, "CoopRuntime spawned tasks parked");

            gate.SetResult();

            // LiveTaskCount is internal (the library grants this assembly access): it is the loop's own count of
            // tasks that have not finished, the only exact "all released tasks are done" signal without adding a
            // per-task handle array to the measurement.
            while (loop.LiveTaskCount > 0)
            {
                await EventLoop.Yield();
            }
        }
    });

    // ───── 5. steady-state allocation ─────

    /// <summary><paramref name="count"/> sequential <c>await EventLoop.Sleep(1 ms)</c> on a loop (meant for a VirtualClock).</summary>
    public static async Task SleepMany(int count)
    {
        var delay = TimeSpan.FromMilliseconds(1);
        for (var i = 0; i < count; i++)
        {
            await EventLoop.Sleep(delay);
        }
    }

    /// <summary>A chain of <paramref name="count"/> CallLater(1 ms, static, state) callbacks, each scheduling the next, then fired.</summary>
    public static void RunTimerChain(EventLoop loop, int count)
    {
        var chain = new TimerChainState(loop, count);
        loop.CallLater(TimerChainState.Delay, TimerChainState.Step, chain);
        loop.RunForever();
        Checks.Equal(0, chain.Remaining, "CoopRuntime timer chain");
    }

    private sealed class TimerChainState(EventLoop loop, int count)
    {
        public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(1);
        public readonly EventLoop Loop = loop;
        public int Remaining = count;

        public static void Step(TimerChainState chain)
        {
            if (--chain.Remaining > 0)
            {
                chain.Loop.CallLater(Delay, Step, chain);
            }
            else
            {
                chain.Loop.Stop();
            }
        }
    }

    /// <summary>
    /// Another thread posts <paramref name="count"/> callbacks with CallSoonThreadSafe(static, state) while the loop
    /// runs them; the last one stops the loop.
    /// </summary>
    public static void RunCrossThreadPosts(EventLoop loop, int count)
    {
        var state = new CrossThreadState(loop, count);
        var producer = new Thread(static s =>
        {
            var posts = (CrossThreadState)s!;
            for (var i = 0; i < posts.Count; i++)
            {
                posts.Loop.CallSoonThreadSafe(CrossThreadState.Receive, posts);
            }
        });
        producer.Start(state);
        loop.RunForever();
        producer.Join();
        Checks.Equal(count, state.Received, "CoopRuntime cross-thread posts");
    }

    private sealed class CrossThreadState(EventLoop loop, int count)
    {
        public readonly EventLoop Loop = loop;
        public readonly int Count = count;
        public int Received;

        public static void Receive(CrossThreadState state)
        {
            if (++state.Received == state.Count)
            {
                state.Loop.Stop();
            }
        }
    }

    // ───── 6. ping-pong ─────

    /// <summary>Two bounded(1) loop channels (<see cref="LoopChannel"/>), the same body as the System.Threading.Channels peers.</summary>
    public static void PingPong(int roundTrips) =>
        EventLoop.Run(() => PingPongBodies.PingPongAsync(LoopChannel.CreateBounded<int>(1), LoopChannel.CreateBounded<int>(1), roundTrips));

    // ───── 7. coroutine steps ─────

    /// <summary><paramref name="coroutines"/> IEnumerator coroutines, each yielding null <paramref name="steps"/> times (one loop iteration a step).</summary>
    public static void CoroutineSteps(int coroutines, int steps)
    {
        var taken = new StrongBox<long>();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            Coroutine last = null!;
            for (var i = 0; i < coroutines; i++)
            {
                last = loop.Start(YieldNull(steps, taken));
            }

            // Coroutines step in start order, so the last one started finishes last.
            await last;
        });
        Checks.Equal((long)coroutines * steps, taken.Value, "CoopRuntime coroutine steps");
    }

    private static IEnumerator YieldNull(int steps, StrongBox<long> taken)
    {
        for (var i = 0; i < steps; i++)
        {
            taken.Value++;
            yield return null;
        }
    }
}
