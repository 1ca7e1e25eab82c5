using System.Buffers.Text;
using System.Text;

namespace HttpServer;

/// <summary>
/// Collects responses in one growable buffer, so a batch of pipelined requests is answered with one write. Responses
/// are assembled from precomputed byte runs (status line, fixed headers, body) plus the cached Date and a length.
/// </summary>
public sealed class HttpResponseWriter
{
    private static ReadOnlySpan<byte> ServerAndDate => "Server: CoopRuntime\r\nDate: "u8;

    private static ReadOnlySpan<byte> ConnectionClose => "\r\nConnection: close"u8;

    private static ReadOnlySpan<byte> ConnectionKeepAlive => "\r\nConnection: keep-alive"u8;

    private readonly HttpDate _date;
    private byte[] _buffer;
    private int _length;

    /// <summary>Creates a writer that stamps responses with <paramref name="date"/>.</summary>
    public HttpResponseWriter(HttpDate date, int initialCapacity = 4096)
    {
        _date = date;
        _buffer = new byte[initialCapacity];
    }

    /// <summary>How many bytes wait to be sent.</summary>
    public int Length => _length;

    /// <summary>The bytes waiting to be sent; valid until the next write or <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    /// <summary>Forgets the written bytes (after they were sent), dropping a buffer a large response grew past <paramref name="keepCapacity"/>.</summary>
    public void Clear(int keepCapacity = 64 * 1024)
    {
        _length = 0;
        if (_buffer.Length > keepCapacity)
        {
            _buffer = new byte[keepCapacity];
        }
    }

    /// <summary>The written bytes as text, for tests.</summary>
    public override string ToString() => Encoding.UTF8.GetString(_buffer, 0, _length);

    /// <summary>Appends bytes as they are (an interim "100 Continue" response).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _length += bytes.Length;
    }

    /// <summary>Appends a precomputed response, stamped with the current date and the connection's state.</summary>
    public void Write(PrecomputedResponse response, ConnectionHeader connection, bool headOnly)
    {
        WriteRaw(response.Head);
        WriteRaw(_date.Value);
        WriteConnection(connection);
        WriteRaw("\r\n\r\n"u8);
        if (!headOnly)
        {
            WriteRaw(response.Body);
        }
    }

    /// <summary>Appends a response built now: status, Content-Type, extra header lines (each ending in CRLF), body.</summary>
    public void Write(int status, ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> body, ConnectionHeader connection, bool headOnly, ReadOnlySpan<byte> extraHeaders = default)
    {
        WriteRaw(PrecomputedResponse.StatusLine(status));
        WriteRaw(extraHeaders);
        WriteRaw("Content-Type: "u8);
        WriteRaw(contentType);
        WriteRaw("\r\nContent-Length: "u8);
        var span = Reserve(16);
        Utf8Formatter.TryFormat(body.Length, span, out var written);
        _length += written;
        WriteRaw("\r\n"u8);
        WriteRaw(ServerAndDate);
        WriteRaw(_date.Value);
        WriteConnection(connection);
        WriteRaw("\r\n\r\n"u8);
        if (!headOnly)
        {
            WriteRaw(body);
        }
    }

    private void WriteConnection(ConnectionHeader connection)
    {
        if (connection == ConnectionHeader.Close)
        {
            WriteRaw(ConnectionClose);
        }
        else if (connection == ConnectionHeader.KeepAlive)
        {
            WriteRaw(ConnectionKeepAlive);
        }
    }

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _length < count)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        return _buffer.AsSpan(_length);
    }
}

/// <summary>Which Connection header a response carries.</summary>
public enum ConnectionHeader
{
    /// <summary>None: HTTP/1.1 keeps the connection open by default.</summary>
    None,

    /// <summary>"Connection: close": the server closes after this response.</summary>
    Close,

    /// <summary>"Connection: keep-alive": an HTTP/1.0 client asked to keep the connection.</summary>
    KeepAlive,
}

/// <summary>A response whose bytes, all but the Date and Connection headers, are computed once at startup.</summary>
public sealed class PrecomputedResponse
{
    /// <summary>Creates the response.</summary>
    public PrecomputedResponse(int status, string contentType, string body)
    {
        Body = Encoding.UTF8.GetBytes(body);
        Head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status} {HttpRequestParser.ReasonPhrase(status)}\r\nContent-Type: {contentType}\r\nContent-Length: {Body.Length}\r\nServer: CoopRuntime\r\nDate: ");
    }

    /// <summary>The status line and headers up to the Date value.</summary>
    public byte[] Head { get; }

    /// <summary>The body.</summary>
    public byte[] Body { get; }

    private static readonly Dictionary<int, byte[]> s_statusLines = new[] { 200, 400, 404, 405, 408, 413, 414, 417, 431, 501, 505 }
        .ToDictionary(status => status, status => Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {HttpRequestParser.ReasonPhrase(status)}\r\n"));

    /// <summary>"HTTP/1.1 status reason CRLF", precomputed for the codes this server sends.</summary>
    public static ReadOnlySpan<byte> StatusLine(int status) =>
        s_statusLines.TryGetValue(status, out var line) ? line : Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {HttpRequestParser.ReasonPhrase(status)}\r\n");
}
