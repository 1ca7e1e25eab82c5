using System.Buffers.Text;
using System.Text;

namespace KvServer;

/// <summary>
/// Collects RESP2 replies in one growable buffer, so that a batch of pipelined commands is answered with one write.
/// </summary>
public sealed class RespWriter
{
    private static ReadOnlySpan<byte> NullBulk => "$-1\r\n"u8;

    private static ReadOnlySpan<byte> NullArray => "*-1\r\n"u8;

    private byte[] _buffer;
    private int _length;

    /// <summary>Creates a writer whose buffer starts at <paramref name="initialCapacity"/> bytes.</summary>
    public RespWriter(int initialCapacity = 4096) => _buffer = new byte[initialCapacity];

    /// <summary>How many bytes are waiting to be sent.</summary>
    public int Length => _length;

    /// <summary>The bytes waiting to be sent; valid until the next write or <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    /// <summary>Forgets the written bytes (after they were sent).</summary>
    public void Clear() => _length = 0;

    /// <summary>Empties the writer and drops a buffer that a large reply grew past <paramref name="keepCapacity"/>.</summary>
    public void ClearAndTrim(int keepCapacity)
    {
        _length = 0;
        if (_buffer.Length > keepCapacity)
        {
            _buffer = new byte[keepCapacity];
        }
    }

    /// <summary>The written bytes as text, for tests.</summary>
    public override string ToString() => Encoding.UTF8.GetString(_buffer, 0, _length);

    /// <summary>Appends bytes that are already RESP (a precomputed reply such as <c>+OK\r\n</c>).</summary>
    public void WriteRaw(ReadOnlySpan<byte> resp)
    {
        resp.CopyTo(Reserve(resp.Length));
        _length += resp.Length;
    }

    /// <summary>A simple string: <c>+text\r\n</c>. The text must not contain CR or LF.</summary>
    public void WriteSimpleString(ReadOnlySpan<byte> text)
    {
        var span = Reserve(text.Length + 3);
        span[0] = (byte)'+';
        text.CopyTo(span[1..]);
        span[text.Length + 1] = (byte)'\r';
        span[text.Length + 2] = (byte)'\n';
        _length += text.Length + 3;
    }

    /// <summary>An error: <c>-message\r\n</c>; <paramref name="message"/> starts with its kind (ERR, WRONGTYPE...).</summary>
    public void WriteError(string message)
    {
        var count = Encoding.UTF8.GetByteCount(message);
        var span = Reserve(count + 3);
        span[0] = (byte)'-';
        Encoding.UTF8.GetBytes(message, span[1..]);
        // Error lines cannot carry a newline: clients would read the rest as another reply.
        span.Slice(1, count).Replace((byte)'\r', (byte)' ');
        span.Slice(1, count).Replace((byte)'\n', (byte)' ');
        span[count + 1] = (byte)'\r';
        span[count + 2] = (byte)'\n';
        _length += count + 3;
    }

    /// <summary>An integer: <c>:42\r\n</c>.</summary>
    public void WriteInteger(long value) => WriteNumberLine((byte)':', value);

    /// <summary>A bulk string: <c>$5\r\nhello\r\n</c>.</summary>
    public void WriteBulkString(ReadOnlySpan<byte> value)
    {
        WriteNumberLine((byte)'$', value.Length);
        var span = Reserve(value.Length + 2);
        value.CopyTo(span);
        span[value.Length] = (byte)'\r';
        span[value.Length + 1] = (byte)'\n';
        _length += value.Length + 2;
    }

    /// <summary>A bulk string from text, UTF-8 encoded.</summary>
    public void WriteBulkString(string value) => WriteBulkString(Encoding.UTF8.GetBytes(value));

    /// <summary>The null bulk string <c>$-1\r\n</c> (a missing key).</summary>
    public void WriteNullBulkString() => WriteRaw(NullBulk);

    /// <summary>The null array <c>*-1\r\n</c>.</summary>
    public void WriteNullArray() => WriteRaw(NullArray);

    /// <summary>An array header, <c>*count\r\n</c>; the caller writes the <paramref name="count"/> elements next.</summary>
    public void WriteArrayHeader(int count) => WriteNumberLine((byte)'*', count);

    private void WriteNumberLine(byte prefix, long value)
    {
        var span = Reserve(24);
        span[0] = prefix;
        Utf8Formatter.TryFormat(value, span[1..], out var written);
        span[written + 1] = (byte)'\r';
        span[written + 2] = (byte)'\n';
        _length += written + 3;
    }

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _length < count)
        {
            Grow(count);
        }

        return _buffer.AsSpan(_length);
    }

    private void Grow(int count)
    {
        var size = Math.Max(_buffer.Length * 2, _length + count);
        Array.Resize(ref _buffer, size);
    }
}
