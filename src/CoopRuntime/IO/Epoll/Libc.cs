using System.Runtime.InteropServices;

namespace CoopRuntime;

/// <summary>
/// The Linux system calls the epoll driver makes directly. <see cref="LibraryImportAttribute"/> generates the
/// marshalling at compile time, so this stays trimming- and AOT-safe with no native shim to build.
/// </summary>
/// <remarks>
/// Constants are the Linux values, identical on x86-64 and arm64 (the two architectures the driver supports).
/// Every import sets the last error so that callers read errno with <see cref="Marshal.GetLastPInvokeError"/>.
/// </remarks>
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EINPROGRESS = 115;

    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLRDHUP = 0x2000;
    public const uint EPOLLET = 1u << 31;

    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CLOEXEC = 0x80000;

    public const int EFD_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;

    public const int AF_UNIX = 1;
    public const int AF_INET = 2;
    public const int AF_INET6 = 10;
    public const int SOCK_STREAM = 1;
    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int MSG_NOSIGNAL = 0x4000;

    public const int SOL_SOCKET = 1;
    public const int SO_ERROR = 4;
    public const int IPPROTO_TCP = 6;
    public const int TCP_NODELAY = 1;

    public const int F_GETFL = 3;
    public const int F_SETFL = 4;
    public const int O_NONBLOCK = 0x800;

    public const int SHUT_RD = 0;
    public const int SHUT_WR = 1;
    public const int SHUT_RDWR = 2;

    [LibraryImport(Library, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport(Library, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollControl(int epollFd, int operation, int fd, byte* epollEvent);

    [LibraryImport(Library, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epollFd, byte* events, int maxEvents, int timeoutMilliseconds);

    [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nint count);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nint count);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    // fcntl is variadic in C; with integer arguments only, the Linux x86-64 and arm64 calling conventions pass them
    // exactly as for a fixed-argument function.
    [LibraryImport(Library, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(Library, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Library, EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, byte* address, int addressLength);

    [LibraryImport(Library, EntryPoint = "accept4", SetLastError = true)]
    public static partial int Accept(int fd, byte* address, int* addressLength, int flags);

    [LibraryImport(Library, EntryPoint = "recv", SetLastError = true)]
    public static partial nint Receive(int fd, byte* buffer, nint length, int flags);

    [LibraryImport(Library, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport(Library, EntryPoint = "recvfrom", SetLastError = true)]
    public static partial nint ReceiveFrom(int fd, byte* buffer, nint length, int flags, byte* address, int* addressLength);

    [LibraryImport(Library, EntryPoint = "sendto", SetLastError = true)]
    public static partial nint SendTo(int fd, byte* buffer, nint length, int flags, byte* address, int addressLength);

    [LibraryImport(Library, EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(int fd, int how);

    [LibraryImport(Library, EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSocketOption(int fd, int level, int name, void* value, int* length);

    [LibraryImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSocketOption(int fd, int level, int name, void* value, int length);

    [LibraryImport(Library, EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSocketName(int fd, byte* address, int* addressLength);

    [LibraryImport(Library, EntryPoint = "getpeername", SetLastError = true)]
    public static partial int GetPeerName(int fd, byte* address, int* addressLength);
}
