using System.Net;
using Showdown.Measurement;

namespace Showdown.Io;

/// <summary>
/// Every request an async method on the thread pool: while a request waits, no thread is held, so a handful of pool
/// threads (and .NET's socket event thread) carry all of them at once.
/// </summary>
internal static class PoolAsyncIoMode
{
    public static void Run(IPEndPoint server, int requests, ModeContext context)
    {
        var failures = new FailureTally();
        var all = Enumerable.Range(0, requests).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Requests.SendWithDotnetAsync(server);
                context.ItemDone();
            }
            catch (Exception error)
            {
                failures.Add(error);
            }
        })).ToArray();
        Task.WaitAll(all);
        failures.ThrowIfAny(requests);
    }
}
