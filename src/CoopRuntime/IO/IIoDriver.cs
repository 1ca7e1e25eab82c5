using System.Net;
using System.Runtime.InteropServices;
using System.Net.Sockets;

namespace CoopRuntime;

/// <summary>
/// The seam between the loop and the operating system: the loop blocks here when it has nothing to run, and the
/// networking layer gets its sockets from here.
/// </summary>
/// <remarks>
/// <para>Contract: every member is called by the loop thread only, except <see cref="Wake"/>, which may be called
/// from any thread, any number of times, and makes the current or the next <see cref="Wait"/> return promptly.
/// Spurious returns are allowed; lost wake-ups are not.</para>
/// <para>Two drivers implement it: <see cref="EpollDriver"/> (Linux: the loop itself waits for socket readiness in
/// <c>epoll_wait</c>) and <see cref="PortableDriver"/> (everywhere: .NET's asynchronous sockets, completions
/// posted through the loop's inbox). The networking types see only <see cref="LoopSocket"/>, so the same public
/// API and the same tests run on both.</para>
/// </remarks>
internal interface IIoDriver : IDisposable
{
    /// <summary>
    /// Blocks until woken, until I/O is ready, or until <paramref name="timeout"/> passes; with a zero
    /// <paramref name="timeout"/> it only collects I/O that is ready now, and may return at once when no operation waits
    /// for I/O. <see cref="Timeout.InfiniteTimeSpan"/> waits without limit. Completed I/O queues its continuations on
    /// the loop's ready queue.
    /// </summary>
    void Wait(TimeSpan timeout);

    /// <summary>Makes a blocked or upcoming <see cref="Wait"/> return. Thread-safe.</summary>
    void Wake();

    /// <summary>True when some socket operation waits for <see cref="Wait"/> to report readiness.</summary>
    bool HasPendingIo { get; }

    /// <summary>How many sockets this driver has open (closed when the loop closes).</summary>
    int OpenSocketCount { get; }

    /// <summary>Takes over a socket that .NET created and bound (a listener, a datagram socket).</summary>
    LoopSocket Adopt(Socket socket);

    /// <summary>
    /// Takes over one end of a pipe that <paramref name="owner"/> holds open (a child process's standard stream), or
    /// returns null when this driver leaves pipes to .NET. Disposing the result disposes <paramref name="owner"/>.
    /// </summary>
    LoopSocket? AdoptPipe(SafeHandle pipe, IDisposable owner);

    /// <summary>Opens a stream socket connected to <paramref name="remote"/> (an IP or Unix domain endpoint).</summary>
    ValueTask<LoopSocket> ConnectAsync(EndPoint remote, CancellationToken cancellationToken);
}
