using System.Net;
using Showdown.Measurement;

namespace Showdown.Io;

/// <summary>
/// The I/O-bound workload: requests to a local server that answers each after a fixed latency, five ways. The
/// server is started before the first mode and lives in its own process.
/// </summary>
internal static class IoWorkload
{
    public const string Name = "I/O-bound";

    private const int WarmUpRequests = 200;

    /// <summary>Sends a small burst of requests so the server's code is compiled before the first measured mode.</summary>
    public static void WarmUp(IPEndPoint server) =>
        Task.WaitAll(Enumerable.Range(0, WarmUpRequests).Select(_ => Requests.SendWithDotnetAsync(server)));

    /// <param name="sizes">How many requests each mode sends.</param>
    /// <param name="server">The server's address; read when a mode runs, after the server has started.</param>
    public static IReadOnlyList<ShowdownMode> Modes(WorkloadSizes sizes, Func<IPEndPoint> server) =>
    [
        new(Name, IoModeNames.Sequential, sizes.SequentialRequests,
            context => SequentialIoMode.Run(server(), sizes.SequentialRequests, context)),
        // The modes that leave nothing behind come first; the blocking pool mode comes last because the threads it
        // makes the pool add stay alive for a while and would show up in the next mode's thread count.
        new(Name, IoModeNames.Coroutines, sizes.CoroutineRequests,
            context => CoroutineIoMode.Run(server(), sizes.CoroutineRequests, context)),
        new(Name, IoModeNames.PoolAsync, sizes.PoolAsyncRequests,
            context => PoolAsyncIoMode.Run(server(), sizes.PoolAsyncRequests, context)),
        new(Name, IoModeNames.ThreadPerRequest, sizes.ThreadPerRequestRequests,
            context => ThreadPerRequestIoMode.Run(server(), sizes.ThreadPerRequestRequests, context)),
        new(Name, IoModeNames.PoolBlocking, sizes.PoolBlockingRequests,
            context => PoolBlockingIoMode.Run(server(), sizes.PoolBlockingRequests, context)),
    ];
}
