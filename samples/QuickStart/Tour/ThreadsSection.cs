using CoopRuntime;

namespace QuickStart.Tour;

/// <summary>2. await brings you back to the loop thread, whoever completed the awaited task.</summary>
internal static class ThreadsSection
{
    public static async Task RunAsync()
    {
        Output.Heading(
            "2. async/await stays on the loop thread",
            "The loop installs a SynchronizationContext, so code after an await resumes on the loop thread.");

        var loopThread = Environment.CurrentManagedThreadId;
        Output.Line($"The loop runs on thread {loopThread}.");

        // CPU-bound work goes to the thread pool; the await brings the result back to the loop.
        var poolThread = await Task.Run(() => Environment.CurrentManagedThreadId);
        Report("await Task.Run(...)", poolThread, loopThread);

        // Task.Delay completes on a .NET timer thread. The ExecuteSynchronously continuation runs right there, on
        // that thread, and tells us which one it was; the await itself still resumes on the loop.
        var delayThread = await Task.Delay(TimeSpan.FromMilliseconds(20)).ContinueWith(
            _ => Environment.CurrentManagedThreadId,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        Report("await Task.Delay(20 ms)", delayThread, loopThread);

        // A TaskCompletionSource completed by a thread we start ourselves.
        var source = new TaskCompletionSource<int>();
        var completer = new Thread(() =>
        {
            Thread.Sleep(10);
            source.SetResult(Environment.CurrentManagedThreadId);
        });
        completer.Start();
        var completerThread = await source.Task;
        Report("await TaskCompletionSource", completerThread, loopThread);

        // ConfigureAwait(false) opts out of the loop: what follows runs wherever the task completed. That is right
        // for library code that never touches loop objects, and the caller still resumes on the loop.
        var (offLoopThread, error) = await LeaveTheLoopAsync(EventLoop.Current!);
        Output.Line($"ConfigureAwait(false): the code after it ran on thread {offLoopThread}, where loop.CallSoon(...) threw");
        Output.Line($"  {error}");
        Output.Line($"  Its caller awaited it normally and resumed on thread {Here(loopThread)}");
    }

    private static async Task<(int Thread, string Error)> LeaveTheLoopAsync(EventLoop loop)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(10)).ConfigureAwait(false);
        try
        {
            // Loop objects check the thread at their entry points instead of corrupting state silently.
            loop.CallSoon(() => { });
            return (Environment.CurrentManagedThreadId, "nothing (unexpected!)");
        }
        catch (WrongThreadException exception)
        {
            // The message's first sentence says what went wrong; the rest names the thread-safe alternatives.
            var firstSentence = exception.Message[..(exception.Message.IndexOf(". ", StringComparison.Ordinal) + 1)];
            return (Environment.CurrentManagedThreadId, $"{nameof(WrongThreadException)}: \"{firstSentence}\"");
        }
    }

    private static void Report(string what, int completedOn, int loopThread) =>
        Output.Line($"{what,-28} completed on thread {completedOn,-3} -> resumed on thread {Here(loopThread)}");

    private static string Here(int loopThread)
    {
        var now = Environment.CurrentManagedThreadId;
        return now == loopThread ? $"{now} (the loop thread)" : $"{now} (NOT the loop thread {loopThread}!)";
    }
}
