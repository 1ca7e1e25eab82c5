using System.Runtime.InteropServices;

namespace CoopRuntime;

/// <summary><c>recv</c> into the caller's buffer; 0 means the peer closed its side.</summary>
internal sealed unsafe class EpollReceiveOperation : EpollOperation<int>
{
    private const int MSG_PEEK = 0x2;

    public EpollReceiveOperation(EpollSocket owner)
        : base(owner)
    {
    }

    public Memory<byte> Buffer { get; set; }

    protected override bool IsSendSide => false;

    protected override bool TryPerform(out int result, out Exception? error)
    {
        error = null;
        var span = Buffer.Span;
        byte peek;
        while (true)
        {
            nint received;
            if (span.IsEmpty)
            {
                // A zero-byte read waits until data (or the end of the stream) is there without consuming it, as
                // NetworkStream's does: servers use it to wait for a request before renting a buffer.
                // (A pipe cannot peek; it never gets here: pipe streams refuse empty reads before calling.)
                received = Libc.Receive(Owner.Fd, &peek, 1, MSG_PEEK);
                if (received >= 0)
                {
                    result = 0;
                    return true;
                }
            }
            else
            {
                fixed (byte* buffer = span)
                {
                    received = Owner.IsPipe ? Libc.Read(Owner.Fd, buffer, span.Length) : Libc.Receive(Owner.Fd, buffer, span.Length, 0);
                }

                if (received >= 0)
                {
                    result = (int)received;
                    Owner.OnReceived(result, span.Length);
                    return true;
                }
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EINTR)
            {
                continue;
            }

            result = 0;
            if (errno == Libc.EAGAIN)
            {
                Owner.IsReadable = false;
                return false;
            }

            error = Owner.ReceiveError(errno);
            return true;
        }
    }

    protected override void ClearArguments() => Buffer = default;
}
