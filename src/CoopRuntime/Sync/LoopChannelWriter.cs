using System.Diagnostics;
using System.Threading.Channels;

namespace CoopRuntime;

/// <summary>
/// The <see cref="ChannelWriter{T}"/> of a <see cref="LoopChannel{T}"/>. It forwards to the channel, which holds the
/// state; <see cref="ChannelWriter{T}.Complete"/> is the base class's (<c>TryComplete</c>, or
/// <see cref="ChannelClosedException"/> if the channel was already completed).
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
[DebuggerDisplay("LoopChannel writer")]
internal sealed class LoopChannelWriter<T>(LoopChannel<T> channel) : ChannelWriter<T>
{
    /// <inheritdoc/>
    public override bool TryComplete(Exception? error = null) => channel.TryComplete(error);

    /// <inheritdoc/>
    public override bool TryWrite(T item) => channel.TryWrite(item);

    /// <inheritdoc/>
    public override ValueTask WriteAsync(T item, CancellationToken cancellationToken = default) =>
        channel.WriteAsync(item, cancellationToken);

    /// <inheritdoc/>
    public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) =>
        channel.WaitToWriteAsync(cancellationToken);
}
