using System.Net;
using Showdown.Measurement;

namespace Showdown.Io;

/// <summary>
/// Every request queued to the thread pool, each blocking its pool thread for the whole latency. The pool starts
/// with one thread per core and adds more only slowly when it sees its threads stuck, so throughput is limited by
/// how many threads it has grown to, not by the server.
/// </summary>
internal static class PoolBlockingIoMode
{
    public static void Run(IPEndPoint server, int requests, ModeContext context)
    {
        var failures = new FailureTally();
        using var done = new CountdownEvent(requests);
        for (var i = 0; i < requests; i++)
        {
            ThreadPool.QueueUserWorkItem(_ =>
            {
                try
                {
                    Requests.SendBlocking(server);
                    context.ItemDone();
                }
                catch (Exception error)
                {
                    failures.Add(error);
                }
                finally
                {
                    done.Signal();
                }
            });
        }

        done.Wait();
        failures.ThrowIfAny(requests);
    }
}
