using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace CoopRuntime;

/// <summary><c>recvfrom</c> of one datagram, with the sender's address.</summary>
internal sealed unsafe class EpollReceiveFromOperation : EpollOperation<SocketReceiveFromResult>
{
    // One address buffer per operation, reused: a receive allocates only the EndPoint it returns.
    private readonly SocketAddress _address;

    public EpollReceiveFromOperation(EpollSocket owner)
        : base(owner) =>
        _address = new SocketAddress(owner.AddressFamily, SocketAddress.GetMaximumAddressSize(owner.AddressFamily));

    public Memory<byte> Buffer { get; set; }

    protected override bool IsSendSide => false;

    protected override bool TryPerform(out SocketReceiveFromResult result, out Exception? error)
    {
        error = null;
        result = default;
        var span = Buffer.Span;
        var addressBuffer = _address.Buffer.Span;
        while (true)
        {
            nint received;
            var addressLength = addressBuffer.Length;
            fixed (byte* buffer = span)
            fixed (byte* address = addressBuffer)
            {
                received = Libc.ReceiveFrom(Owner.Fd, buffer, span.Length, 0, address, &addressLength);
            }

            if (received >= 0)
            {
                _address.Size = addressLength;
                result = new SocketReceiveFromResult { ReceivedBytes = (int)received, RemoteEndPoint = Owner.EndPointFrom(_address) };
                return true;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EINTR)
            {
                continue;
            }

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
