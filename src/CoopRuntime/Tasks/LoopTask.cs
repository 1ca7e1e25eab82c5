using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace CoopRuntime;

/// <summary>
/// A handle to a task started with <see cref="EventLoop.Spawn(Func{CancellationToken, Task}, string?)"/>: await it,
/// cancel it, name it.
/// </summary>
/// <remarks>
/// <para>A small value type (copies refer to the same task), so the handle itself costs nothing; the loop keeps
/// the task alive and cancels it at shutdown whether or not anyone holds the handle.</para>
/// <para>Awaiting the handle, or reading <see cref="Completion"/>, observes the task: its failure then reaches the
/// awaiting code. A failure nobody observed by the end of the iteration in which it happened goes to the loop's
/// unhandled-exception handler instead of vanishing.</para>
/// <para><see cref="Cancel"/> is thread-safe; the other members are for the loop thread.
/// <c>default(LoopTask)</c> refers to no task; using it throws <see cref="InvalidOperationException"/>.</para>
/// </remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public readonly struct LoopTask : IEquatable<LoopTask>
{
    private readonly SpawnedTask? _core;

    internal LoopTask(SpawnedTask core) => _core = core;

    /// <summary>The name given at spawn time, or null.</summary>
    public string? Name => Core.Name;

    /// <summary>True once the task has finished: succeeded, failed, or cancelled.</summary>
    public bool IsCompleted => Core.IsCompleted;

    /// <summary>True once <see cref="Cancel"/> was called (or the loop or group cancelled the task).</summary>
    public bool IsCancellationRequested => Core.IsCancellationRequested;

    /// <summary>
    /// A <see cref="Task"/> that completes with the work: the work's own task once it has started. Composes with
    /// <see cref="Task.WhenAll(Task[])"/>. Reading it observes the task's failure.
    /// </summary>
    public Task Completion => Core.Completion;

    internal SpawnedTask Core => _core ?? throw new InvalidOperationException(
        "This LoopTask is default: it refers to no task. Use the handle returned by Spawn.");

    private string DebuggerDisplay => _core is null ? "LoopTask (none)" : $"LoopTask {_core.Name}: {(_core.IsCompleted ? "completed" : "running")}";

    /// <summary>
    /// Cancels the token the task was given. A task that has not started yet never runs. Safe to call more than
    /// once and from any thread; the task finishes as it reacts to its token.
    /// </summary>
    public void Cancel() => Core.Cancel();

    /// <summary>Gets an awaiter; awaiting a <see cref="LoopTask"/> waits for the task and rethrows its failure.</summary>
    /// <returns>The awaiter of <see cref="Completion"/>.</returns>
    public TaskAwaiter GetAwaiter() => Core.Completion.GetAwaiter();

    /// <summary>Configures how an await of this task resumes; see <see cref="Task.ConfigureAwait(bool)"/>.</summary>
    /// <param name="continueOnCapturedContext">False to resume wherever the task completes.</param>
    /// <returns>An awaitable.</returns>
    public ConfiguredTaskAwaitable ConfigureAwait(bool continueOnCapturedContext) =>
        Core.Completion.ConfigureAwait(continueOnCapturedContext);

    /// <inheritdoc />
    public bool Equals(LoopTask other) => ReferenceEquals(_core, other._core);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is LoopTask other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _core is null ? 0 : RuntimeHelpers.GetHashCode(_core);

    /// <summary>True when both handles refer to the same task.</summary>
    /// <param name="left">A handle.</param>
    /// <param name="right">Another handle.</param>
    public static bool operator ==(LoopTask left, LoopTask right) => left.Equals(right);

    /// <summary>True when the handles refer to different tasks.</summary>
    /// <param name="left">A handle.</param>
    /// <param name="right">Another handle.</param>
    public static bool operator !=(LoopTask left, LoopTask right) => !left.Equals(right);
}
