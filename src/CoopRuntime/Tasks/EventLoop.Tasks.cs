namespace CoopRuntime;

// The Tasks layer's entry points on the loop: awaitables, spawned tasks, timeouts. Kept apart from Loop/EventLoop.cs
// so the loop core reads without them.
public sealed partial class EventLoop
{
    private const int MaxPooledSleepOperations = 1 << 16;

    // Only the loop thread touches these.
    private readonly IndexedList<SpawnedTask> _liveTasks = new(static t => t.LiveIndex, static (t, i) => t.LiveIndex = i);
    private readonly Stack<SleepOperation> _sleepPool = new();

    /// <summary>
    /// Returns an awaitable that resumes the caller on the loop's next iteration, letting everything already
    /// scheduled run first (like <c>await asyncio.sleep(0)</c>). Allocates nothing.
    /// </summary>
    /// <returns>The awaitable.</returns>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static YieldAwaitable Yield() => new(RequireCurrent(nameof(Yield)));

    /// <summary>
    /// Waits <paramref name="delay"/> of loop time (instantly under an auto-advancing <see cref="VirtualClock"/>).
    /// Allocates nothing in steady state.
    /// </summary>
    /// <param name="delay">Zero or positive, or <see cref="Timeout.InfiniteTimeSpan"/> to wait until cancelled.
    /// Zero resumes on the next iteration's timer pass.</param>
    /// <param name="cancellationToken">Ends the wait early with <see cref="OperationCanceledException"/>.</param>
    /// <returns>A <see cref="ValueTask"/> to await once.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative and not infinite.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static ValueTask Sleep(TimeSpan delay, CancellationToken cancellationToken = default)
    {
        var loop = RequireCurrent(nameof(Sleep));
        TimeSpan? deadline = delay == Timeout.InfiniteTimeSpan ? null : loop.DeadlineAfter(delay, nameof(delay));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        var operation = loop._sleepPool.Count > 0 ? loop._sleepPool.Pop() : new SleepOperation(loop);
        return operation.Start(deadline, cancellationToken);
    }

    internal void ReturnSleepOperation(SleepOperation operation)
    {
        if (_sleepPool.Count < MaxPooledSleepOperations)
        {
            _sleepPool.Push(operation);
        }
    }

    /// <summary>
    /// Starts <paramref name="work"/> on the loop's next iteration as a task the loop tracks: it can be awaited
    /// through the returned handle, cancelled with <see cref="LoopTask.Cancel"/>, and is cancelled and awaited when
    /// the loop shuts down.
    /// </summary>
    /// <param name="work">The task's body; it receives a token that <see cref="LoopTask.Cancel"/> cancels.</param>
    /// <param name="name">A name for diagnostics and error messages.</param>
    /// <returns>The handle.</returns>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public LoopTask Spawn(Func<CancellationToken, Task> work, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        VerifyThreadAndOpen(nameof(Spawn));
        return new LoopTask(Track(new SpawnedTask(this, work, name, group: null)));
    }

    /// <summary>Like <see cref="Spawn(Func{CancellationToken, Task}, string?)"/>, for work that produces a value.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="work">The task's body; it receives a token that <see cref="LoopTask{T}.Cancel"/> cancels.</param>
    /// <param name="name">A name for diagnostics and error messages.</param>
    /// <returns>The handle; awaiting it returns the value.</returns>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public LoopTask<T> Spawn<T>(Func<CancellationToken, Task<T>> work, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        VerifyThreadAndOpen(nameof(Spawn));
        return new LoopTask<T>(Track(new SpawnedTask<T>(this, work, name, group: null)));
    }

    /// <summary>Adds a new task to the live set and queues its start. Loop thread only; the caller checked it.</summary>
    internal TTask Track<TTask>(TTask task)
        where TTask : SpawnedTask
    {
        _liveTasks.Add(task);
        _ready.Enqueue(SpawnedTask.StartItem(task));
        if (IsShuttingDown)
        {
            // Shutdown already cancelled everything that was live; a task spawned now is cancelled before it starts.
            task.Cancel();
        }

        return task;
    }

    /// <summary>Removes a finished task from the live set in O(1).</summary>
    internal void RemoveLiveTask(SpawnedTask task) => _liveTasks.Remove(task);

    /// <summary>How many spawned tasks have not finished.</summary>
    internal int LiveTaskCount => _liveTasks.Count;

    private void CancelAllSpawnedTasks()
    {
        // Cancel on a copy: cancellation callbacks may finish tasks, which edits the live list.
        foreach (var task in _liveTasks.ToArray())
        {
            task.Cancel();
        }
    }

    private string DescribeLiveTasks()
    {
        const int MaxNamed = 10;
        var names = _liveTasks.Take(MaxNamed).Select(t => t.Name is null ? "unnamed" : $"'{t.Name}'");
        var more = _liveTasks.Count > MaxNamed ? $", and {_liveTasks.Count - MaxNamed} more" : string.Empty;
        return string.Join(", ", names) + more;
    }

    /// <summary>
    /// Runs <paramref name="operation"/> with a token that is cancelled after <paramref name="timeout"/> of loop time,
    /// and turns that cancellation into a <see cref="TimeoutException"/> naming the duration (like asyncio.wait_for).
    /// </summary>
    /// <param name="timeout">How long the operation may take, in loop time; zero or positive.</param>
    /// <param name="operation">The work; it must observe the token it is given.</param>
    /// <param name="cancellationToken">Cancels the operation early; that cancellation stays an <see cref="OperationCanceledException"/>.</param>
    /// <returns>A task that completes when the operation does.</returns>
    /// <exception cref="TimeoutException">The timeout passed first.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static async Task WithTimeoutAsync(TimeSpan timeout, Func<CancellationToken, Task> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        using var scope = CancelScope.After(timeout, cancellationToken);
        try
        {
            await operation(scope.Token);
        }
        catch (OperationCanceledException canceled) when (scope.TimedOut && !cancellationToken.IsCancellationRequested)
        {
            throw CancelScope.TimeoutError(timeout, canceled);
        }
    }

    /// <summary>Like <see cref="WithTimeoutAsync(TimeSpan, Func{CancellationToken, Task}, CancellationToken)"/>, returning the operation's result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="timeout">How long the operation may take, in loop time; zero or positive.</param>
    /// <param name="operation">The work; it must observe the token it is given.</param>
    /// <param name="cancellationToken">Cancels the operation early; that cancellation stays an <see cref="OperationCanceledException"/>.</param>
    /// <returns>The operation's result.</returns>
    /// <exception cref="TimeoutException">The timeout passed first.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static async Task<T> WithTimeoutAsync<T>(TimeSpan timeout, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        using var scope = CancelScope.After(timeout, cancellationToken);
        try
        {
            return await operation(scope.Token);
        }
        catch (OperationCanceledException canceled) when (scope.TimedOut && !cancellationToken.IsCancellationRequested)
        {
            throw CancelScope.TimeoutError(timeout, canceled);
        }
    }
}
