using System.Runtime.CompilerServices;
using System.Threading.Channels;
using CoopRuntime.Benchmarks.Compare;
using Nito.AsyncEx;

namespace CoopRuntime.Benchmarks.Peers;

/// <summary>
/// The workloads on Nito.AsyncEx's <see cref="AsyncContext"/>, the usual way to get a single-threaded
/// async context in .NET today, written the way its users write them.
/// </summary>
internal static class AsyncContextPeer
{
    // ───── 1. post chain ─────

    /// <summary>A chain of SynchronizationContext.Post calls inside AsyncContext.Run; Run returns when the chain ends.</summary>
    public static void PostChain(int count)
    {
        PostChainState? chain = null;
        AsyncContext.Run(() =>
        {
            var context = SynchronizationContext.Current!;
            chain = new PostChainState(context, count);
            context.Post(PostChainState.Step, chain);
        });
        Checks.Equal(0, chain!.Remaining, "AsyncContext post chain");
    }

    private sealed class PostChainState(SynchronizationContext context, int count)
    {
        public readonly SynchronizationContext Context = context;
        public int Remaining = count;

        public static void Step(object? state)
        {
            var chain = (PostChainState)state!;
            if (--chain.Remaining > 0)
            {
                chain.Context.Post(Step, chain);
            }
        }
    }

    // ───── 2. tasks × yields ─────

    public static void YieldTasks(int tasks, int yields) => AsyncContext.Run(() => TaskWorldBodies.YieldAll(tasks, yields));

    // ───── 3. timers on the real clock ─────

    /// <summary>One async method per delay, each awaiting Task.Delay (a runtime timer) and resuming on the context.</summary>
    public static void TimersDelay(TimeSpan[] delays) => AsyncContext.Run(() => TaskWorldBodies.DelayAll(delays));

    // ───── 4. many queued tasks parked on one event ─────

    /// <summary>
    /// The AsyncContext counterpart of Spawn: <c>AsyncContext.Factory.Run(body)</c> queues the body on the context
    /// (tracked as an outstanding operation, like a spawned task) and returns its unwrapped task.
    /// </summary>
    public static void WaitingTasks(int count, bool asyncBody, int bursts, Probe probe) => AsyncContext.Run(async () =>
    {
        var factory = AsyncContext.Current!.Factory;
        for (var burst = 0; burst < bursts; burst++)
        {
            var gate = new TaskCompletionSource();
            var started = new StrongBox<int>();
            Func<Task> body = asyncBody
                ? async () =>
                {
                    started.Value++;
                    await gate.Task;
                }
                : () =>
                {
                    started.Value++;
                    return gate.Task;
                };
            probe.Mark(MarkNames.Start(burst));
            for (var i = 0; i < count; i++)
            {
                _ = factory.Run(body);
            }

            // The queue is FIFO: this continuation runs after every queued body has started and parked.
            await Task.Yield();
            probe.Mark(MarkNames.Parked(burst));
            Checks.Equal(count, started.Value, "AsyncContext queued tasks parked");

            // Continuations on the gate run inline on the context thread; one more turn lets anything they posted run.
            gate.SetResult();
            await Task.Yield();
        }
    });

    // ───── 6. ping-pong ─────

    /// <summary>System.Threading.Channels bounded(1) channels under AsyncContext: the usual .NET way to pass messages between tasks on one thread.</summary>
    public static void PingPong(int roundTrips) =>
        AsyncContext.Run(() => PingPongBodies.PingPongAsync(Channel.CreateBounded<int>(1), Channel.CreateBounded<int>(1), roundTrips));
}
