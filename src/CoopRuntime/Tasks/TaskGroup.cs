using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace CoopRuntime;

/// <summary>
/// Structured concurrency for the loop (Trio's nursery, Python's asyncio.TaskGroup): tasks spawned into the group
/// cannot outlive it. <c>await using</c> waits for all of them; the first failure cancels the rest.
/// </summary>
/// <example>
/// <code>
/// await using (var group = new TaskGroup())
/// {
///     group.Spawn(ct => FetchAsync("a", ct));
///     group.Spawn(ct => FetchAsync("b", ct));
/// }   // both finished here; if one failed, the other was cancelled and the failure is thrown
/// </code>
/// </example>
/// <remarks>
/// <para>Disposal waits for every child, then throws the one failure, or an <see cref="AggregateException"/> of
/// several. Cancellation is not a failure: children that end with <see cref="OperationCanceledException"/> because
/// the group cancelled them are not reported. C# does not tell <c>DisposeAsync</c> that the block threw, so if the
/// block's own code fails, the children run on until the group is disposed; call <see cref="Cancel"/> in a catch
/// block to stop them at once.</para>
/// <para>Children may spawn more children into the group while it waits. Use a group on its loop's thread.</para>
/// </remarks>
[DebuggerDisplay("TaskGroup running = {_children.Count}, failures = {FailureCount}")]
public sealed class TaskGroup : IAsyncDisposable
{
    private readonly EventLoop _loop;
    private readonly IndexedList<SpawnedTask> _children = new(static t => t.GroupIndex, static (t, i) => t.GroupIndex = i);
    private readonly CancellationTokenRegistration _parentRegistration;
    private List<Exception>? _failures;
    private TaskCompletionSource? _allFinished;
    private bool _cancelled;
    private bool _closed;

    /// <summary>Creates a group on the loop running on this thread.</summary>
    /// <param name="cancellationToken">Cancels every child when cancelled.</param>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public TaskGroup(CancellationToken cancellationToken = default)
    {
        _loop = EventLoop.RequireCurrent(nameof(TaskGroup));
        if (cancellationToken.CanBeCanceled)
        {
            _parentRegistration = cancellationToken.UnsafeRegister(
                static group => ((TaskGroup)group!)._loop.TryScheduleFromAnyThread(WorkItem.From(static g => g.Cancel(), (TaskGroup)group!)),
                this);
        }
    }

    /// <summary>True once the group cancelled its children: after <see cref="Cancel"/>, a child's failure, or the parent token.</summary>
    public bool IsCancellationRequested => _cancelled;

    private int FailureCount => _failures?.Count ?? 0;

    /// <summary>Starts <paramref name="work"/> as a child of this group, on the loop's next iteration.</summary>
    /// <param name="work">The child's body; its token is cancelled when the group cancels.</param>
    /// <param name="name">A name for diagnostics and error messages.</param>
    /// <exception cref="InvalidOperationException">The group has finished; spawn into a new one.</exception>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    /// <remarks>Returns nothing, like Trio's <c>start_soon</c>: the group owns the child, and an awaitable result
    /// would make the compiler warn (CS4014) on every fire-and-forget spawn in an async method. Use
    /// <see cref="Spawn{T}"/> when you want the child's value.</remarks>
    public void Spawn(Func<CancellationToken, Task> work, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        VerifyCanSpawn();
        Adopt(new SpawnedTask(_loop, work, name, this));
    }

    /// <summary>Starts <paramref name="work"/>, which produces a value, as a child of this group.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="work">The child's body; its token is cancelled when the group cancels.</param>
    /// <param name="name">A name for diagnostics and error messages.</param>
    /// <returns>A handle to the child; awaiting it returns the value.</returns>
    /// <exception cref="InvalidOperationException">The group has finished; spawn into a new one.</exception>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    public LoopTask<T> Spawn<T>(Func<CancellationToken, Task<T>> work, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        VerifyCanSpawn();
        return new LoopTask<T>(Adopt(new SpawnedTask<T>(_loop, work, name, this)));
    }

    /// <summary>Cancels every running child, and every child spawned from now on. Safe to call more than once.</summary>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    public void Cancel()
    {
        _loop.VerifyThread(nameof(TaskGroup) + "." + nameof(Cancel));
        if (_cancelled)
        {
            return;
        }

        _cancelled = true;
        foreach (var child in _children.ToArray())
        {
            child.Cancel();
        }
    }

    /// <summary>Waits for every child; throws the failure (or an <see cref="AggregateException"/> of several).</summary>
    /// <returns>A task that completes when every child has finished.</returns>
    public async ValueTask DisposeAsync()
    {
        _loop.VerifyThread(nameof(TaskGroup) + "." + nameof(DisposeAsync));
        if (_closed)
        {
            return;
        }

        if (_children.Count > 0)
        {
            _allFinished ??= new TaskCompletionSource();
            await _allFinished.Task;
        }

        _closed = true;
        _parentRegistration.Dispose();
        if (_failures is { Count: 1 })
        {
            ExceptionDispatchInfo.Throw(_failures[0]);
        }

        if (_failures is { Count: > 1 })
        {
            throw new AggregateException($"{_failures.Count} tasks in the group failed.", _failures);
        }
    }

    private void VerifyCanSpawn()
    {
        _loop.VerifyThread(nameof(TaskGroup) + "." + nameof(Spawn));
        if (_closed)
        {
            throw new InvalidOperationException("This TaskGroup has finished: every child was awaited. Spawn into a new TaskGroup.");
        }
    }

    private TTask Adopt<TTask>(TTask child)
        where TTask : SpawnedTask
    {
        _children.Add(child);
        _loop.Track(child);
        if (_cancelled)
        {
            child.Cancel();
        }

        return child;
    }

    /// <summary>Called by a child when it finishes, on the loop thread.</summary>
    internal void OnChildFinished(SpawnedTask child, Task? work)
    {
        // O(1), so a group of 100,000 children finishes in linear time.
        _children.Remove(child);
        if (work is { IsFaulted: true })
        {
            (_failures ??= new List<Exception>()).AddRange(work.Exception!.InnerExceptions);
            Cancel();
        }

        if (_children.Count == 0)
        {
            _allFinished?.TrySetResult();
        }
    }
}
