namespace CoopRuntime.Benchmarks.Peers;

/// <summary>
/// Completes a task once <c>count</c> operations have signalled, or as soon as one fails. The same class serves every
/// peer, so the bookkeeping the workloads add costs the same everywhere (one interlocked decrement per operation).
/// </summary>
internal sealed class Countdown(int count)
{
    private readonly TaskCompletionSource _done = new();
    private int _remaining = count;

    public Task Task => _done.Task;

    public void Signal()
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _done.TrySetResult();
        }
    }

    /// <summary>Fire-and-forget operations report failures here, so an error ends the run instead of hanging it.</summary>
    public void Fail(Exception error) => _done.TrySetException(error);
}
