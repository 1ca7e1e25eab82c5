using System.Threading.Channels;

namespace CoopRuntime;

/// <summary>
/// Creates loop-local channels: real <see cref="Channel{T}"/> objects, so code written against
/// System.Threading.Channels (<c>ReadAllAsync</c>, <c>WaitToReadAsync</c>, <c>TryWrite</c>, <c>Complete(exception)</c>,
/// <c>Completion</c>) keeps working, at loop-local cost: no locks, no interlocked operations, pooled waits.
/// </summary>
/// <example>
/// <code>
/// var channel = LoopChannel.CreateBounded&lt;int&gt;(capacity: 100);
/// var producer = EventLoop.Current!.Spawn(async ct =>
/// {
///     for (var i = 0; i &lt; 1000; i++) await channel.Writer.WriteAsync(i, ct);   // waits while 100 are buffered
///     channel.Writer.Complete();
/// });
/// await foreach (var n in channel.Reader.ReadAllAsync()) Console.WriteLine(n);
/// await producer;
/// </code>
/// </example>
/// <remarks>
/// <para><b>Same observable semantics as System.Threading.Channels.</b> Bounded channels honour every
/// <see cref="BoundedChannelFullMode"/> and call the <c>itemDropped</c> callback with each dropped item. Completing the
/// writer (<see cref="ChannelWriter{T}.TryComplete"/>) fails waiting <c>ReadAsync</c>/<c>WriteAsync</c> calls with
/// <see cref="ChannelClosedException"/> (its inner exception is the completion error, if any), answers waiting
/// <c>WaitToReadAsync</c>/<c>WaitToWriteAsync</c> calls with false (or the completion error), lets readers drain the
/// items already buffered, and completes <see cref="ChannelReader{T}.Completion"/> once the channel is completed and
/// empty: successfully, faulted with the error, or cancelled for an <see cref="OperationCanceledException"/>.
/// <c>CanCount</c> and <c>CanPeek</c> are true.</para>
/// <para><b>Differences, all from being loop-local.</b> A channel binds to the event loop on which it is first used;
/// afterwards every reader and writer member except <c>Count</c>, <c>CanCount</c>, <c>CanPeek</c> and
/// <c>Completion</c> throws <see cref="WrongThreadException"/> unless called from code that loop runs. A producer on
/// another thread posts to the loop (<c>loop.CallSoonThreadSafe(() =&gt; channel.Writer.TryWrite(x))</c>) or uses a
/// System.Threading.Channels channel instead. Continuations always run on the loop's next iteration, never inside the
/// call that released them: <see cref="ChannelOptions.AllowSynchronousContinuations"/> is ignored, and so are
/// <see cref="ChannelOptions.SingleReader"/>/<see cref="ChannelOptions.SingleWriter"/> (one thread needs no such
/// hints).</para>
/// <para><b>Fairness and cancellation</b> follow <see cref="AsyncQueue{T}"/>: blocked readers and writers are served
/// first come, first served; a cancelled wait leaves the line without disturbing others; an item granted to a reader
/// before its token was cancelled stays granted (the read completes with it); once the token reports cancellation,
/// the reader is passed over even if the cancellation has not reached the loop yet, and the item goes to the next
/// reader or stays buffered. A blocked writer whose token was cancelled before a slot freed never wrote its item.</para>
/// </remarks>
public static class LoopChannel
{
    /// <summary>Creates an unbounded loop-local channel: writes never wait.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <returns>The channel.</returns>
    public static Channel<T> CreateUnbounded<T>() => new LoopChannel<T>(null, BoundedChannelFullMode.Wait, null);

    /// <summary>Creates an unbounded loop-local channel. The options are accepted for compatibility and have no effect.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="options">System.Threading.Channels options; see the remarks on <see cref="LoopChannel"/>.</param>
    /// <returns>The channel.</returns>
    public static Channel<T> CreateUnbounded<T>(UnboundedChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CreateUnbounded<T>();
    }

    /// <summary>Creates a bounded loop-local channel whose writers wait while <paramref name="capacity"/> items are buffered.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="capacity">At least 1.</param>
    /// <returns>The channel.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public static Channel<T> CreateBounded<T>(int capacity)
    {
        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(capacity),
                capacity,
                "A bounded channel's capacity must be at least 1. Use LoopChannel.CreateUnbounded for an unbounded channel.");
        }

        return new LoopChannel<T>(capacity, BoundedChannelFullMode.Wait, null);
    }

    /// <summary>Creates a bounded loop-local channel with the capacity and <see cref="BoundedChannelFullMode"/> in <paramref name="options"/>.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="options">Capacity and full mode; the other options have no effect (see the remarks on <see cref="LoopChannel"/>).</param>
    /// <returns>The channel.</returns>
    public static Channel<T> CreateBounded<T>(BoundedChannelOptions options) => CreateBounded<T>(options, null);

    /// <summary>
    /// Creates a bounded loop-local channel with the capacity and <see cref="BoundedChannelFullMode"/> in
    /// <paramref name="options"/>, calling <paramref name="itemDropped"/> with every item a full channel drops.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="options">Capacity and full mode; the other options have no effect (see the remarks on <see cref="LoopChannel"/>).</param>
    /// <param name="itemDropped">Called on the loop thread, inside the write that caused the drop, with the dropped item
    /// (the written item for <see cref="BoundedChannelFullMode.DropWrite"/>); null for none.</param>
    /// <returns>The channel.</returns>
    public static Channel<T> CreateBounded<T>(BoundedChannelOptions options, Action<T>? itemDropped)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new LoopChannel<T>(options.Capacity, options.FullMode, itemDropped);
    }
}
