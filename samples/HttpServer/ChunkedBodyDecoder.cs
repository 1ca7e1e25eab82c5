namespace HttpServer;

/// <summary>
/// Decodes a chunked request body (RFC 9112 §7.1): <c>size-in-hex[;extensions] CRLF data CRLF</c> ... <c>0 CRLF</c>,
/// optional trailer fields, and a final empty line.
/// </summary>
/// <remarks>
/// Stateless, like the head parser: the body is decoded again from its start until all of it has arrived, into a
/// destination the caller reuses. Bodies are bounded by <see cref="HttpLimits.MaxBodyBytes"/>, and so is the framing
/// around them (at most as many bytes again plus a little), so a client cannot make the server buffer without end by
/// sending tiny chunks.
/// </remarks>
public static class ChunkedBodyDecoder
{
    private const int MaxChunkLineLength = 4096;

    /// <summary>Decodes the body starting at <paramref name="start"/>.</summary>
    /// <param name="buffer">The connection's buffer.</param>
    /// <param name="start">Where the body begins (just after the head).</param>
    /// <param name="end">Where the buffered bytes end.</param>
    /// <param name="destination">Receives the decoded bytes; grown as needed, up to the body limit.</param>
    /// <param name="limits">The body and trailer limits.</param>
    /// <param name="consumed">How many raw bytes the body took, trailers included (Complete only).</param>
    /// <param name="bodyLength">How many decoded bytes are in <paramref name="destination"/> (Complete only).</param>
    /// <param name="errorStatus">400 for bad framing, 413 for a body over the limit, 431 for too many trailer bytes.</param>
    public static HttpParseStatus TryDecode(byte[] buffer, int start, int end, ref byte[] destination, HttpLimits limits, out int consumed, out int bodyLength, out int errorStatus)
    {
        consumed = 0;
        bodyLength = 0;
        errorStatus = 0;
        var position = start;
        var decoded = 0;
        while (true)
        {
            // Framing counts against the limit too: without this, 1-byte chunks with long extensions would make the
            // server buffer many bytes of framing per byte of body.
            if (position - start > MaxRawLength(limits))
            {
                return Fail(413, out errorStatus);
            }

            var lineEnd = buffer.AsSpan(position, end - position).IndexOf((byte)'\n');
            if (lineEnd < 0)
            {
                return end - position > MaxChunkLineLength ? Fail(400, out errorStatus) : HttpParseStatus.Incomplete;
            }

            var line = buffer.AsSpan(position, lineEnd);
            if (line.Length > MaxChunkLineLength)
            {
                return Fail(400, out errorStatus);
            }

            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            // The size is hex digits, optionally followed by ";name=value" extensions, which are ignored.
            var semicolon = line.IndexOf((byte)';');
            var sizeText = (semicolon < 0 ? line : line[..semicolon]).TrimEnd(" \t"u8);
            if (!TryParseHex(sizeText, out var size))
            {
                return Fail(400, out errorStatus);
            }

            position += lineEnd + 1;
            if (size == 0)
            {
                return ReadTrailers(buffer, start, position, end, limits, decoded, out consumed, out bodyLength, out errorStatus);
            }

            if (decoded + size > limits.MaxBodyBytes)
            {
                return Fail(413, out errorStatus);
            }

            if (end - position < size + 2)
            {
                return position + size + 2 - start > MaxRawLength(limits) ? Fail(413, out errorStatus) : HttpParseStatus.Incomplete;
            }

            var data = buffer.AsSpan(position, (int)size);
            var after = position + (int)size;
            int terminator;
            if (buffer[after] == (byte)'\r' && buffer[after + 1] == (byte)'\n')
            {
                terminator = 2;
            }
            else if (buffer[after] == (byte)'\n')
            {
                terminator = 1;
            }
            else
            {
                return Fail(400, out errorStatus);
            }

            if (destination.Length < decoded + size)
            {
                Array.Resize(ref destination, (int)Math.Min(limits.MaxBodyBytes, Math.Max(2L * destination.Length, decoded + size)));
            }

            data.CopyTo(destination.AsSpan(decoded));
            decoded += (int)size;
            position = after + terminator;
        }
    }

    private static HttpParseStatus ReadTrailers(byte[] buffer, int start, int position, int end, HttpLimits limits, int decoded, out int consumed, out int bodyLength, out int errorStatus)
    {
        consumed = 0;
        bodyLength = 0;
        errorStatus = 0;
        var trailersStart = position;
        while (true)
        {
            var lineEnd = buffer.AsSpan(position, end - position).IndexOf((byte)'\n');
            if (lineEnd < 0)
            {
                return end - trailersStart > limits.MaxHeaderBytes ? Fail(431, out errorStatus) : HttpParseStatus.Incomplete;
            }

            var isEmpty = lineEnd == 0 || (lineEnd == 1 && buffer[position] == (byte)'\r');
            position += lineEnd + 1;
            if (position - trailersStart > limits.MaxHeaderBytes)
            {
                return Fail(431, out errorStatus);
            }

            if (isEmpty)
            {
                consumed = position - start;
                bodyLength = decoded;
                return HttpParseStatus.Complete;
            }
        }
    }

    /// <summary>The most raw bytes (framing included) a body may take: twice the body limit plus one chunk line.</summary>
    public static long MaxRawLength(HttpLimits limits) => (2L * limits.MaxBodyBytes) + MaxChunkLineLength;

    private static bool TryParseHex(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 15)
        {
            return false; // 15 hex digits already exceed any body this server accepts
        }

        foreach (var b in text)
        {
            if (!char.IsAsciiHexDigit((char)b))
            {
                return false;
            }

            value = (value << 4) | (long)(b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10);
        }

        return true;
    }

    private static HttpParseStatus Fail(int status, out int errorStatus)
    {
        errorStatus = status;
        return HttpParseStatus.Error;
    }
}
