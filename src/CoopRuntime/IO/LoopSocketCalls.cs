namespace CoopRuntime;

/// <summary>
/// Reads and writes of a loop-driven stream that arrive from another thread: they hop onto the loop first.
/// </summary>
/// <remarks>
/// Streams are consumed through BCL adapters (<c>StreamReader</c>, <c>SslStream</c>, <c>PipeReader</c>) that await
/// with <c>ConfigureAwait(false)</c>. While a custom <see cref="SynchronizationContext"/> is current, the BCL refuses
/// to run such a continuation inline and queues it to the thread pool, so the adapter's next read can come from a
/// pool thread even though everything started on the loop. Refusing it (as the other loop-bound types do) would
/// break those adapters; instead the call is carried to the loop thread, where the driver's state may be touched.
/// The on-loop path, which is the common one, never comes here and allocates nothing.
/// </remarks>
internal static class LoopSocketCalls
{
    public static async ValueTask<int> ReceiveOnLoopAsync(LoopSocket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        await socket.Loop.SwitchTo();
        return await socket.ReceiveAsync(buffer, cancellationToken);
    }

    public static async ValueTask SendOnLoopAsync(LoopSocket socket, ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await socket.Loop.SwitchTo();
        await socket.SendAsync(buffer, cancellationToken);
    }
}
