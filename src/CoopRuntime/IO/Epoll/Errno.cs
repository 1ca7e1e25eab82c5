using System.Net.Sockets;

namespace CoopRuntime;

/// <summary>Turns Linux errno values into the <see cref="SocketError"/> codes .NET code already handles.</summary>
internal static class Errno
{
    public static SocketError ToSocketError(int errno) => errno switch
    {
        1 or 13 => SocketError.AccessDenied,             // EPERM, EACCES
        9 => SocketError.OperationAborted,               // EBADF: the descriptor was closed under us
        22 => SocketError.InvalidArgument,               // EINVAL
        23 or 24 => SocketError.TooManyOpenSockets,      // ENFILE, EMFILE
        32 => SocketError.Shutdown,                      // EPIPE: writing after the peer (or we) shut down
        88 => SocketError.NotSocket,                     // ENOTSOCK
        90 => SocketError.MessageSize,                   // EMSGSIZE
        97 => SocketError.AddressFamilyNotSupported,     // EAFNOSUPPORT
        98 => SocketError.AddressAlreadyInUse,           // EADDRINUSE
        99 => SocketError.AddressNotAvailable,           // EADDRNOTAVAIL
        100 => SocketError.NetworkDown,                  // ENETDOWN
        101 => SocketError.NetworkUnreachable,           // ENETUNREACH
        102 => SocketError.NetworkReset,                 // ENETRESET
        103 => SocketError.ConnectionAborted,            // ECONNABORTED
        104 => SocketError.ConnectionReset,              // ECONNRESET
        105 => SocketError.NoBufferSpaceAvailable,       // ENOBUFS
        106 => SocketError.IsConnected,                  // EISCONN
        107 => SocketError.NotConnected,                 // ENOTCONN
        110 => SocketError.TimedOut,                     // ETIMEDOUT
        111 => SocketError.ConnectionRefused,            // ECONNREFUSED
        112 => SocketError.HostDown,                     // EHOSTDOWN
        113 => SocketError.HostUnreachable,              // EHOSTUNREACH
        114 => SocketError.AlreadyInProgress,            // EALREADY
        115 => SocketError.InProgress,                   // EINPROGRESS
        11 => SocketError.WouldBlock,                    // EAGAIN
        4 => SocketError.Interrupted,                    // EINTR
        _ => SocketError.SocketError,
    };

    /// <summary>A <see cref="SocketException"/> for <paramref name="errno"/> whose message says what failed, and where.</summary>
    public static SocketException ToException(int errno, string context) => new LoopSocketException(ToSocketError(errno), context);
}
