using System.Net.Sockets;

namespace CoopRuntime;

/// <summary>
/// A <see cref="SocketException"/> whose message says what the loop was doing and with which endpoint
/// ("connect to 127.0.0.1:9 failed: Connection refused"). Callers catch it as a plain <see cref="SocketException"/>
/// and branch on <see cref="SocketException.SocketErrorCode"/>.
/// </summary>
internal sealed class LoopSocketException : SocketException
{
    private readonly string _message;

    /// <param name="error">The error code.</param>
    /// <param name="context">What failed, with the endpoint when known: "connect to 127.0.0.1:9".</param>
    public LoopSocketException(SocketError error, string context)
        : base((int)error)
    {
        _message = $"{context} failed: {base.Message} ({error}).";
    }

    public override string Message => _message;
}
