namespace CoopRuntime.Tests.Sync;

/// <summary>
/// Reads pending value tasks without awaiting them, for the randomized tests: a probe returns null while the task is
/// pending, then its outcome as text, exactly once (reading a pooled operation's result hands it back to its pool).
/// </summary>
internal static class Outcomes
{
    public static Func<string?> Probe<T>(ValueTask<T> task, Func<T, string> show, Func<Exception, string> describe) =>
        () => !task.IsCompleted ? null : Read(() => "ok " + show(task.Result), describe);

    public static Func<string?> Probe(ValueTask task, Func<Exception, string> describe) =>
        () => !task.IsCompleted ? null : Read(() => { task.GetAwaiter().GetResult(); return "ok"; }, describe);

    private static string Read(Func<string> result, Func<Exception, string> describe)
    {
        try
        {
            return result();
        }
        catch (Exception exception)
        {
            return describe(exception);
        }
    }
}
