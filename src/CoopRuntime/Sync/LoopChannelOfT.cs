using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace CoopRuntime;

/// <summary>
/// The loop-local <see cref="Channel{T}"/> behind <see cref="LoopChannel"/>: one class for bounded and unbounded
/// channels (unbounded is a capacity no write can reach), holding all state and logic; its
/// <see cref="LoopChannelReader{T}"/> and <see cref="LoopChannelWriter{T}"/> forward to it.
/// </summary>
/// <remarks>
/// <para>The behaviour follows System.Threading.Channels' BoundedChannel step for step, minus the lock: the same
/// hand-off of an item to a blocked reader, the same promotion of a blocked writer into a freed slot, the same drop
/// modes, the same completion rules and exceptions. What differs: waits park through pooled <see cref="Waiter{T}"/>s,
/// every continuation is scheduled on the loop (never run inside the call that released it), and a cancelled wait
/// completes when its callback reaches the loop. Until then it is still parked, but, as in the BCL, it is never granted
/// an item or slot once its token reports cancellation (see <see cref="Waiter{T}"/>): the grant passes on.</para>
/// <para>Invariants (checked by <see cref="AssertInvariants"/> in debug builds):</para>
/// <list type="bullet">
/// <item>Readers (<c>ReadAsync</c>, <c>WaitToReadAsync</c>) wait only while the buffer is empty and writing is not done:
/// an arriving item goes straight to the first blocked reader, or is buffered and wakes every waiting
/// <c>WaitToReadAsync</c>.</item>
/// <item>Writers (<c>WriteAsync</c>, <c>WaitToWriteAsync</c>) wait only while the buffer is full, the mode is
/// <see cref="BoundedChannelFullMode.Wait"/> and writing is not done: a freed slot goes straight to the first blocked
/// writer (whose item it takes), or, if none, wakes every waiting <c>WaitToWriteAsync</c>.</item>
/// <item>Once writing is done, no waiter is parked, and <see cref="Completion"/> is complete exactly when the buffer is
/// also empty.</item>
/// </list>
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
internal sealed class LoopChannel<T> : Channel<T>
{
    private const string Name = nameof(LoopChannel);

    /// <summary>Stands for "completed without an error" in <see cref="_doneWriting"/>; never thrown.</summary>
    private static readonly Exception s_doneWritingSentinel = new InvalidOperationException("The channel was completed without an error.");

    private readonly RingBuffer<T> _items = new();
    private readonly int _capacity;
    private readonly BoundedChannelFullMode _fullMode;
    private readonly Action<T>? _itemDropped;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly WaiterQueue<T> _blockedReaders = new();
    private readonly WaiterQueue<T> _blockedWriters = new(); // each carries its item in Waiter.Item
    private readonly Stack<Waiter<T>> _itemWaiterPool = new();
    private readonly WaiterQueue<bool> _waitingReaders = new();
    private readonly WaiterQueue<bool> _waitingWriters = new();
    private readonly Stack<Waiter<bool>> _signalWaiterPool = new();
    private LoopBinding _binding;

    /// <summary>Null while writing is open; the completion error, or <see cref="s_doneWritingSentinel"/>, once done.</summary>
    private Exception? _doneWriting;

    /// <summary>Creates the channel.</summary>
    /// <param name="capacity">The bound, at least 1; null for unbounded.</param>
    /// <param name="fullMode">What a write to a full channel does.</param>
    /// <param name="itemDropped">Called with each item a drop mode discards.</param>
    public LoopChannel(int? capacity, BoundedChannelFullMode fullMode, Action<T>? itemDropped)
    {
        Debug.Assert(capacity is null or >= 1, "The factory validates the capacity.");
        _capacity = capacity ?? int.MaxValue;
        _fullMode = fullMode;
        _itemDropped = itemDropped;
        Reader = new LoopChannelReader<T>(this);
        Writer = new LoopChannelWriter<T>(this);
    }

    /// <summary>How many items are buffered.</summary>
    public int Count => _items.Count;

    /// <summary>Completes once writing is done and the buffer is empty.</summary>
    public Task Completion => _completion.Task;

    private string DebuggerDisplay =>
        $"LoopChannel {(_capacity == int.MaxValue ? "unbounded" : $"bounded({_capacity}, {_fullMode})")}, Count = {Count}, " +
        $"readers waiting = {_blockedReaders.Count + _waitingReaders.Count}, writers waiting = {_blockedWriters.Count + _waitingWriters.Count}, " +
        $"completed = {_doneWriting is not null}";

    // ───────────────────────────── Reading ─────────────────────────────

    public bool TryRead([MaybeNullWhen(false)] out T item)
    {
        _binding.Enter(Name, "Reader.TryRead");
        if (_items.Count > 0)
        {
            item = TakeItem();
            return true;
        }

        item = default;
        return false;
    }

    public bool TryPeek([MaybeNullWhen(false)] out T item)
    {
        _binding.Enter(Name, "Reader.TryPeek");
        return _items.TryPeek(out item);
    }

    public ValueTask<T> ReadAsync(CancellationToken cancellationToken)
    {
        var loop = _binding.Enter(Name, "Reader.ReadAsync");
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        if (_items.Count > 0)
        {
            return new ValueTask<T>(TakeItem());
        }

        if (_doneWriting is not null)
        {
            return ReadAfterCompletion(_doneWriting);
        }

        return Waiter<T>.Rent(loop, _itemWaiterPool).Park(_blockedReaders, cancellationToken);
    }

    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        var loop = _binding.Enter(Name, "Reader.WaitToReadAsync");
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        if (_items.Count > 0)
        {
            return new ValueTask<bool>(true);
        }

        if (_doneWriting is not null)
        {
            return WaitAfterCompletion(_doneWriting);
        }

        return Waiter<bool>.Rent(loop, _signalWaiterPool).Park(_waitingReaders, cancellationToken);
    }

    /// <summary>Takes the head item, then refills the freed slot from the first blocked writer, or completes.</summary>
    private T TakeItem()
    {
        var item = _items.Take();
        if (_doneWriting is not null)
        {
            // No writer waits once writing is done; the last item out completes the channel.
            if (_items.Count == 0)
            {
                CompleteCompletion();
            }
        }
        else if (!QueueWaiters.TryAdmitFirstWriter(_blockedWriters, _items))
        {
            QueueWaiters.GrantAll(_waitingWriters, true);
        }

        AssertInvariants();
        return item;
    }

    // ───────────────────────────── Writing ─────────────────────────────

    public bool TryWrite(T item)
    {
        _binding.Enter(Name, "Writer.TryWrite");
        return _doneWriting is null && TryAccept(item);
    }

    public ValueTask WriteAsync(T item, CancellationToken cancellationToken)
    {
        var loop = _binding.Enter(Name, "Writer.WriteAsync");
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (_doneWriting is not null)
        {
            return ValueTask.FromException(ClosedException(_doneWriting));
        }

        if (TryAccept(item))
        {
            return default;
        }

        return QueueWaiters.ParkWriter(loop, _itemWaiterPool, _blockedWriters, item, cancellationToken);
    }

    public ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken)
    {
        var loop = _binding.Enter(Name, "Writer.WaitToWriteAsync");
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        if (_doneWriting is not null)
        {
            return WaitAfterCompletion(_doneWriting);
        }

        if (_items.Count < _capacity || _fullMode != BoundedChannelFullMode.Wait)
        {
            return new ValueTask<bool>(true);
        }

        return Waiter<bool>.Rent(loop, _signalWaiterPool).Park(_waitingWriters, cancellationToken);
    }

    public bool TryComplete(Exception? error)
    {
        _binding.Enter(Name, "Writer.TryComplete");
        if (_doneWriting is not null)
        {
            return false;
        }

        _doneWriting = error ?? s_doneWritingSentinel;

        // Completion first, as the BCL does, so that woken waiters already see it complete.
        if (_items.Count == 0)
        {
            CompleteCompletion();
        }

        // Waiters exist only while the buffer is empty (readers) or full (writers). Each fail or grant only schedules
        // the waiter's continuation, so no user code runs here.
        if (!_blockedReaders.IsEmpty)
        {
            QueueWaiters.FailAll(_blockedReaders, ClosedException(_doneWriting));
        }

        if (!_blockedWriters.IsEmpty)
        {
            QueueWaiters.FailAll(_blockedWriters, ClosedException(_doneWriting));
        }

        if (error is null)
        {
            QueueWaiters.GrantAll(_waitingReaders, false);
            QueueWaiters.GrantAll(_waitingWriters, false);
        }
        else
        {
            QueueWaiters.FailAll(_waitingReaders, error);
            QueueWaiters.FailAll(_waitingWriters, error);
        }

        AssertInvariants();
        return true;
    }

    /// <summary>Hands the item to the first blocked reader, buffers it, or applies the full mode.</summary>
    /// <returns>False only when the channel is full and the mode is <see cref="BoundedChannelFullMode.Wait"/>.</returns>
    private bool TryAccept(T item)
    {
        // A blocked reader implies an empty buffer.
        if (_blockedReaders.TryGrantFirst(item))
        {
            return true;
        }

        if (_items.Count < _capacity)
        {
            _items.Add(item);
            QueueWaiters.GrantAll(_waitingReaders, true);
            AssertInvariants();
            return true;
        }

        switch (_fullMode)
        {
            case BoundedChannelFullMode.Wait:
                return false;
            case BoundedChannelFullMode.DropWrite:
                _itemDropped?.Invoke(item);
                return true;
            default:
                var dropped = _fullMode == BoundedChannelFullMode.DropNewest ? _items.TakeLast() : _items.Take();
                _items.Add(item);
                _itemDropped?.Invoke(dropped);
                return true;
        }
    }

    // ───────────────────────────── Completion ─────────────────────────────

    private void CompleteCompletion()
    {
        var error = _doneWriting;
        if (error is OperationCanceledException canceled)
        {
            _completion.TrySetCanceled(canceled.CancellationToken);
        }
        else if (error is not null && error != s_doneWritingSentinel)
        {
            _completion.TrySetException(error);
        }
        else
        {
            _completion.TrySetResult();
        }
    }

    /// <summary>What a read or write throws once writing is done (the BCL's rule).</summary>
    private static Exception ClosedException(Exception doneWriting) =>
        doneWriting is OperationCanceledException ? doneWriting :
        doneWriting != s_doneWritingSentinel ? new ChannelClosedException(doneWriting) :
        new ChannelClosedException();

    private static ValueTask<T> ReadAfterCompletion(Exception doneWriting) =>
        doneWriting is OperationCanceledException canceled
            ? ValueTask.FromCanceled<T>(canceled.CancellationToken.IsCancellationRequested ? canceled.CancellationToken : new CancellationToken(true))
            : ValueTask.FromException<T>(ClosedException(doneWriting));

    /// <summary>WaitToReadAsync/WaitToWriteAsync once writing is done: false, or the completion error itself.</summary>
    private static ValueTask<bool> WaitAfterCompletion(Exception doneWriting) =>
        doneWriting == s_doneWritingSentinel ? new ValueTask<bool>(false) : ValueTask.FromException<bool>(doneWriting);

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_items.Count <= _capacity, "The channel buffers more items than its capacity.");
        Debug.Assert(
            (_blockedReaders.IsEmpty && _waitingReaders.IsEmpty) || (_items.Count == 0 && _doneWriting is null),
            "Readers wait only while the channel is empty and open.");
        Debug.Assert(
            (_blockedWriters.IsEmpty && _waitingWriters.IsEmpty) ||
            (_items.Count == _capacity && _fullMode == BoundedChannelFullMode.Wait && _doneWriting is null),
            "Writers wait only while the channel is full, in Wait mode, and open.");
        Debug.Assert(
            _doneWriting is null || _completion.Task.IsCompleted == (_items.Count == 0),
            "A completed channel's Completion finishes exactly when its buffer empties.");
    }
}
