using System.Runtime.InteropServices;

namespace CoopRuntime;

/// <summary><c>accept4</c> on a listening socket; the new connection is non-blocking and registered with the driver.</summary>
internal sealed unsafe class EpollAcceptOperation : EpollOperation<LoopSocket>
{
    private const int ECONNABORTED = 103;

    public EpollAcceptOperation(EpollSocket owner)
        : base(owner)
    {
    }

    protected override bool IsSendSide => false;

    protected override bool TryPerform(out LoopSocket result, out Exception? error)
    {
        error = null;
        while (true)
        {
            // Socket.Accept() throws on would-block; accept4 reports EAGAIN and sets the new socket's flags in one call.
            var fd = Libc.Accept(Owner.Fd, null, null, Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC);
            if (fd >= 0)
            {
                result = Owner.Driver.Register(fd, Owner.AddressFamily, isStream: true, adopted: null);
                return true;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno is Libc.EINTR or ECONNABORTED)
            {
                continue; // a connection reset before we accepted it is not the listener's error
            }

            result = null!;
            if (errno == Libc.EAGAIN)
            {
                Owner.IsReadable = false;
                return false;
            }

            error = Errno.ToException(errno, $"accept on {Owner.LocalEndPoint}");
            return true;
        }
    }

    protected override void ClearArguments()
    {
    }
}
