using System.Net;
using System.Runtime.InteropServices;

namespace CoopRuntime;

/// <summary><c>sendto</c> of one datagram.</summary>
internal sealed unsafe class EpollSendToOperation : EpollOperation<int>
{
    private EndPoint? _lastRemote;
    private SocketAddress? _lastAddress;

    public EpollSendToOperation(EpollSocket owner)
        : base(owner)
    {
    }

    public ReadOnlyMemory<byte> Datagram { get; set; }

    public EndPoint? Remote { get; set; }

    protected override bool IsSendSide => true;

    protected override bool TryPerform(out int result, out Exception? error)
    {
        error = null;
        result = 0;

        // Serializing an endpoint allocates; a sender that replies to the same peer again reuses the last address.
        if (!Equals(Remote, _lastRemote))
        {
            _lastAddress = Remote!.Serialize();
            _lastRemote = Remote;
        }

        var span = Datagram.Span;
        var addressBuffer = _lastAddress!.Buffer.Span;
        while (true)
        {
            nint sent;
            fixed (byte* buffer = span)
            fixed (byte* address = addressBuffer)
            {
                sent = Libc.SendTo(Owner.Fd, buffer, span.Length, Libc.MSG_NOSIGNAL, address, _lastAddress.Size);
            }

            if (sent >= 0)
            {
                result = (int)sent;
                return true;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EINTR)
            {
                continue;
            }

            if (errno == Libc.EAGAIN)
            {
                Owner.IsWritable = false;
                return false;
            }

            error = Errno.ToException(errno, $"send to {Remote}");
            return true;
        }
    }

    protected override void ClearArguments()
    {
        Datagram = default;
        Remote = null;
    }
}
