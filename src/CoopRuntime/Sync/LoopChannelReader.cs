using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace CoopRuntime;

/// <summary>
/// The <see cref="ChannelReader{T}"/> of a <see cref="LoopChannel{T}"/>. It forwards to the channel, which holds the
/// state; <see cref="ReadAllAsync"/> is <see cref="LoopChannelReadAll{T}"/>, the base class's loop written by hand so
/// that an awaited item costs one loop iteration and no allocation.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
[DebuggerDisplay("LoopChannel reader, Count = {Count}")]
internal sealed class LoopChannelReader<T>(LoopChannel<T> channel) : ChannelReader<T>
{
    /// <inheritdoc/>
    public override Task Completion => channel.Completion;

    /// <inheritdoc/>
    public override bool CanCount => true;

    /// <inheritdoc/>
    public override bool CanPeek => true;

    /// <inheritdoc/>
    public override int Count => channel.Count;

    /// <inheritdoc/>
    public override bool TryRead([MaybeNullWhen(false)] out T item) => channel.TryRead(out item);

    /// <inheritdoc/>
    public override bool TryPeek([MaybeNullWhen(false)] out T item) => channel.TryPeek(out item);

    /// <inheritdoc/>
    public override ValueTask<T> ReadAsync(CancellationToken cancellationToken = default) => channel.ReadAsync(cancellationToken);

    /// <inheritdoc/>
    public override IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default) =>
        new LoopChannelReadAll<T>(channel, cancellationToken);

    /// <inheritdoc/>
    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
        channel.WaitToReadAsync(cancellationToken);
}
