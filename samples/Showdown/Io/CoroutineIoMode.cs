using System.Net;
using CoopRuntime;
using Showdown.Measurement;

namespace Showdown.Io;

/// <summary>
/// Every request an async method on one CoopRuntime loop: one thread, no locks. While requests wait, the loop waits
/// on all their sockets at once (epoll on Linux) and runs whichever continuation is ready.
/// </summary>
internal static class CoroutineIoMode
{
    public static void Run(IPEndPoint server, int requests, ModeContext context) => EventLoop.Run(async () =>
    {
        var failures = new FailureTally();
        await Task.WhenAll(Enumerable.Range(0, requests).Select(async _ =>
        {
            try
            {
                await Requests.SendOnLoopAsync(server);
                context.ItemDone();
            }
            catch (Exception error)
            {
                failures.Add(error);
            }
        }));
        failures.ThrowIfAny(requests);
    });
}
