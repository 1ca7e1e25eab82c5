using CoopRuntime.Benchmarks.Compare;

namespace CoopRuntime.Benchmarks.Peers;

/// <summary>
/// The pieces a waiting task is made of, each measured alone: what registering one continuation on a shared
/// TaskCompletionSource costs in its different forms, what the user's async lambda costs, and what a spawned task's own
/// bookkeeping costs. Each part runs twice on fresh gates and the second round is measured, so JIT and the loop's
/// queue growth stay out of the numbers; the gate's continuation list grows from empty each round, as in workload 4.
/// </summary>
internal static class WaitingTaskParts
{
    private static readonly Action NoOp = static () => { };

    /// <summary>The same cached delegate registered <paramref name="count"/> times: only the gate's continuation list grows.</summary>
    public static void ContinuationSlot(int count, Probe probe) => TwoRounds(probe, gate =>
    {
        for (var i = 0; i < count; i++)
        {
            gate.Task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(NoOp);
        }
    });

    /// <summary>A delegate bound to a per-task object through a ConfigureAwait(false) awaiter (64 B of delegate, but the BCL bounces it through the thread pool when the loop's context is current).</summary>
    public static void BoundDelegate(int count, Probe probe)
    {
        // The bound objects are made before the measured round: only the delegate and the slot are counted.
        var owners = new Owner[count];
        for (var i = 0; i < count; i++)
        {
            owners[i] = new Owner();
        }

        TwoRounds(probe, gate =>
        {
            foreach (var owner in owners)
            {
                gate.Task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(owner.OnCompleted);
            }
        });
    }

    /// <summary><c>ContinueWith(static, state, ExecuteSynchronously, TaskScheduler.Default)</c>: how a spawned task hooked its work's completion before WorkCompletionSignal.</summary>
    public static void ContinueWithState(int count, Probe probe)
    {
        var state = new object();
        TwoRounds(probe, gate =>
        {
            for (var i = 0; i < count; i++)
            {
                gate.Task.ContinueWith(static (_, _) => { }, state, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        });
    }

    /// <summary>A cached delegate through an awaiter that captures the loop's SynchronizationContext: the context wrapper alone.</summary>
    public static void LoopContextWrapper(int count, Probe probe) => OnLoop(probe, gate =>
    {
        for (var i = 0; i < count; i++)
        {
            gate.Task.GetAwaiter().UnsafeOnCompleted(NoOp);
        }
    });

    /// <summary><c>async () => await gate.Task</c> called directly, with no SynchronizationContext.</summary>
    public static void AsyncLambdaNoContext(int count, Probe probe) => TwoRounds(probe, gate =>
    {
        Func<Task> body = async () => await gate.Task;
        for (var i = 0; i < count; i++)
        {
            _ = body();
        }
    });

    /// <summary><c>async () => await gate.Task</c> called directly on the loop thread (its await captures the loop's context).</summary>
    public static void AsyncLambdaOnLoop(int count, Probe probe) => OnLoop(probe, gate =>
    {
        Func<Task> body = async () => await gate.Task;
        for (var i = 0; i < count; i++)
        {
            _ = body();
        }
    });

    /// <summary><c>loop.Spawn(ct => Task.CompletedTask)</c>: the spawned task's own object, with no continuation on anything.</summary>
    public static void SpawnCompleted(int count, Probe probe) => EventLoop.Run(async () =>
    {
        var loop = EventLoop.Current!;
        Func<CancellationToken, Task> body = static _ => Task.CompletedTask;
        for (var round = 0; round < 2; round++)
        {
            probe.Mark(MarkNames.Start(round));
            for (var i = 0; i < count; i++)
            {
                _ = loop.Spawn(body);
            }

            probe.Mark(MarkNames.Parked(round));
            await EventLoop.Yield();
            Checks.Equal(0, loop.LiveTaskCount, "spawned tasks with completed bodies finished");
        }
    });

    private static void TwoRounds(Probe probe, Action<TaskCompletionSource> register)
    {
        for (var round = 0; round < 2; round++)
        {
            var gate = new TaskCompletionSource();
            probe.Mark(MarkNames.Start(round));
            register(gate);
            probe.Mark(MarkNames.Parked(round));
            gate.SetResult();
        }
    }

    private static void OnLoop(Probe probe, Action<TaskCompletionSource> register) => EventLoop.Run(async () =>
    {
        for (var round = 0; round < 2; round++)
        {
            var gate = new TaskCompletionSource();
            probe.Mark(MarkNames.Start(round));
            register(gate);
            probe.Mark(MarkNames.Parked(round));
            gate.SetResult();
            await EventLoop.Yield();
        }
    });

    private sealed class Owner
    {
        public void OnCompleted()
        {
        }
    }
}
