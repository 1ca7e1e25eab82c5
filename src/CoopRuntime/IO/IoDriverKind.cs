namespace CoopRuntime;

/// <summary>Which I/O driver a loop waits on (see <see cref="EventLoopOptions.IoDriver"/>).</summary>
public enum IoDriverKind
{
    /// <summary>The best driver for this OS: <see cref="Epoll"/> on Linux, <see cref="Portable"/> elsewhere.</summary>
    Automatic = 0,

    /// <summary>
    /// The loop's own epoll instance (Linux only): sockets are non-blocking, registered once, edge-triggered, and
    /// read and written by direct system calls on the loop thread; the loop waits in <c>epoll_wait</c>.
    /// </summary>
    Epoll = 1,

    /// <summary>
    /// .NET's asynchronous socket methods, with completions marshalled back to the loop thread through its inbox.
    /// Works on every OS; on Linux it is slower than <see cref="Epoll"/> and is there for comparison and fallback.
    /// </summary>
    Portable = 2,
}
