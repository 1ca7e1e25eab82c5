namespace CoopRuntime;

/// <summary>A <see cref="SpawnedTask"/> whose work returns a value; see <see cref="LoopTask{T}"/>.</summary>
/// <typeparam name="T">The result type.</typeparam>
internal sealed class SpawnedTask<T> : SpawnedTask
{
    public SpawnedTask(EventLoop loop, Func<CancellationToken, Task<T>> work, string? name, TaskGroup? group)
        : base(loop, work, name, group)
    {
    }

    public new Task<T> Completion => (Task<T>)base.Completion;

    protected override Task FromCanceled(CancellationToken token) => Task.FromCanceled<T>(token);

    protected override Task FromException(Exception exception) => Task.FromException<T>(exception);

    protected override object CreateEarlyCompletion() => new TaskCompletionSource<T>();

    protected override Task EarlyCompletionTask(object source) => ((TaskCompletionSource<T>)source).Task;

    protected override void CompleteEarly(object source, Task? task)
    {
        var completion = (TaskCompletionSource<T>)source;
        if (task is null || task.IsCanceled)
        {
            completion.TrySetCanceled(Token);
        }
        else if (task.IsFaulted)
        {
            completion.TrySetException(task.Exception!.InnerExceptions);
        }
        else
        {
            completion.TrySetResult(((Task<T>)task).Result);
        }
    }
}
