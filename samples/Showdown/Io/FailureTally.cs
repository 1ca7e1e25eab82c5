namespace Showdown.Io;

/// <summary>Counts failed requests from any thread and keeps the first error, so a mode can report them all at once.</summary>
internal sealed class FailureTally
{
    private int _count;
    private Exception? _first;

    public void Add(Exception error)
    {
        Interlocked.Increment(ref _count);
        Interlocked.CompareExchange(ref _first, error, null);
    }

    /// <summary>Throws one exception that says how many requests failed and why the first did.</summary>
    public void ThrowIfAny(int requests)
    {
        if (_first is not null)
        {
            throw new InvalidOperationException($"{_count:N0} of {requests:N0} requests failed; the first with {_first.GetType().Name}: {_first.Message}", _first);
        }
    }
}
