using System.Net;

namespace CoopRuntime;

/// <summary>
/// Waits for a non-blocking <c>connect</c> that reported EINPROGRESS: the socket becomes writable when the handshake
/// ends, and <c>SO_ERROR</c> then says whether it succeeded.
/// </summary>
internal sealed unsafe class EpollConnectOperation : EpollOperation<bool>
{
    public EpollConnectOperation(EpollSocket owner)
        : base(owner)
    {
    }

    public EndPoint? Remote { get; set; }

    protected override bool IsSendSide => true;

    protected override bool TryPerform(out bool result, out Exception? error)
    {
        result = true;
        error = null;
        int socketError;
        var length = sizeof(int);
        if (Libc.GetSocketOption(Owner.Fd, Libc.SOL_SOCKET, Libc.SO_ERROR, &socketError, &length) != 0)
        {
            socketError = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        }

        if (socketError == Libc.EINPROGRESS || socketError == Libc.EAGAIN)
        {
            return false;
        }

        if (socketError != 0)
        {
            error = Errno.ToException(socketError, $"connect to {Remote}");
        }

        return true;
    }

    protected override void ClearArguments() => Remote = null;
}
