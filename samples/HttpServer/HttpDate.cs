using System.Globalization;
using System.Text;

namespace HttpServer;

/// <summary>
/// The Date header value (RFC 9110 §6.6.1, "Sun, 06 Nov 1994 08:49:37 GMT"), formatted once a second by the server's
/// heartbeat rather than once per response.
/// </summary>
public sealed class HttpDate
{
    private readonly byte[] _value = new byte[29];

    /// <summary>Creates the value for now.</summary>
    public HttpDate() => Update(DateTimeOffset.UtcNow);

    /// <summary>The 29 bytes of the current value.</summary>
    public ReadOnlySpan<byte> Value => _value;

    /// <summary>Formats <paramref name="now"/>.</summary>
    public void Update(DateTimeOffset now) =>
        Encoding.ASCII.GetBytes(now.UtcDateTime.ToString("r", CultureInfo.InvariantCulture), _value);
}
