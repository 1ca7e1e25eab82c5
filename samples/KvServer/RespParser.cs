using System.Buffers.Text;

namespace KvServer;

/// <summary>What <see cref="RespParser.TryParse"/> found at the start of the buffered bytes.</summary>
public enum RespParseStatus
{
    /// <summary>A whole command; it is in the <see cref="RespCommand"/> and its bytes are consumed.</summary>
    Complete,

    /// <summary>Something the client may send and that needs no reply (an empty line or an empty array); its bytes are consumed.</summary>
    Empty,

    /// <summary>The command is not all here yet: read more and parse again from the same start.</summary>
    Incomplete,

    /// <summary>The bytes are not RESP: reply with the error and close the connection.</summary>
    Error,
}

/// <summary>
/// Parses RESP2 requests: arrays of bulk strings (<c>*2\r\n$3\r\nGET\r\n$1\r\nk\r\n</c>, what every client library
/// sends) and inline commands (<c>GET k\r\n</c>, what telnet and redis-benchmark's PING_INLINE send).
/// </summary>
/// <remarks>
/// Stateless: an incomplete command is parsed again from its start once more bytes arrived. Bulk payloads are
/// skipped by their announced length, not scanned, so a re-parse costs only the few header lines. Error texts follow
/// Redis's ("Protocol error: ..."), since clients show them to users.
/// </remarks>
public static class RespParser
{
    /// <summary>Parses one command from <c>buffer[start..end)</c>.</summary>
    /// <param name="buffer">The connection's buffer. Inline commands with quoted arguments are unescaped in place.</param>
    /// <param name="start">Where the unparsed bytes begin.</param>
    /// <param name="end">Where they end.</param>
    /// <param name="command">Receives the arguments (as slices of <paramref name="buffer"/>).</param>
    /// <param name="limits">The limits that make a request a protocol error.</param>
    /// <param name="consumed">How many bytes the command took (Complete and Empty only).</param>
    /// <param name="error">The protocol error's text, without the "-ERR " (Error only).</param>
    /// <returns>What was found.</returns>
    public static RespParseStatus TryParse(byte[] buffer, int start, int end, RespCommand command, RespLimits limits, out int consumed, out string? error)
    {
        consumed = 0;
        error = null;
        command.Reset(buffer);
        if (start >= end)
        {
            return RespParseStatus.Incomplete;
        }

        return buffer[start] == (byte)'*'
            ? ParseMultiBulk(buffer, start, end, command, limits, out consumed, out error)
            : ParseInline(buffer, start, end, command, limits, out consumed, out error);
    }

    private static RespParseStatus ParseMultiBulk(byte[] buffer, int start, int end, RespCommand command, RespLimits limits, out int consumed, out string? error)
    {
        consumed = 0;
        error = null;
        var position = start + 1;
        switch (ReadNumberLine(buffer, ref position, end, out var count))
        {
            case LineStatus.Incomplete:
                return TooLongWithoutNewline(end - start, limits, "too big mbulk count string", out error);
            case LineStatus.Invalid:
                error = "Protocol error: invalid multibulk length";
                return RespParseStatus.Error;
        }

        if (count > limits.MaxArguments)
        {
            error = "Protocol error: invalid multibulk length";
            return RespParseStatus.Error;
        }

        if (count <= 0)
        {
            consumed = position - start; // "*0" and "*-1" are legal and mean nothing
            return RespParseStatus.Empty;
        }

        for (var i = 0; i < count; i++)
        {
            if (position >= end)
            {
                return RespParseStatus.Incomplete;
            }

            if (buffer[position] != (byte)'$')
            {
                error = $"Protocol error: expected '$', got '{Printable(buffer[position])}'";
                return RespParseStatus.Error;
            }

            position++;
            var lineStart = position;
            switch (ReadNumberLine(buffer, ref position, end, out var length))
            {
                case LineStatus.Incomplete:
                    return TooLongWithoutNewline(end - lineStart, limits, "too big bulk count string", out error);
                case LineStatus.Invalid:
                    error = "Protocol error: invalid bulk length";
                    return RespParseStatus.Error;
            }

            if (length < 0 || length > limits.MaxBulkLength)
            {
                error = "Protocol error: invalid bulk length";
                return RespParseStatus.Error;
            }

            if (end - position < length + 2)
            {
                return RespParseStatus.Incomplete;
            }

            if (buffer[position + (int)length] != (byte)'\r' || buffer[position + (int)length + 1] != (byte)'\n')
            {
                error = "Protocol error: bulk string not terminated by CRLF";
                return RespParseStatus.Error;
            }

            command.Add(position, (int)length);
            position += (int)length + 2;
        }

        consumed = position - start;
        return RespParseStatus.Complete;
    }

    private static RespParseStatus ParseInline(byte[] buffer, int start, int end, RespCommand command, RespLimits limits, out int consumed, out string? error)
    {
        consumed = 0;
        error = null;
        var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
        if (newline < 0)
        {
            return TooLongWithoutNewline(end - start, limits, "too big inline request", out error);
        }

        if (newline > limits.MaxInlineLength)
        {
            error = "Protocol error: too big inline request";
            return RespParseStatus.Error;
        }

        consumed = newline + 1;
        var lineEnd = start + newline;
        if (lineEnd > start && buffer[lineEnd - 1] == (byte)'\r')
        {
            lineEnd--;
        }

        if (!SplitArguments(buffer, start, lineEnd, command))
        {
            error = "Protocol error: unbalanced quotes in request";
            return RespParseStatus.Error;
        }

        return command.Count == 0 ? RespParseStatus.Empty : RespParseStatus.Complete;
    }

    /// <summary>
    /// Splits an inline line on spaces and tabs, like Redis's sdssplitargs: "double quotes" take \n \r \t \b \a \\ \"
    /// and \xHH escapes, 'single quotes' take \'. A quoted argument must be followed by a space or the end.
    /// </summary>
    private static bool SplitArguments(byte[] buffer, int position, int end, RespCommand command)
    {
        while (true)
        {
            while (position < end && IsSpace(buffer[position]))
            {
                position++;
            }

            if (position >= end)
            {
                return true;
            }

            var quote = buffer[position];
            if (quote is not ((byte)'"' or (byte)'\''))
            {
                var wordStart = position;
                while (position < end && !IsSpace(buffer[position]))
                {
                    position++;
                }

                command.Add(wordStart, position - wordStart);
                continue;
            }

            // Unescape in place: the unescaped argument is never longer than its quoted form.
            position++;
            var argumentStart = position;
            var write = position;
            var closed = false;
            while (position < end)
            {
                var b = buffer[position];
                if (b == quote)
                {
                    closed = true;
                    position++;
                    break;
                }

                if (b == (byte)'\\' && position + 1 < end)
                {
                    var next = buffer[position + 1];
                    if (quote == (byte)'\'')
                    {
                        if (next == (byte)'\'')
                        {
                            buffer[write++] = next;
                            position += 2;
                            continue;
                        }
                    }
                    else if (next == (byte)'x' && position + 3 < end && IsHex(buffer[position + 2]) && IsHex(buffer[position + 3]))
                    {
                        buffer[write++] = (byte)((HexValue(buffer[position + 2]) << 4) | HexValue(buffer[position + 3]));
                        position += 4;
                        continue;
                    }
                    else
                    {
                        buffer[write++] = next switch
                        {
                            (byte)'n' => (byte)'\n',
                            (byte)'r' => (byte)'\r',
                            (byte)'t' => (byte)'\t',
                            (byte)'b' => (byte)'\b',
                            (byte)'a' => (byte)'\a',
                            _ => next,
                        };
                        position += 2;
                        continue;
                    }
                }

                buffer[write++] = b;
                position++;
            }

            if (!closed || (position < end && !IsSpace(buffer[position])))
            {
                return false;
            }

            command.Add(argumentStart, write - argumentStart);
        }
    }

    private enum LineStatus
    {
        Number,
        Incomplete,
        Invalid,
    }

    /// <summary>Reads a decimal number ending in CRLF at <paramref name="position"/> and moves past the CRLF.</summary>
    private static LineStatus ReadNumberLine(byte[] buffer, ref int position, int end, out long value)
    {
        value = 0;
        var span = buffer.AsSpan(position, end - position);
        var carriageReturn = span.IndexOf((byte)'\r');
        if (carriageReturn < 0 || carriageReturn + 1 >= span.Length)
        {
            return LineStatus.Incomplete;
        }

        if (span[carriageReturn + 1] != (byte)'\n' || carriageReturn == 0 || carriageReturn > 20
            || !Utf8Parser.TryParse(span[..carriageReturn], out value, out var used) || used != carriageReturn)
        {
            return LineStatus.Invalid;
        }

        position += carriageReturn + 2;
        return LineStatus.Number;
    }

    private static RespParseStatus TooLongWithoutNewline(int buffered, RespLimits limits, string what, out string? error)
    {
        if (buffered > limits.MaxInlineLength)
        {
            error = $"Protocol error: {what}";
            return RespParseStatus.Error;
        }

        error = null;
        return RespParseStatus.Incomplete;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'\v' or (byte)'\f';

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

    private static string Printable(byte b) => b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}";
}
