using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// One end of a child process's pipe, driven by the loop's epoll driver: reads and writes are system calls on the
/// loop thread, awaited without a thread-pool hop (see <see cref="EpollDriver.AdoptPipe"/>).
/// </summary>
/// <remarks>Like <see cref="TcpStream"/>, reads and writes from other threads hop onto the loop (see
/// <see cref="LoopSocketCalls"/>); disposing it closes the pipe (a child reading its standard input then sees
/// end-of-file).</remarks>
[DebuggerDisplay("LoopPipeStream ({(_canRead ? \"read\" : \"write\"),nq} end)")]
internal sealed class LoopPipeStream : Stream
{
    private readonly LoopSocket _pipe;
    private readonly bool _canRead;

    public LoopPipeStream(LoopSocket pipe, bool canRead)
    {
        _pipe = pipe;
        _canRead = canRead;
    }

    public override bool CanRead => _canRead && !_pipe.IsDisposed;

    public override bool CanWrite => !_canRead && !_pipe.IsDisposed;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException("A pipe has no length.");

    public override long Position
    {
        get => throw new NotSupportedException("A pipe has no position.");
        set => throw new NotSupportedException("A pipe has no position.");
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnsureCan(_canRead, "read from");
        return buffer.IsEmpty ? new ValueTask<int>(0)
            : _pipe.Loop.IsOnLoopThread ? _pipe.ReceiveAsync(buffer, cancellationToken)
            : LoopSocketCalls.ReceiveOnLoopAsync(_pipe, buffer, cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnsureCan(!_canRead, "write to");
        return buffer.IsEmpty ? ValueTask.CompletedTask
            : _pipe.Loop.IsOnLoopThread ? _pipe.SendAsync(buffer, cancellationToken)
            : LoopSocketCalls.SendOnLoopAsync(_pipe, buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("A subprocess pipe on the loop is read asynchronously: a synchronous Read would block the loop. Use await ReadAsync(...).");

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("A subprocess pipe on the loop is written asynchronously: a synchronous Write would block the loop. Use await WriteAsync(...).");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A pipe cannot seek.");

    public override void SetLength(long value) => throw new NotSupportedException("A pipe has no length.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_pipe.Loop.IsClosed)
            {
                _pipe.Dispose();
            }
            else
            {
                _pipe.DisposeFromAnyThread();
            }
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void EnsureCan(bool allowed, string what)
    {
        ObjectDisposedException.ThrowIf(_pipe.IsDisposed, this);
        if (!allowed)
        {
            throw new NotSupportedException($"This pipe end cannot be used to {what}: standard input is written, output and error are read.");
        }
    }
}
