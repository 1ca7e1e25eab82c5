namespace CoopRuntime;

/// <summary>
/// The seam between the loop and the operating system: the loop blocks here when it has nothing to run.
/// </summary>
/// <remarks>
/// <para>Contract: <see cref="Wait"/> and <see cref="IDisposable.Dispose"/> are called by the loop thread only;
/// <see cref="Wake"/> may be called from any thread, any number of times, and makes the current or the next
/// <see cref="Wait"/> return promptly. Spurious returns are allowed; lost wake-ups are not.</para>
/// <para>Today the drivers only wait and wake; the networking layer adds readiness registration for sockets
/// (the epoll driver on Linux) behind this same seam, so nothing in the loop changes when it arrives.</para>
/// </remarks>
internal interface IIoDriver : IDisposable
{
    /// <summary>
    /// Blocks until woken, until I/O is ready, or until <paramref name="timeout"/> passes; returns at once when
    /// <paramref name="timeout"/> is zero. <see cref="Timeout.InfiniteTimeSpan"/> waits without limit.
    /// </summary>
    void Wait(TimeSpan timeout);

    /// <summary>Makes a blocked or upcoming <see cref="Wait"/> return. Thread-safe.</summary>
    void Wake();
}
