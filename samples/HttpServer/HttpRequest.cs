using System.Text;

namespace HttpServer;

/// <summary>The request methods the router tells apart; any other valid token is <see cref="Other"/>.</summary>
public enum HttpMethod
{
    Other,
    Get,
    Head,
    Post,
    Put,
    Delete,
    Options,
}

/// <summary>
/// One parsed request head. The fields are offsets into the connection's buffer (nothing is copied or decoded), so
/// the object is reused for every request of a connection; it is valid until that buffer is reused.
/// </summary>
public sealed class HttpRequest
{
    private (int NameStart, int NameLength, int ValueStart, int ValueLength)[] _headers = new (int, int, int, int)[16];
    private byte[] _buffer = [];
    private int _methodStart, _methodLength, _pathStart, _pathLength, _queryStart, _queryLength;

    /// <summary>The method, as far as the router cares.</summary>
    public HttpMethod Method { get; internal set; }

    /// <summary>10 for HTTP/1.0, 11 for HTTP/1.1.</summary>
    public int Version { get; internal set; }

    /// <summary>The body's length from Content-Length, or -1 if the request has none.</summary>
    public long ContentLength { get; internal set; }

    /// <summary>True if the body is chunked (Transfer-Encoding: chunked).</summary>
    public bool IsChunked { get; internal set; }

    /// <summary>True if the connection stays open after the response (the HTTP/1.1 default; HTTP/1.0 asks with Connection: keep-alive).</summary>
    public bool KeepAlive { get; internal set; }

    /// <summary>True if the client waits for "100 Continue" before it sends the body.</summary>
    public bool ExpectsContinue { get; internal set; }

    /// <summary>How many header fields the request has.</summary>
    public int HeaderCount { get; private set; }

    /// <summary>True if the request has a body (chunked or with a Content-Length above 0).</summary>
    public bool HasBody => IsChunked || ContentLength > 0;

    /// <summary>The method's bytes.</summary>
    public ReadOnlySpan<byte> MethodBytes => _buffer.AsSpan(_methodStart, _methodLength);

    /// <summary>The target's path, without the query (for an absolute-form target, without the scheme and authority too).</summary>
    public ReadOnlySpan<byte> Path => _buffer.AsSpan(_pathStart, _pathLength);

    /// <summary>The query after '?', without the '?'; empty if there is none.</summary>
    public ReadOnlySpan<byte> Query => _buffer.AsSpan(_queryStart, _queryLength);

    /// <summary>The header name at <paramref name="index"/>, as sent.</summary>
    public ReadOnlySpan<byte> HeaderName(int index) => _buffer.AsSpan(_headers[index].NameStart, _headers[index].NameLength);

    /// <summary>The header value at <paramref name="index"/>, without surrounding whitespace.</summary>
    public ReadOnlySpan<byte> HeaderValue(int index) => _buffer.AsSpan(_headers[index].ValueStart, _headers[index].ValueLength);

    /// <summary>The first value of the header named <paramref name="name"/> (any case), or false.</summary>
    public bool TryGetHeader(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        for (var i = 0; i < HeaderCount; i++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(HeaderName(i), name))
            {
                value = HeaderValue(i);
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The header's value as text, or null; for tests and diagnostics.</summary>
    public string? Header(string name) =>
        TryGetHeader(Encoding.ASCII.GetBytes(name), out var value) ? Encoding.UTF8.GetString(value) : null;

    /// <summary>The method, path and query as text; for tests and diagnostics.</summary>
    public override string ToString() =>
        $"{Encoding.ASCII.GetString(MethodBytes)} {Encoding.UTF8.GetString(Path)}{(Query.IsEmpty ? string.Empty : "?" + Encoding.UTF8.GetString(Query))} HTTP/{Version / 10}.{Version % 10}";

    internal void Reset(byte[] buffer)
    {
        _buffer = buffer;
        Method = HttpMethod.Other;
        Version = 11;
        ContentLength = -1;
        IsChunked = false;
        KeepAlive = true;
        ExpectsContinue = false;
        HeaderCount = 0;
        _queryStart = _queryLength = 0;
    }

    internal void SetMethod(int start, int length)
    {
        _methodStart = start;
        _methodLength = length;
    }

    internal void SetPath(int start, int length)
    {
        _pathStart = start;
        _pathLength = length;
    }

    internal void SetQuery(int start, int length)
    {
        _queryStart = start;
        _queryLength = length;
    }

    internal void AddHeader(int nameStart, int nameLength, int valueStart, int valueLength)
    {
        if (HeaderCount == _headers.Length)
        {
            Array.Resize(ref _headers, _headers.Length * 2);
        }

        _headers[HeaderCount++] = (nameStart, nameLength, valueStart, valueLength);
    }
}
