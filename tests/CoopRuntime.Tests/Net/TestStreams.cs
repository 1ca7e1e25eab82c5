using System.Threading.Tasks.Sources;

namespace CoopRuntime.Tests.Net;

/// <summary>
/// A read-only stream whose reads complete synchronously. The subclasses decide what each read returns; this class
/// routes every read overload to <see cref="ReadCore"/> and counts what was delivered. <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>
/// is overridden so that a read allocates nothing (the base class would go through a Task).
/// </summary>
internal abstract class SyncReadStream : Stream
{
    private bool _disposed;

    /// <summary>How many bytes all reads returned so far.</summary>
    public long BytesDelivered { get; private set; }

    /// <summary>How many reads were made (including those that returned 0).</summary>
    public int Reads { get; private set; }

    public bool IsDisposed => _disposed;

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var read = ReadCore(buffer);
        Reads++;
        BytesDelivered += read;
        return read;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<int>(cancellationToken)
            : new ValueTask<int>(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected abstract int ReadCore(Span<byte> destination);

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }
}

/// <summary>
/// Returns the given chunks in order, each read at most one chunk (less if the reader's buffer is smaller; the rest
/// of the chunk comes next), then the end of the stream.
/// </summary>
internal sealed class ChunkedStream(params byte[][] chunks) : SyncReadStream
{
    private int _chunk;
    private int _offset;

    /// <summary>A stream of <paramref name="data"/> that delivers at most <paramref name="chunkSize"/> bytes per read.</summary>
    public static ChunkedStream Of(byte[] data, int chunkSize) => new(data.Chunk(chunkSize).ToArray());

    /// <summary>A stream of <paramref name="text"/>'s UTF-8 bytes, <paramref name="chunkSize"/> bytes per read.</summary>
    public static ChunkedStream Of(string text, int chunkSize = int.MaxValue) =>
        text.Length == 0 ? new ChunkedStream() : Of(System.Text.Encoding.UTF8.GetBytes(text), chunkSize);

    /// <summary>A stream that returns each string's UTF-8 bytes as one chunk.</summary>
    public static ChunkedStream OfChunks(params string[] chunks) =>
        new(chunks.Select(c => System.Text.Encoding.UTF8.GetBytes(c)).ToArray());

    protected override int ReadCore(Span<byte> destination)
    {
        while (_chunk < chunks.Length && _offset == chunks[_chunk].Length)
        {
            _chunk++;
            _offset = 0;
        }

        if (_chunk == chunks.Length || destination.IsEmpty)
        {
            return 0;
        }

        var count = Math.Min(destination.Length, chunks[_chunk].Length - _offset);
        chunks[_chunk].AsSpan(_offset, count).CopyTo(destination);
        _offset += count;
        return count;
    }
}

/// <summary>
/// Repeats <paramref name="pattern"/> for <paramref name="totalLength"/> bytes (forever by default), at most
/// <paramref name="maxRead"/> bytes per read.
/// </summary>
internal sealed class RepeatingStream(byte[] pattern, long totalLength = long.MaxValue, int maxRead = int.MaxValue) : SyncReadStream
{
    private long _position;

    protected override int ReadCore(Span<byte> destination)
    {
        var count = (int)Math.Min(Math.Min(destination.Length, maxRead), totalLength - _position);
        for (var i = 0; i < count;)
        {
            var at = (int)(_position % pattern.Length);
            var run = Math.Min(count - i, pattern.Length - at);
            pattern.AsSpan(at, run).CopyTo(destination[i..]);
            i += run;
            _position += run;
        }

        return count;
    }
}

/// <summary>
/// Wraps a stream so that every read completes asynchronously, on the loop thread, one iteration later (a
/// <see cref="EventLoop.CallSoon{TState}"/>), the way a loop socket's read does. Hand-written over one reused
/// <see cref="ManualResetValueTaskSourceCore{TResult}"/> so that a read allocates nothing, in debug builds too (where an
/// async method's state machine is a class).
/// </summary>
internal sealed class YieldingStream(Stream inner) : Stream, IValueTaskSource<int>
{
    private ManualResetValueTaskSourceCore<int> _core;
    private Memory<byte> _buffer;
    private CancellationToken _cancellationToken;

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var loop = EventLoop.Current ?? throw new InvalidOperationException("YieldingStream is read on a loop only.");
        _core.Reset();
        _buffer = buffer;
        _cancellationToken = cancellationToken;
        loop.CallSoon(static self => self.Complete(), this);
        return new ValueTask<int>(this, _core.Version);
    }

    int IValueTaskSource<int>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Complete()
    {
        var buffer = _buffer;
        _buffer = default;
        int read;
        try
        {
            // The inner streams here complete synchronously.
            read = inner.ReadAsync(buffer, _cancellationToken).GetAwaiter().GetResult();
        }
        catch (Exception error)
        {
            _core.SetException(error);
            return;
        }

        _core.SetResult(read);
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("This stream is read asynchronously only, on a loop.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>
/// A stream whose reads wait until the test supplies bytes with <see cref="Supply"/> or ends the stream with
/// <see cref="End"/>; a waiting read honours its cancellation token. One read at a time.
/// </summary>
internal sealed class GatedStream : Stream
{
    private readonly Queue<byte[]> _pending = new();
    private TaskCompletionSource? _arrived;
    private int _offset;
    private bool _ended;

    /// <summary>True while a read waits for <see cref="Supply"/> or <see cref="End"/>.</summary>
    public bool ReadWaiting => _arrived is not null;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public void Supply(string text) => Supply(System.Text.Encoding.UTF8.GetBytes(text));

    public void Supply(byte[] bytes)
    {
        _pending.Enqueue(bytes);
        Wake();
    }

    public void End()
    {
        _ended = true;
        Wake();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_pending.Count == 0 && !_ended)
        {
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await _arrived.Task.WaitAsync(cancellationToken);
        }

        if (_pending.Count == 0)
        {
            return 0;
        }

        var next = _pending.Peek();
        var count = Math.Min(next.Length - _offset, buffer.Length);
        next.AsSpan(_offset, count).CopyTo(buffer.Span);
        _offset += count;
        if (_offset == next.Length)
        {
            _pending.Dequeue();
            _offset = 0;
        }

        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void Wake()
    {
        var arrived = _arrived;
        _arrived = null;
        arrived?.TrySetResult();
    }
}
