using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// Names a detached coroutine, one started with <see cref="EventLoop.StartDetached"/>: ask whether it still runs, or
/// stop it. A struct that allocates nothing and stays valid forever: once its coroutine has ended,
/// <see cref="IsRunning"/> is false and <see cref="Stop"/> does nothing, even after the loop reuses the coroutine's
/// memory for another detached coroutine.
/// </summary>
/// <remarks>
/// A detached coroutine cannot be awaited or yielded: its failure goes to the loop's unhandled-exception handler. To
/// wait for a coroutine or read its result, start it with <see cref="EventLoop.Start(System.Collections.IEnumerator,
/// string?, CancellationToken)"/> instead. <c>default(CoroutineHandle)</c> names no coroutine.
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public readonly struct CoroutineHandle : IEquatable<CoroutineHandle>
{
    private readonly DetachedCoroutine? _coroutine;
    private readonly int _generation;

    internal CoroutineHandle(DetachedCoroutine coroutine)
    {
        _coroutine = coroutine;
        _generation = coroutine.Generation;
    }

    /// <summary>
    /// True until the coroutine has finished: completed, failed or stopped. Meant for the loop thread; another thread may
    /// read it and gets an answer that can be out of date.
    /// </summary>
    public bool IsRunning => Current is { IsRunning: true };

    /// <summary>The coroutine's name while it runs (null if it was started without one); null once it has finished.</summary>
    public string? Name => Current is { IsRunning: true } coroutine ? coroutine.Name : null;

    // The coroutine this handle names, or null once the object serves another run (or for a default handle).
    private DetachedCoroutine? Current => _coroutine is { } coroutine && coroutine.Generation == _generation ? coroutine : null;

    /// <summary>Compares two handles.</summary>
    /// <param name="left">The first handle.</param>
    /// <param name="right">The second handle.</param>
    /// <returns>True when both name the same run of the same coroutine, or both are default.</returns>
    public static bool operator ==(CoroutineHandle left, CoroutineHandle right) => left.Equals(right);

    /// <summary>Compares two handles.</summary>
    /// <param name="left">The first handle.</param>
    /// <param name="right">The second handle.</param>
    /// <returns>True when they name different coroutines.</returns>
    public static bool operator !=(CoroutineHandle left, CoroutineHandle right) => !left.Equals(right);

    /// <summary>
    /// Stops the coroutine, as <see cref="Coroutine.Stop"/> does: every iterator on its stack is disposed innermost
    /// first, so their finally blocks run (right after the current step when called from inside the coroutine).
    /// Does nothing once the coroutine has finished, and for a default handle.
    /// </summary>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    public void Stop()
    {
        if (_coroutine is not { } coroutine)
        {
            return;
        }

        coroutine.Loop.VerifyThread(nameof(CoroutineHandle), nameof(Stop));
        if (coroutine.Generation == _generation)
        {
            coroutine.Stop();
        }
    }

    /// <inheritdoc/>
    public bool Equals(CoroutineHandle other) => ReferenceEquals(_coroutine, other._coroutine) && _generation == other._generation;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is CoroutineHandle other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_coroutine, _generation);

    /// <summary>"CoroutineHandle 'name' (running)", "CoroutineHandle (finished)", or "CoroutineHandle (none)" for a default handle.</summary>
    /// <returns>A description for diagnostics.</returns>
    public override string ToString() => _coroutine is null
        ? "CoroutineHandle (none)"
        : IsRunning ? $"CoroutineHandle {Current!.Describe()} (running)" : "CoroutineHandle (finished)";
}
