namespace CoopRuntime.Benchmarks.Peers;

/// <summary>
/// The plain-Task workload bodies that <see cref="AsyncContextPeer"/> and <see cref="ThreadPoolPeer"/> share: the
/// code is the same, only the host differs (inside <c>AsyncContext.Run</c>, continuations go through its
/// SynchronizationContext; under <c>Task.Run</c>, through the ThreadPool).
/// </summary>
internal static class TaskWorldBodies
{
    /// <summary>2. tasks × yields: <paramref name="tasks"/> async methods each awaiting <c>Task.Yield()</c> <paramref name="yields"/> times.</summary>
    public static async Task YieldAll(int tasks, int yields)
    {
        var all = new Task[tasks];
        for (var i = 0; i < tasks; i++)
        {
            all[i] = YieldMany(yields);
        }

        await Task.WhenAll(all);
    }

    private static async Task YieldMany(int yields)
    {
        for (var i = 0; i < yields; i++)
        {
            // Under a SynchronizationContext, Task.Yield posts the continuation to it; with none, it queues a pool item.
            await Task.Yield();
        }
    }

    /// <summary>3. timers: one async method per delay, each awaiting <c>Task.Delay</c> (a runtime timer).</summary>
    public static async Task DelayAll(TimeSpan[] delays)
    {
        var done = new Countdown(delays.Length);
        foreach (var delay in delays)
        {
            _ = DelayOnce(delay, done);
        }

        await done.Task;
    }

    private static async Task DelayOnce(TimeSpan delay, Countdown done)
    {
        try
        {
            await Task.Delay(delay);
            done.Signal();
        }
        catch (Exception error)
        {
            done.Fail(error);
        }
    }
}
