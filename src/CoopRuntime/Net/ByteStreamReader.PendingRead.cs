using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Tasks.Sources;

namespace CoopRuntime;

public sealed partial class ByteStreamReader
{
    /// <summary>
    /// A read that has to wait for the stream: the state machine behind the <see cref="ValueTask{TResult}"/> of every
    /// call that the buffer alone cannot answer. One per reader, reused by each such call.
    /// </summary>
    /// <remarks>
    /// <para>It loops: decide whether the buffered bytes answer the call (<see cref="TryFinish"/>); if not, start one
    /// read of the stream; if that read completed synchronously, take its bytes and decide again; otherwise park
    /// <see cref="_onReadCompleted"/> on it and return. A stream whose reads complete synchronously is thus served
    /// without recursion, however many reads a message takes.</para>
    /// <para>The reader is marked idle before the caller is resumed, so the caller may start its next read from the
    /// continuation, which <see cref="ManualResetValueTaskSourceCore{TResult}"/> may run inline. The next read resets
    /// the core; nothing here touches it after signalling. The core's version is the <see cref="ValueTask"/> token,
    /// so a stale or second await of an earlier call's task is reported instead of reading a later result.</para>
    /// </remarks>
    private sealed class PendingRead : IValueTaskSource<ReadOnlyMemory<byte>>, IValueTaskSource<string?>, IValueTaskSource<int>
    {
        private static readonly Action<object?> s_resumeCaller = static self => ((PendingRead)self!).ResumeCaller();

        private readonly ByteStreamReader _reader;
        private readonly Action _onReadCompleted;
        private ManualResetValueTaskSourceCore<bool> _core;
        private ConfiguredValueTaskAwaitable<int>.ConfiguredValueTaskAwaiter _read;

        // The awaiting caller, resumed by ResumeCaller.
        private Action<object?>? _callerContinuation;
        private object? _callerState;
        private object? _callerContext;

        // What the current call asked for.
        private Operation _operation;
        private ReadOnlyMemory<byte> _delimiter;
        private Memory<byte> _destination;
        private int _window;
        private int _maxLength;
        private int _count;
        private int _searched;
        private bool _direct;
        private CancellationToken _cancellationToken;

        // What it produced; GetResult hands it over.
        private ReadOnlyMemory<byte> _bytes;
        private string? _line;
        private int _copied;

        public PendingRead(ByteStreamReader reader)
        {
            _reader = reader;
            _onReadCompleted = OnReadCompleted;
        }

        private enum Operation
        {
            Line,
            Until,
            Exactly,
            Read,
        }

        public ValueTask<string?> StartLine(int window, int maxLength, CancellationToken cancellationToken)
        {
            var token = Prepare(Operation.Line, cancellationToken);
            _delimiter = s_newline;
            _window = window;
            _maxLength = maxLength;
            _searched = Math.Min(_reader.BufferedCount, window); // the caller searched these already
            Run(afterRead: false, 0);
            return new ValueTask<string?>(this, token);
        }

        public ValueTask<ReadOnlyMemory<byte>> StartUntil(ReadOnlyMemory<byte> delimiter, int window, int maxLength, CancellationToken cancellationToken)
        {
            var token = Prepare(Operation.Until, cancellationToken);
            _delimiter = delimiter;
            _window = window;
            _maxLength = maxLength;
            _searched = Math.Min(_reader.BufferedCount, window);
            Run(afterRead: false, 0);
            return new ValueTask<ReadOnlyMemory<byte>>(this, token);
        }

        public ValueTask<ReadOnlyMemory<byte>> StartExactly(int count, CancellationToken cancellationToken)
        {
            var token = Prepare(Operation.Exactly, cancellationToken);
            _count = count;
            Run(afterRead: false, 0);
            return new ValueTask<ReadOnlyMemory<byte>>(this, token);
        }

        public ValueTask<int> StartRead(Memory<byte> destination, CancellationToken cancellationToken)
        {
            var token = Prepare(Operation.Read, cancellationToken);
            _destination = destination;

            // A read at least as large as the buffer gains nothing from it: read straight into the destination. A
            // smaller one fills the buffer, so that the next small reads need no call to the stream; an empty
            // destination goes that way too and waits until data arrives (or the end), like a zero-byte Stream read.
            _direct = destination.Length >= _reader._buffer.Length;
            Run(afterRead: false, 0);
            return new ValueTask<int>(this, token);
        }

        ReadOnlyMemory<byte> IValueTaskSource<ReadOnlyMemory<byte>>.GetResult(short token)
        {
            _core.GetResult(token);
            var bytes = _bytes;
            _bytes = default;
            return bytes;
        }

        string? IValueTaskSource<string?>.GetResult(short token)
        {
            _core.GetResult(token);
            var line = _line;
            _line = null;
            return line;
        }

        int IValueTaskSource<int>.GetResult(short token)
        {
            _core.GetResult(token);
            return _copied;
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        {
            _core.GetStatus(token); // reports a stale token before anything changes

            // The core would resume a caller that captured a SynchronizationContext through Post, with a new delegate
            // each time, even when the read completes on that very context (the loop thread, where a loop stream's
            // reads complete). So the scheduling context is captured here, and ResumeCaller resumes inline when
            // completion happens on it, as an awaited Task does; the core only flows the ExecutionContext.
            if ((flags & ValueTaskSourceOnCompletedFlags.UseSchedulingContext) != 0)
            {
                if (SynchronizationContext.Current is { } context && context.GetType() != typeof(SynchronizationContext))
                {
                    _callerContext = context;
                }
                else if (TaskScheduler.Current != TaskScheduler.Default)
                {
                    _callerContext = TaskScheduler.Current;
                }
            }

            _callerContinuation = continuation;
            _callerState = state;
            _core.OnCompleted(s_resumeCaller, this, token, flags & ~ValueTaskSourceOnCompletedFlags.UseSchedulingContext);
        }

        private void ResumeCaller()
        {
            var continuation = _callerContinuation!;
            var state = _callerState;
            var context = _callerContext;
            _callerContinuation = null;
            _callerState = null;
            _callerContext = null;

            if (context is null || context == SynchronizationContext.Current)
            {
                continuation(state);
            }
            else
            {
                // Completed elsewhere (another thread, another context): hand the caller back to its own. Rare, so
                // it may allocate.
                var call = new ForeignResume(continuation, state, ExecutionContext.Capture());
                if (context is SynchronizationContext synchronizationContext)
                {
                    synchronizationContext.Post(static c => ((ForeignResume)c!).Run(), call);
                }
                else
                {
                    Task.Factory.StartNew(
                        static c => ((ForeignResume)c!).Run(),
                        call,
                        CancellationToken.None,
                        TaskCreationOptions.DenyChildAttach,
                        (TaskScheduler)context);
                }
            }
        }

        private short Prepare(Operation operation, CancellationToken cancellationToken)
        {
            _core.Reset();
            _operation = operation;
            _cancellationToken = cancellationToken;
            return _core.Version;
        }

        /// <summary>Runs the call until it has to wait for the stream or is done.</summary>
        /// <param name="afterRead">False on the first step; true when resumed by a read of the stream.</param>
        /// <param name="read">What that read returned.</param>
        private void Run(bool afterRead, int read)
        {
            try
            {
                var done = afterRead ? AfterRead(read) : TryFinish();
                while (!done)
                {
                    var awaiter = StartStreamRead().ConfigureAwait(false).GetAwaiter();
                    if (!awaiter.IsCompleted)
                    {
                        _read = awaiter;
                        awaiter.UnsafeOnCompleted(_onReadCompleted);
                        return;
                    }

                    done = AfterRead(awaiter.GetResult());
                }
            }
            catch (Exception error)
            {
                Fail(error);
                return;
            }

            Succeed();
        }

        private void OnReadCompleted()
        {
            var awaiter = _read;
            _read = default;
            int read;
            try
            {
                read = awaiter.GetResult();
            }
            catch (Exception error)
            {
                Fail(error);
                return;
            }

            Run(afterRead: true, read);
        }

        private ValueTask<int> StartStreamRead() => _operation switch
        {
            Operation.Line or Operation.Until => _reader.ReadMoreAsync(wanted: _reader.BufferedCount + 1, cap: _window, _cancellationToken),
            Operation.Exactly => _reader.ReadMoreAsync(wanted: _count, cap: _count, _cancellationToken),
            _ => _direct
                ? _reader._stream.ReadAsync(_destination, _cancellationToken)
                : _reader.ReadMoreAsync(wanted: 1, cap: _reader._buffer.Length, _cancellationToken),
        };

        /// <summary>Takes in what a read of the stream returned.</summary>
        /// <returns>True when the call is done; false to decide again.</returns>
        private bool AfterRead(int read)
        {
            if (_operation == Operation.Read)
            {
                if (_direct)
                {
                    if ((uint)read > (uint)_destination.Length)
                    {
                        throw new InvalidOperationException(
                            $"{_reader._stream.GetType().Name}.ReadAsync returned {read} for a buffer of {_destination.Length} " +
                            "bytes; a stream must return between 0 and the buffer's length.");
                    }

                    _copied = read;
                }
                else
                {
                    _reader.Commit(read);
                    _copied = _reader.CopyTo(_destination.Span);
                }

                return true;
            }

            if (_reader.Commit(read) > 0)
            {
                return TryFinish();
            }

            // The end of the stream: an answer, or an error that leaves the buffered bytes where they are.
            var buffered = _reader.BufferedCount;
            switch (_operation)
            {
                case Operation.Line:
                    // A last line without a terminator is a line too (asyncio and TextReader.ReadLine agree).
                    if (buffered > _maxLength)
                    {
                        throw new ReadLimitExceededException(_maxLength, buffered);
                    }

                    _line = buffered == 0 ? null : Encoding.UTF8.GetString(_reader.Take(buffered).Span);
                    return true;
                case Operation.Until:
                    if (buffered > 0)
                    {
                        throw new EndOfStreamException(
                            $"The stream ended after {buffered} bytes without the delimiter. Those bytes are still buffered " +
                            "(BufferedCount) and can be read with ReadAsync.");
                    }

                    _bytes = ReadOnlyMemory<byte>.Empty;
                    return true;
                default:
                    throw new EndOfStreamException(
                        $"The stream ended after {buffered} of the {_count} bytes requested. Those bytes are still " +
                        "buffered (BufferedCount) and can be read with ReadAsync.");
            }
        }

        /// <summary>Decides whether the buffered bytes answer the call, and takes the answer if so.</summary>
        /// <exception cref="ReadLimitExceededException">A search passed its limit.</exception>
        private bool TryFinish()
        {
            switch (_operation)
            {
                case Operation.Exactly:
                    if (_reader.BufferedCount < _count)
                    {
                        return false;
                    }

                    _bytes = _reader.Take(_count);
                    return true;
                case Operation.Read:
                    return false;
            }

            // Resume where the last search stopped, less the bytes that may hold the start of a delimiter split
            // across reads: every byte is searched about once, however many reads a message takes.
            var length = _reader.Find(_delimiter.Span, Math.Max(0, _searched - (_delimiter.Length - 1)), _window);
            if (length > 0)
            {
                if (_operation == Operation.Until)
                {
                    _bytes = _reader.Take(length);
                    return true;
                }

                if (_reader.LineContentLength(length) > _maxLength)
                {
                    // "\n" at the very end of the window after a byte other than "\r": one byte too long.
                    throw new ReadLimitExceededException(_maxLength, _reader.BufferedCount);
                }

                _line = _reader.TakeLine(length);
                return true;
            }

            // A delimiter must start within the first maxLength bytes; once the window (maxLength plus the delimiter)
            // is buffered without one, no later byte can change that, so stop reading rather than buffer more.
            _searched = Math.Min(_reader.BufferedCount, _window);
            if (_searched >= _window)
            {
                throw new ReadLimitExceededException(_maxLength, _reader.BufferedCount);
            }

            return false;
        }

        private void Succeed()
        {
            Release();
            _core.SetResult(true);
        }

        private void Fail(Exception error)
        {
            Release();
            _core.SetException(error);
        }

        /// <summary>Drops the call's references to caller memory and marks the reader idle, before the caller resumes.</summary>
        private void Release()
        {
            _delimiter = default;
            _destination = default;
            _cancellationToken = default;
            _reader.Exit();
        }

        /// <summary>A caller to resume on its own context, in the execution context it awaited in.</summary>
        private sealed record ForeignResume(Action<object?> Continuation, object? State, ExecutionContext? ExecutionContext)
        {
            public void Run()
            {
                if (ExecutionContext is null)
                {
                    Continuation(State);
                }
                else
                {
                    ExecutionContext.Run(ExecutionContext, static c => ((ForeignResume)c!).Continuation(((ForeignResume)c!).State), this);
                }
            }
        }
    }
}
