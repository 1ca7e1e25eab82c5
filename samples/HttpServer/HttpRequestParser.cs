using System.Buffers;
using System.Text;

namespace HttpServer;

/// <summary>What a parse found at the start of the buffered bytes.</summary>
public enum HttpParseStatus
{
    /// <summary>A whole request head (or body); the out values say where it ends.</summary>
    Complete,

    /// <summary>Not all here yet: read more and parse again from the same start.</summary>
    Incomplete,

    /// <summary>The request is refused; the out status code (400, 413, 414, 417, 431, 501, 505) says why.</summary>
    Error,
}

/// <summary>
/// Parses HTTP/1.x request heads (RFC 9112) straight from the connection's bytes: no strings, no copies.
/// </summary>
/// <remarks>
/// <para>Stateless: an incomplete head is parsed again from its start when more bytes arrive. Heads are small (the
/// limit is <see cref="HttpLimits.MaxHeaderBytes"/>) and usually arrive whole, so this costs less than carrying a
/// state machine across reads.</para>
/// <para>It is strict where leniency lets requests be smuggled past a proxy: whitespace before a header's colon,
/// obsolete line folding, a Content-Length that is not plain digits or disagrees with another, and a request with
/// both Content-Length and Transfer-Encoding are all 400. Lines may end in CRLF or a bare LF (RFC 9112 §2.2).</para>
/// </remarks>
public static class HttpRequestParser
{
    // Vectorized searches: checking every byte of every header with a scalar loop showed up under load.
    private static readonly SearchValues<byte> s_tokenBytes =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    private static readonly SearchValues<byte> s_forbiddenInValues =
        SearchValues.Create([.. Enumerable.Range(0, 0x20).Where(b => b != '\t').Select(b => (byte)b), 0x7f]);

    /// <summary>Parses the head that starts at <paramref name="start"/>.</summary>
    /// <param name="buffer">The connection's buffer.</param>
    /// <param name="start">Where the request begins.</param>
    /// <param name="end">Where the buffered bytes end.</param>
    /// <param name="request">Receives the request.</param>
    /// <param name="limits">The limits that turn a request into a 414 or 431.</param>
    /// <param name="headLength">The head's length including its final empty line (Complete only).</param>
    /// <param name="errorStatus">The status code to answer with (Error only).</param>
    public static HttpParseStatus TryParseHead(byte[] buffer, int start, int end, HttpRequest request, HttpLimits limits, out int headLength, out int errorStatus)
    {
        headLength = 0;
        errorStatus = 0;
        request.Reset(buffer);
        var available = end - start;

        // The request line.
        var lineEnd = IndexOfNewline(buffer, start, end);
        if (lineEnd < 0)
        {
            return available > limits.MaxRequestLineLength ? Fail(414, out errorStatus) : HttpParseStatus.Incomplete;
        }

        var lineLength = LineLength(buffer, start, lineEnd);
        if (lineLength > limits.MaxRequestLineLength)
        {
            return Fail(414, out errorStatus);
        }

        var requestLine = ParseRequestLine(buffer, start, start + lineLength, request);
        if (requestLine != 0)
        {
            return Fail(requestLine, out errorStatus);
        }

        // The header fields, up to an empty line.
        var position = lineEnd + 1;
        var hostCount = 0;
        var sawContentLength = false;
        var sawTransferEncoding = false;
        while (true)
        {
            if (position - start > limits.MaxHeaderBytes)
            {
                return Fail(431, out errorStatus);
            }

            lineEnd = IndexOfNewline(buffer, position, end);
            if (lineEnd < 0)
            {
                return end - start > limits.MaxHeaderBytes ? Fail(431, out errorStatus) : HttpParseStatus.Incomplete;
            }

            lineLength = LineLength(buffer, position, lineEnd);
            if (lineLength == 0)
            {
                position = lineEnd + 1;
                break;
            }

            if (request.HeaderCount == limits.MaxHeaderCount)
            {
                return Fail(431, out errorStatus);
            }

            var status = ParseHeader(buffer, position, position + lineLength, request, ref hostCount, ref sawContentLength, ref sawTransferEncoding);
            if (status != 0)
            {
                return Fail(status, out errorStatus);
            }

            position = lineEnd + 1;
        }

        if (position - start > limits.MaxHeaderBytes)
        {
            return Fail(431, out errorStatus);
        }

        // RFC 9112 §3.2: an HTTP/1.1 request carries exactly one Host; §6.1: never both length mechanisms.
        if ((request.Version == 11 && hostCount != 1) || hostCount > 1 || (sawContentLength && sawTransferEncoding))
        {
            return Fail(400, out errorStatus);
        }

        if (request.ContentLength > limits.MaxBodyBytes)
        {
            return Fail(413, out errorStatus);
        }

        headLength = position - start;
        return HttpParseStatus.Complete;
    }

    /// <summary>Parses "METHOD SP target SP HTTP/1.x"; returns 0 or the status code to refuse it with.</summary>
    private static int ParseRequestLine(byte[] buffer, int start, int end, HttpRequest request)
    {
        var line = buffer.AsSpan(start, end - start);
        var firstSpace = line.IndexOf((byte)' ');
        if (firstSpace <= 0 || !IsToken(line[..firstSpace]))
        {
            return 400;
        }

        request.SetMethod(start, firstSpace);
        request.Method = ClassifyMethod(line[..firstSpace]);
        var rest = line[(firstSpace + 1)..];
        var secondSpace = rest.IndexOf((byte)' ');
        if (secondSpace <= 0)
        {
            return 400;
        }

        var target = rest[..secondSpace];
        if (target.IndexOfAnyInRange((byte)0, (byte)0x20) >= 0 || target.Contains((byte)0x7f))
        {
            return 400;
        }

        var version = rest[(secondSpace + 1)..];
        if (version.SequenceEqual("HTTP/1.1"u8))
        {
            request.Version = 11;
        }
        else if (version.SequenceEqual("HTTP/1.0"u8))
        {
            request.Version = 10;
            request.KeepAlive = false; // HTTP/1.0 closes unless it asks otherwise
        }
        else
        {
            return version.Length == 8 && version.StartsWith("HTTP/"u8) && char.IsAsciiDigit((char)version[5]) && version[6] == (byte)'.' && char.IsAsciiDigit((char)version[7]) ? 505 : 400;
        }

        var targetStart = start + firstSpace + 1;
        var pathStart = 0;
        if (target[0] != (byte)'/')
        {
            // Absolute form (http://host/path), which proxies send; asterisk form (*) for OPTIONS.
            var scheme = target.IndexOf("://"u8);
            if (scheme > 0)
            {
                var slash = target[(scheme + 3)..].IndexOf((byte)'/');
                pathStart = slash < 0 ? target.Length : scheme + 3 + slash;
            }
            else if (!(target.Length == 1 && target[0] == (byte)'*'))
            {
                return 400;
            }
        }

        var pathAndQuery = target[pathStart..];
        var question = pathAndQuery.IndexOf((byte)'?');
        if (question < 0)
        {
            request.SetPath(targetStart + pathStart, pathAndQuery.Length);
        }
        else
        {
            request.SetPath(targetStart + pathStart, question);
            request.SetQuery(targetStart + pathStart + question + 1, pathAndQuery.Length - question - 1);
        }

        return 0;
    }

    private static int ParseHeader(byte[] buffer, int start, int end, HttpRequest request, ref int hostCount, ref bool sawContentLength, ref bool sawTransferEncoding)
    {
        var line = buffer.AsSpan(start, end - start);
        var colon = line.IndexOf((byte)':');

        // No colon, an empty name, whitespace before the colon or a folded line (starting with whitespace): 400.
        if (colon <= 0 || !IsToken(line[..colon]))
        {
            return 400;
        }

        var valueStart = colon + 1;
        var valueEnd = line.Length;
        while (valueStart < valueEnd && line[valueStart] is (byte)' ' or (byte)'\t')
        {
            valueStart++;
        }

        while (valueEnd > valueStart && line[valueEnd - 1] is (byte)' ' or (byte)'\t')
        {
            valueEnd--;
        }

        var value = line[valueStart..valueEnd];
        if (value.IndexOfAny(s_forbiddenInValues) >= 0)
        {
            return 400; // a bare CR or another control character inside a value
        }

        request.AddHeader(start, colon, start + valueStart, value.Length);
        var name = line[..colon];
        switch (name.Length)
        {
            case 4 when Ascii.EqualsIgnoreCase(name, "Host"u8):
                hostCount++;
                break;
            case 6 when Ascii.EqualsIgnoreCase(name, "Expect"u8):
                if (!Ascii.EqualsIgnoreCase(value, "100-continue"u8))
                {
                    return 417;
                }

                request.ExpectsContinue = request.Version == 11;
                break;
            case 10 when Ascii.EqualsIgnoreCase(name, "Connection"u8):
                ApplyConnectionOptions(value, request);
                break;
            case 14 when Ascii.EqualsIgnoreCase(name, "Content-Length"u8):
                if (!TryParseContentLength(value, out var length) || (sawContentLength && length != request.ContentLength))
                {
                    return 400;
                }

                sawContentLength = true;
                request.ContentLength = length;
                break;
            case 17 when Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8):
                sawTransferEncoding = true;

                // Only chunked is implemented; it must be the final coding (RFC 9112 §6.3), and HTTP/1.0 has none.
                var last = value[(value.LastIndexOf((byte)',') + 1)..].Trim(" \t"u8);
                if (!Ascii.EqualsIgnoreCase(last, "chunked"u8) || request.Version == 10)
                {
                    return request.Version == 10 ? 400 : 501;
                }

                if (!Ascii.EqualsIgnoreCase(value, "chunked"u8))
                {
                    return 501; // gzip, chunked and the like: a coding this server does not decode
                }

                request.IsChunked = true;
                break;
        }

        return 0;
    }

    private static void ApplyConnectionOptions(ReadOnlySpan<byte> value, HttpRequest request)
    {
        foreach (var range in value.Split((byte)','))
        {
            var option = value[range].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(option, "close"u8))
            {
                request.KeepAlive = false;
                return;
            }

            if (Ascii.EqualsIgnoreCase(option, "keep-alive"u8))
            {
                request.KeepAlive = true;
            }
        }
    }

    /// <summary>Digits only: no sign, no spaces, no hex (RFC 9110 §8.6); at most 18 of them so the value fits a long.</summary>
    private static bool TryParseContentLength(ReadOnlySpan<byte> value, out long length)
    {
        length = 0;
        if (value.IsEmpty || value.Length > 18)
        {
            return false;
        }

        foreach (var b in value)
        {
            if (!char.IsAsciiDigit((char)b))
            {
                return false;
            }

            length = (length * 10) + (b - '0');
        }

        return true;
    }

    private static HttpMethod ClassifyMethod(ReadOnlySpan<byte> method) => method switch
    {
        _ when method.SequenceEqual("GET"u8) => HttpMethod.Get,
        _ when method.SequenceEqual("POST"u8) => HttpMethod.Post,
        _ when method.SequenceEqual("HEAD"u8) => HttpMethod.Head,
        _ when method.SequenceEqual("PUT"u8) => HttpMethod.Put,
        _ when method.SequenceEqual("DELETE"u8) => HttpMethod.Delete,
        _ when method.SequenceEqual("OPTIONS"u8) => HttpMethod.Options,
        _ => HttpMethod.Other,
    };

    /// <summary>RFC 9110 tchar: the characters of methods and header names.</summary>
    private static bool IsToken(ReadOnlySpan<byte> text) => text.IndexOfAnyExcept(s_tokenBytes) < 0;

    private static int IndexOfNewline(byte[] buffer, int from, int end)
    {
        var at = buffer.AsSpan(from, end - from).IndexOf((byte)'\n');
        return at < 0 ? -1 : from + at;
    }

    /// <summary>The length of the line from <paramref name="start"/> to the LF at <paramref name="newline"/>, without its CR.</summary>
    private static int LineLength(byte[] buffer, int start, int newline) =>
        newline > start && buffer[newline - 1] == (byte)'\r' ? newline - 1 - start : newline - start;

    private static HttpParseStatus Fail(int status, out int errorStatus)
    {
        errorStatus = status;
        return HttpParseStatus.Error;
    }

    /// <summary>The status line's reason phrase for the codes this server sends.</summary>
    public static string ReasonPhrase(int status) => status switch
    {
        100 => "Continue",
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        417 => "Expectation Failed",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    };
}
