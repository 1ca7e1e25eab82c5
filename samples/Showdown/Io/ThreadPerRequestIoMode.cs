using System.Net;
using Showdown.Measurement;

namespace Showdown.Io;

/// <summary>
/// A new thread for every request, all at once. Each thread spends nearly all its life blocked in a socket call,
/// yet each costs a stack and a kernel thread; the operating system may refuse to make that many, and then this mode
/// fails in the table.
/// </summary>
internal static class ThreadPerRequestIoMode
{
    public static void Run(IPEndPoint server, int requests, ModeContext context)
    {
        var failures = new FailureTally();
        var threads = new List<Thread>(requests);
        Exception? startFailure = null;
        for (var i = 0; i < requests; i++)
        {
            var thread = new Thread(() =>
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
            })
            { IsBackground = true };
            try
            {
                thread.Start();
            }
            catch (Exception error) when (error is OutOfMemoryException or ThreadStartException)
            {
                startFailure = error; // out of threads or memory: stop making them, finish the ones that run
                break;
            }

            threads.Add(thread);
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        if (startFailure is not null)
        {
            throw new InvalidOperationException($"could start only {threads.Count:N0} threads: {startFailure.Message}", startFailure);
        }

        failures.ThrowIfAny(requests);
    }
}
