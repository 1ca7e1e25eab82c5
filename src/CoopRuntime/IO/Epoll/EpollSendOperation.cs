using System.Runtime.InteropServices;

namespace CoopRuntime;

/// <summary>
/// <c>send</c> of every byte of the caller's buffer: it completes when all of them are in the kernel's buffer, which
/// is what gives writers backpressure for free.
/// </summary>
internal sealed unsafe class EpollSendOperation : EpollOperation<bool>
{
    public EpollSendOperation(EpollSocket owner)
        : base(owner)
    {
    }

    /// <summary>What is still to be sent; it shrinks as partial sends succeed.</summary>
    public ReadOnlyMemory<byte> Remaining { get; set; }

    protected override bool IsSendSide => true;

    protected override bool TryPerform(out bool result, out Exception? error)
    {
        result = true;
        error = null;
        while (!Remaining.IsEmpty)
        {
            nint sent;
            var span = Remaining.Span;
            fixed (byte* buffer = span)
            {
                // MSG_NOSIGNAL: writing to a socket the peer reset reports EPIPE instead of raising SIGPIPE (for pipes,
                // the .NET runtime ignores SIGPIPE process-wide, so write reports EPIPE too).
                sent = Owner.IsPipe ? Libc.Write(Owner.Fd, buffer, span.Length) : Libc.Send(Owner.Fd, buffer, span.Length, Libc.MSG_NOSIGNAL);
            }

            if (sent >= 0)
            {
                Remaining = Remaining[(int)sent..];
                continue;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EINTR)
            {
                continue;
            }

            if (errno == Libc.EAGAIN)
            {
                // The kernel's send buffer is full: wait for the EPOLLOUT edge that comes when it drains.
                Owner.IsWritable = false;
                return false;
            }

            error = Owner.SendError(errno);
            return true;
        }

        return true;
    }

    protected override void ClearArguments() => Remaining = default;
}
