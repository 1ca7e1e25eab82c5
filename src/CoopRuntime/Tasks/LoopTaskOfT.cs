using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace CoopRuntime;

/// <summary>
/// A handle to a spawned task that produces a <typeparamref name="T"/>; awaiting it returns the value.
/// Everything said on <see cref="LoopTask"/> holds here.
/// </summary>
/// <typeparam name="T">The result type.</typeparam>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public readonly struct LoopTask<T> : IEquatable<LoopTask<T>>
{
    private readonly SpawnedTask<T>? _core;

    internal LoopTask(SpawnedTask<T> core) => _core = core;

    /// <summary>The name given at spawn time, or null.</summary>
    public string? Name => Core.Name;

    /// <summary>True once the task has finished: succeeded, failed, or cancelled.</summary>
    public bool IsCompleted => Core.IsCompleted;

    /// <summary>True once <see cref="Cancel"/> was called (or the loop or group cancelled the task).</summary>
    public bool IsCancellationRequested => Core.IsCancellationRequested;

    /// <summary>A <see cref="Task{TResult}"/> that completes with the work. Reading it observes the task's failure.</summary>
    public Task<T> Completion => Core.Completion;

    private SpawnedTask<T> Core => _core ?? throw new InvalidOperationException(
        "This LoopTask<T> is default: it refers to no task. Use the handle returned by Spawn.");

    private string DebuggerDisplay => _core is null ? "LoopTask (none)" : $"LoopTask {_core.Name}: {(_core.IsCompleted ? "completed" : "running")}";

    /// <summary>Cancels the token the task was given. Thread-safe; safe to call more than once.</summary>
    public void Cancel() => Core.Cancel();

    /// <summary>Gets an awaiter; awaiting returns the task's result or rethrows its failure.</summary>
    /// <returns>The awaiter of <see cref="Completion"/>.</returns>
    public TaskAwaiter<T> GetAwaiter() => Core.Completion.GetAwaiter();

    /// <summary>Configures how an await of this task resumes; see <see cref="Task.ConfigureAwait(bool)"/>.</summary>
    /// <param name="continueOnCapturedContext">False to resume wherever the task completes.</param>
    /// <returns>An awaitable.</returns>
    public ConfiguredTaskAwaitable<T> ConfigureAwait(bool continueOnCapturedContext) =>
        Core.Completion.ConfigureAwait(continueOnCapturedContext);

    /// <summary>The same task as an untyped <see cref="LoopTask"/>, for lists of mixed handles.</summary>
    /// <param name="task">The typed handle.</param>
    public static implicit operator LoopTask(LoopTask<T> task) => task._core is null ? default : new LoopTask(task._core);

    /// <inheritdoc />
    public bool Equals(LoopTask<T> other) => ReferenceEquals(_core, other._core);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is LoopTask<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _core is null ? 0 : RuntimeHelpers.GetHashCode(_core);

    /// <summary>True when both handles refer to the same task.</summary>
    /// <param name="left">A handle.</param>
    /// <param name="right">Another handle.</param>
    public static bool operator ==(LoopTask<T> left, LoopTask<T> right) => left.Equals(right);

    /// <summary>True when the handles refer to different tasks.</summary>
    /// <param name="left">A handle.</param>
    /// <param name="right">Another handle.</param>
    public static bool operator !=(LoopTask<T> left, LoopTask<T> right) => !left.Equals(right);
}
