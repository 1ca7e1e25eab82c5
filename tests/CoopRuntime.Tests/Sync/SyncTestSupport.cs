using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Sync;

/// <summary>Helpers shared by the sync primitive tests.</summary>
internal static class SyncTestSupport
{
    /// <summary>How much loop time a test may take before it counts as hung.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromDays(1);

    /// <summary>
    /// Runs <paramref name="main"/> on a loop with an auto-advancing virtual clock, failing with a
    /// <see cref="TimeoutException"/> if it has not finished after <see cref="Deadline"/> of loop time. A lost wake-up
    /// leaves the loop idle, the clock jumps to the deadline, and the test fails at once instead of hanging. (Tests that
    /// wait for thread-pool work use <see cref="TestLoops.RunVirtual"/>: an idle loop would jump to the deadline while
    /// the other thread runs.)
    /// </summary>
    public static void Run(Func<Task> main) =>
        TestLoops.RunVirtual(() => main().WaitAsync(Deadline, EventLoop.Current!.TimeProvider));

    /// <summary>Runs <paramref name="use"/> on a thread-pool thread while the loop waits, and returns what it threw.</summary>
    public static Task<Exception?> ThrownOnAnotherThreadAsync(Action use) => Task.Run<Exception?>(() => Record.Exception(use));

    /// <summary>Asserts that <paramref name="error"/> is the loop-local wrong-thread error, naming what to use instead.</summary>
    public static void AssertWrongThread(Exception? error, string member)
    {
        var wrongThread = Assert.IsType<WrongThreadException>(error);
        Assert.Contains(member, wrongThread.Message);
        Assert.Contains("loop-local", wrongThread.Message);
        Assert.Contains("CallSoonThreadSafe", wrongThread.Message);
    }

    /// <summary>Asserts that <paramref name="use"/>, called with no loop running on this thread, says it needs one.</summary>
    public static void AssertNeedsARunningLoop(Action use, string member)
    {
        Assert.Null(EventLoop.Current);
        var error = Assert.Throws<InvalidOperationException>(use);
        Assert.Contains(member, error.Message);
        Assert.Contains("needs an EventLoop running on this thread", error.Message);
    }

    /// <summary>
    /// Parks <paramref name="count"/> waiters (each one call of <paramref name="wait"/>, in order), then calls
    /// <paramref name="releaseAll"/> once, in one callback, and asserts the rule for mass releases: the stack
    /// does not overflow, no waiter resumes inside <paramref name="releaseAll"/>, and all resume in the order they
    /// waited.
    /// </summary>
    public static void AssertReleasedInOrderOnLaterIterations(Func<ValueTask> wait, Action releaseAll, int count = 100_000)
    {
        var order = new List<int>(count);
        var releasing = false;
        var resumedInsideRelease = 0;

        Run(async () =>
        {
            var waiters = new Task[count];
            for (var i = 0; i < count; i++)
            {
                waiters[i] = WaitAsync(i);
            }

            releasing = true;
            releaseAll();
            releasing = false;
            await Task.WhenAll(waiters);
        });

        Assert.Equal(0, resumedInsideRelease);
        Assert.Equal(count, order.Count);
        Assert.Equal(Enumerable.Range(0, count), order);

        async Task WaitAsync(int id)
        {
            await wait();
            resumedInsideRelease += releasing ? 1 : 0;
            order.Add(id);
        }
    }

    /// <summary>Awaits <paramref name="wait"/> and reports whether it was cancelled, so races can be asserted plainly.</summary>
    public static async Task<string> OutcomeAsync(Func<ValueTask> wait)
    {
        try
        {
            await wait();
            return "completed";
        }
        catch (OperationCanceledException)
        {
            return "canceled";
        }
    }
}

/// <summary>
/// Measures <see cref="GC.GetAllocatedBytesForCurrentThread"/> on the loop thread around exactly the steady-state
/// operations: the window opens after <see cref="WarmUp"/> operations (first-use delegates, async state machine
/// boxes, pools and ring buffers growing) and closes after <see cref="Measured"/> more, before anything that ends the
/// run. Several tasks may count into one probe; it is touched on the loop thread only.
/// </summary>
internal sealed class AllocationProbe
{
    public const int WarmUp = 1_000;
    public const int Measured = 10_000;

    private long _start;
    private long _end;

    public int Operations { get; private set; }

    /// <summary>True once the window closed: the tasks stop.</summary>
    public bool Done => Operations >= WarmUp + Measured;

    public long Allocated => _end - _start;

    public bool Measuring => Operations >= WarmUp && !Done;

    public void Count()
    {
        Operations++;
        if (Operations == WarmUp)
        {
            _start = GC.GetAllocatedBytesForCurrentThread();
        }
        else if (Operations == WarmUp + Measured)
        {
            _end = GC.GetAllocatedBytesForCurrentThread();
        }
    }

    /// <summary>Asserts that the window was opened and closed, and that nothing was allocated inside it.</summary>
    public void AssertAllocatedNothing()
    {
        Assert.True(Done, $"Only {Operations} operations ran; the window needs {WarmUp + Measured}.");
        Assert.NotEqual(0, _start);
        Assert.Equal(0, Allocated);
    }
}
