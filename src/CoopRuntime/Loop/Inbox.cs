namespace CoopRuntime;

/// <summary>
/// The loop's mailbox for other threads: producers append under a lock, the loop thread swaps the whole batch
/// out once per iteration and moves it into its <see cref="ReadyQueue"/>.
/// </summary>
/// <remarks>
/// Lock-and-swap keeps the producer's critical section to one array store, and the loop takes the lock once per
/// iteration rather than once per item. The two buffers are reused, so steady-state cross-thread posting
/// allocates nothing. <see cref="_pending"/> lets the loop skip the lock when nothing arrived.
/// </remarks>
internal sealed class Inbox
{
    private readonly object _gate = new();
    private WorkItem[] _incoming = new WorkItem[64];
    private WorkItem[] _draining = new WorkItem[64];
    private int _incomingCount;
    private volatile int _pending;
    private bool _closed;

    public bool HasPending => _pending != 0;

    /// <summary>Appends an item unless the inbox was closed.</summary>
    /// <returns>False when the loop is closed: the item was not accepted and the caller must say so loudly.</returns>
    public bool TryEnqueue(in WorkItem item)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            if (_incomingCount == _incoming.Length)
            {
                Array.Resize(ref _incoming, _incoming.Length * 2);
            }

            _incoming[_incomingCount++] = item;
            _pending = 1;
            return true;
        }
    }

    /// <summary>Refuses every later <see cref="TryEnqueue"/>; items already accepted stay until drained.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }
    }

    /// <summary>Moves everything posted so far into <paramref name="ready"/>, in posting order.</summary>
    /// <returns>How many items were moved.</returns>
    public int DrainInto(ReadyQueue ready)
    {
        if (_pending == 0)
        {
            return 0;
        }

        WorkItem[] batch;
        int count;
        lock (_gate)
        {
            batch = _incoming;
            count = _incomingCount;
            _incoming = _draining;
            _incomingCount = 0;
            _pending = 0;
        }

        _draining = batch;
        for (var i = 0; i < count; i++)
        {
            ready.Enqueue(batch[i]);
            batch[i] = default;
        }

        return count;
    }
}
