using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// A <see cref="CancellationToken"/> that is cancelled at a deadline on the loop's clock, so timeouts follow a
/// <see cref="VirtualClock"/> like everything else on the loop.
/// </summary>
/// <example>
/// <code>
/// using var scope = CancelScope.After(TimeSpan.FromSeconds(5));
/// await DownloadAsync(scope.Token);
/// </code>
/// </example>
/// <remarks>Dispose the scope when the work is done: that cancels the loop timer. Use a scope on its loop's thread.</remarks>
[DebuggerDisplay("CancelScope deadline = {Deadline}, cancelled = {IsCancellationRequested}")]
public sealed class CancelScope : IDisposable
{
    private readonly EventLoop _loop;
    private readonly CancellationTokenSource _source;
    private TimerHandle _timer;
    private bool _disposed;

    private CancelScope(EventLoop loop, TimeSpan deadline, CancellationToken cancellationToken)
    {
        _loop = loop;
        Deadline = deadline;
        _source = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : new CancellationTokenSource();
        _timer = loop.CallAt(deadline, static scope => scope.OnDeadline(), this);
    }

    /// <summary>The token to pass to the work.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>The loop-clock time at which the token is cancelled.</summary>
    public TimeSpan Deadline { get; }

    /// <summary>True once the token is cancelled, by the deadline, <see cref="Cancel"/>, or the linked token.</summary>
    public bool IsCancellationRequested => _source.IsCancellationRequested;

    /// <summary>True if the deadline (rather than <see cref="Cancel"/> or the linked token) cancelled the token.</summary>
    public bool TimedOut { get; private set; }

    /// <summary>A scope whose token is cancelled after <paramref name="timeout"/> of loop time.</summary>
    /// <param name="timeout">Zero or positive.</param>
    /// <param name="cancellationToken">Also cancels the scope's token when cancelled.</param>
    /// <returns>The scope; dispose it when the work is done.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static CancelScope After(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var loop = EventLoop.RequireCurrent(nameof(CancelScope) + "." + nameof(After));
        return new CancelScope(loop, loop.DeadlineAfter(timeout, nameof(timeout)), cancellationToken);
    }

    /// <summary>A scope whose token is cancelled when the loop clock reaches <paramref name="deadline"/>.</summary>
    /// <param name="deadline">A reading of <see cref="EventLoop.Now"/>; one in the past cancels on the next timer pass.</param>
    /// <param name="cancellationToken">Also cancels the scope's token when cancelled.</param>
    /// <returns>The scope; dispose it when the work is done.</returns>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static CancelScope At(TimeSpan deadline, CancellationToken cancellationToken = default) =>
        new(EventLoop.RequireCurrent(nameof(CancelScope) + "." + nameof(At)), deadline, cancellationToken);

    /// <summary>Cancels the token now.</summary>
    /// <exception cref="ObjectDisposedException">The scope was disposed.</exception>
    public void Cancel()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _timer.Cancel();
        _source.Cancel();
    }

    /// <summary>Cancels the deadline timer and releases the token source. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_loop.IsClosed)
        {
            _timer.Cancel();
        }

        _source.Dispose();
    }

    internal static TimeoutException TimeoutError(TimeSpan timeout, OperationCanceledException cause) =>
        new($"The operation did not complete within {timeout} of loop time.", cause);

    private void OnDeadline()
    {
        // Already cancelled by Cancel() or the linked token: the deadline did not cause it, so TimedOut stays false.
        if (_disposed || _source.IsCancellationRequested)
        {
            return;
        }

        TimedOut = true;
        _source.Cancel();
    }
}
