using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace CoopRuntime;

/// <summary>
/// A loop-local first-in, first-out queue for producer/consumer work between tasks on one event loop, bounded or
/// unbounded, with asyncio's work tracking (<see cref="TaskDone"/> and <see cref="JoinAsync"/>). Python's
/// <c>asyncio.Queue</c> for C#.
/// </summary>
/// <example>
/// <code>
/// var jobs = new AsyncQueue&lt;string&gt;(capacity: 10);   // EnqueueAsync waits while 10 jobs are queued
/// var worker = EventLoop.Current!.Spawn(async ct =>
/// {
///     while (true)
///     {
///         var job = await jobs.DequeueAsync(ct);
///         try { await HandleAsync(job, ct); } finally { jobs.TaskDone(); }
///     }
/// });
/// await jobs.EnqueueAsync("a");
/// await jobs.JoinAsync();                              // every job enqueued so far was handled
/// worker.Cancel();
/// </code>
/// </example>
/// <remarks>
/// <para><b>Waiting.</b> <see cref="DequeueAsync"/> waits while the queue is empty; on a bounded queue,
/// <see cref="EnqueueAsync"/> waits while it is full, and the blocked writer's item enters the queue only when a slot
/// frees up (a writer whose wait is cancelled never enqueued its item). <see cref="TryEnqueue"/> and
/// <see cref="TryDequeue"/> never wait.</para>
/// <para><b>Fairness.</b> Waiters are served strictly first come, first served: an item goes to the reader that has
/// waited longest, a freed slot to the writer that has waited longest, and an operation that could complete at once
/// never overtakes a waiter (an item never sits in the queue while a reader waits; a slot is never free while a writer
/// waits). A waiter is resumed on the loop's next iteration, never inside the call that released it, so releasing
/// 100,000 waiters cannot overflow the stack, and they resume in the order they waited.</para>
/// <para><b>Cancellation.</b> A cancelled wait throws <see cref="OperationCanceledException"/> and leaves the line
/// without disturbing the others. A waiter whose token already reports cancellation is never granted anything, even
/// if the cancellation's callback has not reached the loop yet: the item goes to the next reader or stays in the
/// queue, the slot goes to the next writer, and that cancelled writer's item is never enqueued. An item (or a slot)
/// granted before the token was cancelled stands: the wait completes normally with it. Nothing is lost either way. A
/// token that is already cancelled fails the call at once, even if it could have completed.</para>
/// <para><b>Loop-local.</b> Construct the queue anywhere; it binds to the loop on which it is first used, and from
/// then on only code that loop runs may use it (<see cref="WrongThreadException"/> otherwise). No locks, no
/// interlocked operations; waits are pooled, so steady-state use allocates nothing. <see cref="Count"/>,
/// <see cref="Capacity"/>, <see cref="IsEmpty"/>, <see cref="IsFull"/> and <see cref="UnfinishedCount"/> are plain
/// reads that neither bind nor check the thread: exact on the loop thread, a snapshot elsewhere.</para>
/// <para><b>Work tracking.</b> Every item that enters the queue (including one handed straight to a waiting reader)
/// counts as unfinished until someone calls <see cref="TaskDone"/> for it; <see cref="JoinAsync"/> waits until
/// nothing is unfinished.</para>
/// <para>Other orders: <see cref="AsyncLifoQueue{T}"/> (last in, first out) and
/// <see cref="AsyncPriorityQueue{TElement, TPriority}"/> (lowest priority first) derive from this class and differ only
/// in which stored item comes out next, as in asyncio.</para>
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public class AsyncQueue<T>
{
    /// <summary>The capacity that stands for "unbounded".</summary>
    private protected const int Unbounded = int.MaxValue;

    // Invariants (checked by AssertInvariants in debug builds):
    //  - _readers is non-empty only while _items is empty (an arriving item goes straight to the first reader);
    //  - _writers is non-empty only while _items.Count == _capacity (a freed slot goes straight to the first writer);
    //    so readers and writers never wait at the same time;
    //  - _items.Count <= _capacity;
    //  - _joiners is non-empty only while _unfinished > 0.
    private readonly QueueStorage<T> _items;
    private readonly int _capacity;
    private readonly string _name;
    private readonly WaiterQueue<T> _readers = new();
    private readonly WaiterQueue<T> _writers = new(); // each carries its item in Waiter.Item
    private readonly Stack<Waiter<T>> _waiterPool = new();
    private readonly WaiterQueue<bool> _joiners = new();
    private readonly Stack<Waiter<bool>> _joinerPool = new();
    private LoopBinding _binding;
    private int _unfinished;

    /// <summary>Creates an unbounded queue: <see cref="EnqueueAsync"/> never waits.</summary>
    public AsyncQueue()
        : this(new RingBuffer<T>(), Unbounded, nameof(AsyncQueue<T>))
    {
    }

    /// <summary>Creates a queue that holds at most <paramref name="capacity"/> items.</summary>
    /// <param name="capacity">At least 1. <see cref="int.MaxValue"/> means unbounded.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public AsyncQueue(int capacity)
        : this(new RingBuffer<T>(), ValidCapacity(capacity), nameof(AsyncQueue<T>))
    {
    }

    /// <summary>For the derived queues: the same queue over another storage order.</summary>
    private protected AsyncQueue(QueueStorage<T> storage, int capacity, string name)
    {
        _items = storage;
        _capacity = capacity;
        _name = name;
    }

    /// <summary>How many items are in the queue now (not counting the items of writers still waiting for a slot).</summary>
    public int Count => _items.Count;

    /// <summary>The most items the queue holds, or null if it is unbounded.</summary>
    public int? Capacity => _capacity == Unbounded ? null : _capacity;

    /// <summary>True when no item is in the queue.</summary>
    public bool IsEmpty => _items.Count == 0;

    /// <summary>True when the queue holds <see cref="Capacity"/> items, so <see cref="TryEnqueue"/> fails. Never true for an unbounded queue.</summary>
    public bool IsFull => _items.Count >= _capacity;

    /// <summary>
    /// How many items entered the queue and have not been marked done with <see cref="TaskDone"/> yet (asyncio's
    /// unfinished tasks); <see cref="JoinAsync"/> waits for this to reach zero.
    /// </summary>
    public int UnfinishedCount => _unfinished;

    private string DebuggerDisplay =>
        $"{_name} Count = {Count}, Capacity = {(Capacity?.ToString() ?? "unbounded")}, readers waiting = {_readers.Count}, " +
        $"writers waiting = {_writers.Count}, unfinished = {_unfinished}";

    /// <summary>
    /// Adds <paramref name="item"/>, waiting while the queue is full. If readers are waiting, the longest-waiting one
    /// receives the item.
    /// </summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancels the wait; a cancelled writer never enqueued its item.</param>
    /// <returns>A task that completes once the item is in the queue (or handed to a reader). Await it once.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before the item was accepted.</exception>
    /// <exception cref="WrongThreadException">The queue belongs to another loop, or the caller is not on its loop.</exception>
    /// <exception cref="InvalidOperationException">First use, and no loop runs on this thread.</exception>
    public ValueTask EnqueueAsync(T item, CancellationToken cancellationToken = default)
    {
        var loop = _binding.Enter(_name, nameof(EnqueueAsync));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (TryAccept(item))
        {
            return default;
        }

        return QueueWaiters.ParkWriter(loop, _waiterPool, _writers, item, cancellationToken);
    }

    /// <summary>Adds <paramref name="item"/> if there is room now; never waits.</summary>
    /// <param name="item">The item.</param>
    /// <returns>True if the item entered the queue (or went to a waiting reader); false if the queue is full.</returns>
    /// <exception cref="WrongThreadException">The queue belongs to another loop, or the caller is not on its loop.</exception>
    /// <exception cref="InvalidOperationException">First use, and no loop runs on this thread.</exception>
    public bool TryEnqueue(T item)
    {
        _binding.Enter(_name, nameof(TryEnqueue));
        return TryAccept(item);
    }

    /// <summary>Removes and returns the next item, waiting while the queue is empty.</summary>
    /// <param name="cancellationToken">Cancels the wait; a cancelled reader took no item.</param>
    /// <returns>The item. Await the task once.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before an item was granted.</exception>
    /// <exception cref="WrongThreadException">The queue belongs to another loop, or the caller is not on its loop.</exception>
    /// <exception cref="InvalidOperationException">First use, and no loop runs on this thread.</exception>
    public ValueTask<T> DequeueAsync(CancellationToken cancellationToken = default)
    {
        var loop = _binding.Enter(_name, nameof(DequeueAsync));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        if (_items.Count > 0)
        {
            return new ValueTask<T>(TakeNext());
        }

        return Waiter<T>.Rent(loop, _waiterPool).Park(_readers, cancellationToken);
    }

    /// <summary>Removes the next item if there is one; never waits.</summary>
    /// <param name="item">The item, when the method returns true.</param>
    /// <returns>True if an item was removed.</returns>
    /// <exception cref="WrongThreadException">The queue belongs to another loop, or the caller is not on its loop.</exception>
    /// <exception cref="InvalidOperationException">First use, and no loop runs on this thread.</exception>
    public bool TryDequeue([MaybeNullWhen(false)] out T item)
    {
        _binding.Enter(_name, nameof(TryDequeue));
        if (_items.Count > 0)
        {
            item = TakeNext();
            return true;
        }

        item = default;
        return false;
    }

    /// <summary>Returns the item <see cref="TryDequeue"/> would remove, without removing it.</summary>
    /// <param name="item">The item, when the method returns true.</param>
    /// <returns>True if the queue is not empty.</returns>
    /// <exception cref="WrongThreadException">The queue belongs to another loop, or the caller is not on its loop.</exception>
    /// <exception cref="InvalidOperationException">First use, and no loop runs on this thread.</exception>
    public bool TryPeek([MaybeNullWhen(false)] out T item)
    {
        _binding.Enter(_name, nameof(TryPeek));
        return _items.TryPeek(out item);
    }

    /// <summary>
    /// Marks one item as processed (asyncio's <c>task_done</c>). When every item that entered the queue has been
    /// marked, the tasks waiting in <see cref="JoinAsync"/> resume.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called more times than items entered the queue.</exception>
    /// <exception cref="WrongThreadException">The queue belongs to another loop, or the caller is not on its loop.</exception>
    public void TaskDone()
    {
        _binding.Enter(_name, nameof(TaskDone));
        if (_unfinished == 0)
        {
            throw new InvalidOperationException(
                $"{_name}.TaskDone was called more times than items entered the queue. Call it once for each item taken, " +
                "after processing it.");
        }

        _unfinished--;
        if (_unfinished == 0)
        {
            QueueWaiters.GrantAll(_joiners, true);
        }

        AssertInvariants();
    }

    /// <summary>
    /// Waits until every item that entered the queue has been marked done with <see cref="TaskDone"/> (asyncio's
    /// <c>join</c>). Completes at once when nothing is unfinished.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when <see cref="UnfinishedCount"/> reaches zero. Await it once.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="WrongThreadException">The queue belongs to another loop, or the caller is not on its loop.</exception>
    /// <exception cref="InvalidOperationException">First use, and no loop runs on this thread.</exception>
    public ValueTask JoinAsync(CancellationToken cancellationToken = default)
    {
        var loop = _binding.Enter(_name, nameof(JoinAsync));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (_unfinished == 0)
        {
            return default;
        }

        return Waiter<bool>.Rent(loop, _joinerPool).ParkUntyped(_joiners, cancellationToken);
    }

    /// <summary>The argument check for bounded constructors.</summary>
    private protected static int ValidCapacity(int capacity) =>
        capacity >= 1
            ? capacity
            : throw new ArgumentOutOfRangeException(
                nameof(capacity),
                capacity,
                "A bounded queue's capacity must be at least 1. Use the constructor without a capacity for an unbounded queue.");

    /// <summary>Hands the item to the longest-waiting reader, or stores it if there is room.</summary>
    private bool TryAccept(T item)
    {
        // A waiting reader implies an empty queue, so the item skips the storage; every storage order agrees on that.
        if (_readers.TryGrantFirst(item))
        {
            _unfinished++;
            return true;
        }

        if (_items.Count < _capacity)
        {
            _items.Add(item);
            _unfinished++;
            AssertInvariants();
            return true;
        }

        return false;
    }

    /// <summary>Takes the next stored item, then lets the longest-waiting writer's item into the freed slot.</summary>
    private T TakeNext()
    {
        var item = _items.Take();
        if (QueueWaiters.TryAdmitFirstWriter(_writers, _items))
        {
            _unfinished++;
        }

        AssertInvariants();
        return item;
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_readers.IsEmpty || _items.Count == 0, "Readers wait while the queue holds items.");
        Debug.Assert(_writers.IsEmpty || _items.Count == _capacity, "Writers wait while the queue has room.");
        Debug.Assert(_items.Count <= _capacity, "The queue holds more items than its capacity.");
        Debug.Assert(_joiners.IsEmpty || _unfinished > 0, "Joiners wait although no work is unfinished.");
    }
}
