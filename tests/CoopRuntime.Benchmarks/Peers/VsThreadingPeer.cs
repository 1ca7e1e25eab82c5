using System.Threading.Channels;
using Microsoft.VisualStudio.Threading;

namespace CoopRuntime.Benchmarks.Peers;

/// <summary>
/// vs-threading's <see cref="SingleThreadedSynchronizationContext"/> (Microsoft.VisualStudio.Threading), a
/// message-pump context like WPF's dispatcher, hosting the workload on the calling thread.
/// </summary>
internal static class VsThreadingPeer
{
    // ───── 6. ping-pong ─────

    public static void PingPong(int roundTrips) =>
        Run(() => PingPongBodies.PingPongAsync(Channel.CreateBounded<int>(1), Channel.CreateBounded<int>(1), roundTrips));

    /// <summary>
    /// Installs a fresh context on this thread, starts <paramref name="body"/> on it and pumps the context's messages
    /// until the body's task completes (the completion clears the frame's Continue flag, which ends PushFrame).
    /// </summary>
    private static void Run(Func<Task> body)
    {
        var previous = SynchronizationContext.Current;
        var context = new SingleThreadedSynchronizationContext();
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            var frame = new SingleThreadedSynchronizationContext.Frame();
            var task = body();
            task.ContinueWith(
                static (_, state) => ((SingleThreadedSynchronizationContext.Frame)state!).Continue = false,
                frame,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            context.PushFrame(frame);
            task.GetAwaiter().GetResult();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }
}
