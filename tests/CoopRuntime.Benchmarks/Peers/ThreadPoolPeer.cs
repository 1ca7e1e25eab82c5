using System.Runtime.CompilerServices;
using System.Threading.Channels;
using CoopRuntime.Benchmarks.Compare;

namespace CoopRuntime.Benchmarks.Peers;

/// <summary>
/// The workloads on the default ThreadPool with no SynchronizationContext: what plain <c>async</c> code in a console
/// app or ASP.NET Core gets. It uses every core, so compare its CPU time as well as its wall time.
/// </summary>
internal static class ThreadPoolPeer
{
    // ───── 1. post chain ─────

    public static void PostChain(int count)
    {
        var chain = new PostChainState(count);
        ThreadPool.UnsafeQueueUserWorkItem(PostChainState.Step, chain, preferLocal: true);
        chain.Done.Wait();
        chain.Done.Dispose();
        Checks.Equal(0, chain.Remaining, "ThreadPool post chain");
    }

    private sealed class PostChainState(int count)
    {
        public readonly ManualResetEventSlim Done = new();
        public int Remaining = count;

        // preferLocal keeps the chain on the worker's local queue, the thread pool's fastest path.
        public static void Step(PostChainState chain)
        {
            if (--chain.Remaining > 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(Step, chain, preferLocal: true);
            }
            else
            {
                chain.Done.Set();
            }
        }
    }

    // ───── 2. tasks × yields ─────

    public static void YieldTasks(int tasks, int yields) => Task.Run(() => TaskWorldBodies.YieldAll(tasks, yields)).GetAwaiter().GetResult();

    // ───── 3. timers on the real clock ─────

    public static void TimersDelay(TimeSpan[] delays) => Task.Run(() => TaskWorldBodies.DelayAll(delays)).GetAwaiter().GetResult();

    // ───── 4. many Task.Run bodies parked on one event ─────

    /// <summary>
    /// <c>Task.Run(body)</c> per task. Unlike the loops, the pool has no "all started" point to wait for, so the bodies
    /// count themselves in, and the handles are kept in an array to wait for them (8 bytes a task the loops don't pay).
    /// </summary>
    public static void WaitingTasks(int count, bool asyncBody, int bursts, Probe probe)
    {
        for (var burst = 0; burst < bursts; burst++)
        {
            var gate = new TaskCompletionSource();
            var started = new StrongBox<int>();
            Func<Task> body = asyncBody
                ? async () =>
                {
                    Interlocked.Increment(ref started.Value);
                    await gate.Task;
                }
                : () =>
                {
                    Interlocked.Increment(ref started.Value);
                    return gate.Task;
                };
            probe.Mark(MarkNames.Start(burst));
            var tasks = new Task[count];
            for (var i = 0; i < count; i++)
            {
                tasks[i] = Task.Run(body);
            }

            var spinner = default(SpinWait);
            while (Volatile.Read(ref started.Value) < count)
            {
                spinner.SpinOnce();
            }

            probe.Mark(MarkNames.Parked(burst));
            gate.SetResult();
            Task.WaitAll(tasks);
        }
    }

    // ───── 6. ping-pong ─────

    public static void PingPong(int roundTrips) =>
        Task.Run(() => PingPongBodies.PingPongAsync(Channel.CreateBounded<int>(1), Channel.CreateBounded<int>(1), roundTrips)).GetAwaiter().GetResult();
}
