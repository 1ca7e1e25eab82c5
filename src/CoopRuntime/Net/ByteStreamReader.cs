using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace CoopRuntime;

/// <summary>
/// A buffered reader over any <see cref="Stream"/> that reads delimited messages, lines and fixed-size records, like
/// asyncio's <c>StreamReader</c> (<c>readline</c>, <c>readuntil</c>, <c>readexactly</c>). It works on every stream:
/// a loop socket's, a <see cref="MemoryStream"/>, a file, a pipe, an <c>SslStream</c>.
/// </summary>
/// <example>
/// <code>
/// await using var reader = new ByteStreamReader(stream);
/// while (await reader.ReadLineAsync() is { } line)
/// {
///     Console.WriteLine(line);
/// }
/// </code>
/// </example>
/// <remarks>
/// <para><b>Zero-copy results.</b> <see cref="ReadUntilAsync"/> and <see cref="ReadExactlyAsync"/> return memory
/// inside the reader's buffer. It stays valid until the next call on the reader, which may move or overwrite those
/// bytes; copy it (<c>ToArray()</c>) or parse it before the next read.</para>
/// <para><b>Limits.</b> A search for a delimiter or newline gives up once more than <c>maxLength</c> bytes arrived
/// without it (the delimiter itself not counted) and throws <see cref="ReadLimitExceededException"/>. The reader stops
/// reading at that point, so it never holds much more than <c>maxLength</c> bytes plus one read's worth, whatever the
/// peer sends. Nothing is lost: the bytes read so far stay buffered and readable through <see cref="ReadAsync"/> and
/// the other methods.</para>
/// <para><b>End of stream.</b> A read of the stream that returns 0 ends the message being read: an empty result from
/// <see cref="ReadUntilAsync"/> and null from <see cref="ReadLineAsync"/> mean the stream ended cleanly between
/// messages; an <see cref="EndOfStreamException"/> means it ended inside one, whose bytes stay buffered. The reader
/// does not remember the end: a later call asks the stream again.</para>
/// <para><b>One read at a time.</b> Await each call before starting the next; a call made while another is in
/// progress throws <see cref="InvalidOperationException"/>. The reader is not bound to a loop or a thread, so it can
/// be used from plain async code as well, one call at a time.</para>
/// <para><b>Allocation.</b> Calls that complete from the buffer allocate nothing, and calls that await the stream
/// reuse one pending-read object per reader, so steady-state reading allocates nothing beyond what the stream itself
/// allocates (<see cref="ReadLineAsync"/> allocates its string). A caller that awaits on a loop is resumed inline when
/// the stream's read completes on the loop thread, and through its context otherwise. The buffer starts at <c>bufferSize</c> bytes and grows only
/// when a message does not fit, up to what the message needs (at most <c>maxLength</c> plus the delimiter); it does
/// not shrink.</para>
/// </remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed partial class ByteStreamReader : IAsyncDisposable, IDisposable
{
    private const int DefaultMaxLength = 65536;
    private const int Idle = 0;
    private const int Busy = 1;

    private static readonly ReadOnlyMemory<byte> s_newline = new[] { (byte)'\n' };

    // The unread bytes are _buffer[_start.._end). Every search offset below is relative to _start, so compacting or
    // growing the buffer (which moves _start to 0) never invalidates a search in progress.
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _state;
    private bool _disposed;
    private PendingRead? _pending;

    /// <summary>Creates a reader over <paramref name="stream"/>.</summary>
    /// <param name="stream">The stream to read. It must be readable.</param>
    /// <param name="bufferSize">The initial buffer size in bytes, and the size of each read from the stream until a
    /// message needs more. At least 1.</param>
    /// <param name="leaveOpen">True to leave <paramref name="stream"/> open when the reader is disposed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be read (it is write-only or closed).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bufferSize"/> is less than 1 or larger than
    /// <see cref="Array.MaxLength"/>.</exception>
    public ByteStreamReader(Stream stream, int bufferSize = 4096, bool leaveOpen = false)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream), "A ByteStreamReader needs a stream to read from; the stream was null.");
        }

        if (!stream.CanRead)
        {
            throw new ArgumentException(
                $"The stream ({stream.GetType().Name}) cannot be read: CanRead is false, so it is write-only or already closed. " +
                "A ByteStreamReader needs a readable stream.",
                nameof(stream));
        }

        if (bufferSize < 1 || bufferSize > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(bufferSize),
                bufferSize,
                $"The buffer size must be between 1 and {Array.MaxLength} bytes; it was {bufferSize}.");
        }

        _stream = stream;
        _leaveOpen = leaveOpen;
        _buffer = new byte[bufferSize];
    }

    /// <summary>The stream this reader reads from. Reading it directly skips the bytes already buffered here.</summary>
    public Stream BaseStream => _stream;

    /// <summary>How many bytes were read from the stream and not yet returned by the reader.</summary>
    public int BufferedCount => _end - _start;

    /// <summary>The buffer's current size, for tests that check how far it grew.</summary>
    internal int BufferCapacity => _buffer.Length;

    private string DebuggerDisplay =>
        $"ByteStreamReader BufferedCount = {BufferedCount}, buffer = {_buffer.Length} bytes" +
        (Volatile.Read(ref _state) == Busy ? ", reading" : string.Empty) + (_disposed ? ", disposed" : string.Empty);

    /// <summary>
    /// Reads one line and returns it UTF-8 decoded, without its terminator (<c>"\n"</c> or <c>"\r\n"</c>; a lone
    /// <c>"\r"</c> is not a terminator and stays in the line).
    /// </summary>
    /// <param name="maxLength">The longest line accepted, in bytes, its terminator not counted.</param>
    /// <param name="cancellationToken">Cancels the wait for more bytes; the bytes buffered so far stay buffered.</param>
    /// <returns>The line; a final line without a terminator when the stream ends after it; null when the stream ended
    /// and nothing is buffered. Invalid UTF-8 decodes to U+FFFD replacement characters.</returns>
    /// <exception cref="ReadLimitExceededException">The line is longer than <paramref name="maxLength"/> bytes. Its
    /// bytes stay buffered.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Another read on this reader is in progress.</exception>
    /// <exception cref="ObjectDisposedException">The reader was disposed.</exception>
    public ValueTask<string?> ReadLineAsync(int maxLength = DefaultMaxLength, CancellationToken cancellationToken = default)
    {
        ValidateMaxLength(maxLength);
        Enter(nameof(ReadLineAsync));
        if (cancellationToken.IsCancellationRequested)
        {
            Exit();
            return ValueTask.FromCanceled<string?>(cancellationToken);
        }

        // The window has room for a "\r\n" terminator. A "\n" found at its very end after a byte other than "\r" ends a
        // line one byte too long: PendingRead finds it again and reports the limit.
        var window = Window(maxLength, 2);
        var length = Find(s_newline.Span, 0, window);
        if (length > 0 && LineContentLength(length) <= maxLength)
        {
            var line = TakeLine(length);
            Exit();
            return new ValueTask<string?>(line);
        }

        return ReadLineSlowAsync(window, maxLength, cancellationToken);
    }

    /// <summary>
    /// Reads up to and including the first occurrence of <paramref name="delimiter"/>, which may span several reads of
    /// the stream.
    /// </summary>
    /// <param name="delimiter">The bytes that end a message; at least one byte.</param>
    /// <param name="maxLength">The longest message accepted, in bytes, the delimiter not counted.</param>
    /// <param name="cancellationToken">Cancels the wait for more bytes; the bytes buffered so far stay buffered.</param>
    /// <returns>The message including its delimiter, or empty when the stream ended with nothing buffered. The memory
    /// is the reader's own buffer: valid until the next call on this reader.</returns>
    /// <exception cref="ReadLimitExceededException">More than <paramref name="maxLength"/> bytes arrived without the
    /// delimiter. They stay buffered.</exception>
    /// <exception cref="EndOfStreamException">The stream ended in the middle of a message. Its bytes stay buffered
    /// (<see cref="BufferedCount"/>); read them with <see cref="ReadAsync"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="delimiter"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Another read on this reader is in progress.</exception>
    /// <exception cref="ObjectDisposedException">The reader was disposed.</exception>
    public ValueTask<ReadOnlyMemory<byte>> ReadUntilAsync(
        ReadOnlyMemory<byte> delimiter,
        int maxLength = DefaultMaxLength,
        CancellationToken cancellationToken = default)
    {
        if (delimiter.IsEmpty)
        {
            throw new ArgumentException("The delimiter is empty; pass the one or more bytes that end a message.", nameof(delimiter));
        }

        ValidateMaxLength(maxLength);
        Enter(nameof(ReadUntilAsync));
        if (cancellationToken.IsCancellationRequested)
        {
            Exit();
            return ValueTask.FromCanceled<ReadOnlyMemory<byte>>(cancellationToken);
        }

        var window = Window(maxLength, delimiter.Length);
        var length = Find(delimiter.Span, 0, window);
        if (length > 0)
        {
            var message = Take(length);
            Exit();
            return new ValueTask<ReadOnlyMemory<byte>>(message);
        }

        return ReadUntilSlowAsync(delimiter, window, maxLength, cancellationToken);
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    /// <param name="count">How many bytes to read; 0 returns empty memory at once. The buffer grows to hold them.</param>
    /// <param name="cancellationToken">Cancels the wait for more bytes; the bytes buffered so far stay buffered.</param>
    /// <returns>The bytes. The memory is the reader's own buffer: valid until the next call on this reader.</returns>
    /// <exception cref="EndOfStreamException">The stream ended before <paramref name="count"/> bytes arrived (also when
    /// none did). The bytes that did arrive stay buffered.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or larger than
    /// <see cref="Array.MaxLength"/>.</exception>
    /// <exception cref="InvalidOperationException">Another read on this reader is in progress.</exception>
    /// <exception cref="ObjectDisposedException">The reader was disposed.</exception>
    public ValueTask<ReadOnlyMemory<byte>> ReadExactlyAsync(int count, CancellationToken cancellationToken = default)
    {
        if (count < 0 || count > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(count),
                count,
                $"The byte count must be between 0 and {Array.MaxLength}; it was {count}.");
        }

        Enter(nameof(ReadExactlyAsync));
        if (cancellationToken.IsCancellationRequested)
        {
            Exit();
            return ValueTask.FromCanceled<ReadOnlyMemory<byte>>(cancellationToken);
        }

        if (BufferedCount >= count)
        {
            var bytes = Take(count);
            Exit();
            return new ValueTask<ReadOnlyMemory<byte>>(bytes);
        }

        return ReadExactlySlowAsync(count, cancellationToken);
    }

    /// <summary>
    /// Reads up to <paramref name="destination"/>'s length: from the buffered bytes if there are any (without reading
    /// the stream), otherwise from the stream.
    /// </summary>
    /// <param name="destination">Where to copy the bytes.</param>
    /// <param name="cancellationToken">Cancels the wait for the stream.</param>
    /// <returns>How many bytes were copied; 0 when the stream ended and nothing was buffered (or
    /// <paramref name="destination"/> is empty).</returns>
    /// <exception cref="InvalidOperationException">Another read on this reader is in progress.</exception>
    /// <exception cref="ObjectDisposedException">The reader was disposed.</exception>
    public ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        Enter(nameof(ReadAsync));
        if (cancellationToken.IsCancellationRequested)
        {
            Exit();
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        if (BufferedCount > 0)
        {
            var copied = CopyTo(destination.Span);
            Exit();
            return new ValueTask<int>(copied);
        }

        return ReadSlowAsync(destination, cancellationToken);
    }

    /// <summary>Disposes the stream, unless the reader was created with <c>leaveOpen</c>. Calling it again does nothing.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    /// <summary>Disposes the stream asynchronously, unless the reader was created with <c>leaveOpen</c>. Calling it again does nothing.</summary>
    /// <returns>A task that completes when the stream is disposed.</returns>
    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return default;
        }

        _disposed = true;
        return _leaveOpen ? default : _stream.DisposeAsync();
    }

    // Calls that cannot complete from the buffer continue in the reader's one PendingRead, created on first need and
    // reused by every later call (the reader serves one read at a time). It is a hand-written state machine rather
    // than an async method because the compiler makes async state machines classes in debug builds, which would
    // allocate per call there, and because one reusable object per reader needs no pool at all.

    private ValueTask<string?> ReadLineSlowAsync(int window, int maxLength, CancellationToken cancellationToken) =>
        Pending().StartLine(window, maxLength, cancellationToken);

    private ValueTask<ReadOnlyMemory<byte>> ReadUntilSlowAsync(
        ReadOnlyMemory<byte> delimiter,
        int window,
        int maxLength,
        CancellationToken cancellationToken) =>
        Pending().StartUntil(delimiter, window, maxLength, cancellationToken);

    private ValueTask<ReadOnlyMemory<byte>> ReadExactlySlowAsync(int count, CancellationToken cancellationToken) =>
        Pending().StartExactly(count, cancellationToken);

    private ValueTask<int> ReadSlowAsync(Memory<byte> destination, CancellationToken cancellationToken) =>
        Pending().StartRead(destination, cancellationToken);

    private PendingRead Pending() => _pending ??= new PendingRead(this);

    /// <summary>
    /// Makes room for the buffered bytes to reach <paramref name="wanted"/> in one contiguous run, then starts one
    /// read from the stream into the free tail of the buffer. The caller passes the result to <see cref="Commit"/>.
    /// </summary>
    /// <param name="wanted">How many unread bytes the caller needs to hold; more than <see cref="BufferedCount"/>.</param>
    /// <param name="cap">The size the buffer may grow to (it never shrinks); at least <paramref name="wanted"/>.</param>
    /// <param name="cancellationToken">Passed to the stream.</param>
    /// <remarks>Not an async method itself, so that waiting for the stream costs no state machine of its own.</remarks>
    private ValueTask<int> ReadMoreAsync(int wanted, int cap, CancellationToken cancellationToken)
    {
        MakeRoom(wanted, cap);
        return _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
    }

    /// <summary>Adds the bytes a <see cref="ReadMoreAsync"/> read to the buffered ones.</summary>
    /// <returns><paramref name="read"/>: 0 at the end of the stream.</returns>
    private int Commit(int read)
    {
        var free = _buffer.Length - _end;
        if ((uint)read > (uint)free)
        {
            throw new InvalidOperationException(
                $"{_stream.GetType().Name}.ReadAsync returned {read} for a buffer of {free} bytes; a stream must return " +
                "between 0 and the buffer's length.");
        }

        _end += read;
        AssertInvariants();
        return read;
    }

    private void MakeRoom(int wanted, int cap)
    {
        Debug.Assert(BufferedCount < wanted && wanted <= Math.Max(cap, _buffer.Length), "MakeRoom needs a reachable target.");
        if (_buffer.Length - _start >= wanted)
        {
            return; // the tail after the unread bytes is free
        }

        // Grow by doubling (bounded by cap, but at least to what is wanted) while the unread bytes fill more than half
        // the buffer; otherwise slide them to the front. Moving at most half a buffer per refill keeps copying linear.
        var grown = Math.Max(wanted, (int)Math.Min(2L * _buffer.Length, cap));
        var target = grown <= _buffer.Length || (BufferedCount <= _buffer.Length / 2 && wanted <= _buffer.Length)
            ? _buffer
            : new byte[grown];
        Buffer.BlockCopy(_buffer, _start, target, 0, BufferedCount);
        _end = BufferedCount;
        _start = 0;
        _buffer = target;
        AssertInvariants();
    }

    /// <summary>
    /// Searches the unread bytes from offset <paramref name="from"/> up to the first <paramref name="window"/> bytes.
    /// </summary>
    /// <returns>The length of the message that ends with the delimiter, or -1.</returns>
    private int Find(ReadOnlySpan<byte> delimiter, int from, int window)
    {
        var searchable = Math.Min(BufferedCount, window);
        if (searchable - from < delimiter.Length)
        {
            return -1;
        }

        var at = _buffer.AsSpan(_start + from, searchable - from).IndexOf(delimiter);
        return at < 0 ? -1 : from + at + delimiter.Length;
    }

    /// <summary>The most bytes a search looks at: the longest message plus its delimiter.</summary>
    private static int Window(int maxLength, int delimiterLength) => (int)Math.Min((long)maxLength + delimiterLength, Array.MaxLength);

    /// <summary>The length, without its terminator, of the buffered line whose "\n" ends at <paramref name="length"/>.</summary>
    private int LineContentLength(int length) =>
        length >= 2 && _buffer[_start + length - 2] == (byte)'\r' ? length - 2 : length - 1;

    private string TakeLine(int length)
    {
        var content = LineContentLength(length);
        var line = Encoding.UTF8.GetString(_buffer, _start, content);
        Take(length);
        return line;
    }

    private ReadOnlyMemory<byte> Take(int count)
    {
        var taken = new ReadOnlyMemory<byte>(_buffer, _start, count);
        _start += count;
        if (_start == _end)
        {
            // Empty: start over at the front, so the next read has the whole buffer without a copy.
            _start = 0;
            _end = 0;
        }

        AssertInvariants();
        return taken;
    }

    private int CopyTo(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, BufferedCount);
        _buffer.AsSpan(_start, count).CopyTo(destination);
        Take(count);
        return count;
    }

    private static void ValidateMaxLength(int maxLength)
    {
        if (maxLength < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxLength),
                maxLength,
                $"maxLength is the longest message accepted, in bytes; it cannot be negative, and it was {maxLength}.");
        }
    }

    private void Enter(string method)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // Interlocked rather than a plain flag: the reader is not bound to a loop, so a misuse from two threads must
        // be caught as reliably as one from two tasks on the same loop.
        if (Interlocked.CompareExchange(ref _state, Busy, Idle) != Idle)
        {
            ThrowConcurrentRead(method);
        }
    }

    private void Exit() => Volatile.Write(ref _state, Idle);

    [DoesNotReturn]
    private static void ThrowConcurrentRead(string method) =>
        throw new InvalidOperationException(
            $"ByteStreamReader.{method} was called while another read on this reader is still in progress. A reader " +
            "serves one read at a time: await each call before starting the next.");

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(0 <= _start && _start <= _end && _end <= _buffer.Length, "The unread bytes must lie within the buffer.");
        Debug.Assert(_start < _end || _start == 0, "An empty buffer starts over at the front.");
    }
}
