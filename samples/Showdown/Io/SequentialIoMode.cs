using System.Net;
using Showdown.Measurement;

namespace Showdown.Io;

/// <summary>One request at a time on this thread: each waits out the full latency before the next starts.</summary>
internal static class SequentialIoMode
{
    public static void Run(IPEndPoint server, int requests, ModeContext context)
    {
        for (var i = 0; i < requests; i++)
        {
            Requests.SendBlocking(server);
            context.ItemDone();
        }
    }
}
