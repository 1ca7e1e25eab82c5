namespace CoopRuntime.Tests.Sync;

/// <summary>
/// The "release 100,000 waiters at once" scenarios, shared by the queue and channel tests: the release must not run
/// any waiter re-entrantly (which is what overflows the stack in Nito.AsyncEx), and waiters must resume in the order
/// they started waiting.
/// </summary>
internal static class ManyWaiters
{
    public sealed record Released(int ResumedDuringRelease, List<int> ResumeOrder, int[] Received, Exception?[] Errors);

    /// <summary>
    /// Parks <paramref name="count"/> readers (reader i calls <paramref name="read"/> i-th), then calls
    /// <paramref name="release"/> once, which must release them all.
    /// </summary>
    public static Released ReleaseReaders(int count, Func<ValueTask<int>> read, Action release)
    {
        var order = new List<int>(count);
        var received = new int[count];
        var errors = new Exception?[count];
        var resumedDuringRelease = -1;

        Support.TestLoops.RunVirtual(async () =>
        {
            var readers = new Task[count];
            for (var i = 0; i < count; i++)
            {
                readers[i] = ReadAsync(i);
            }

            release();
            resumedDuringRelease = order.Count;
            await Task.WhenAll(readers);

            async Task ReadAsync(int id)
            {
                try
                {
                    received[id] = await read();
                }
                catch (Exception error)
                {
                    errors[id] = error; // released with an error (a completed channel): still resumes in order
                }

                order.Add(id);
            }
        });

        return new Released(resumedDuringRelease, order, received, errors);
    }

    /// <summary>
    /// Fills a capacity-1 buffer with <paramref name="write"/>(-1), parks <paramref name="count"/> writers of 0, 1, 2...
    /// behind it, then drains with <paramref name="tryRead"/>, returning what was read after the -1.
    /// </summary>
    public static List<int> DrainBlockedWriters(int count, Func<int, ValueTask> write, Func<(bool Read, int Item)> tryRead)
    {
        var taken = new List<int>(count);

        Support.TestLoops.RunVirtual(async () =>
        {
            await write(-1);
            var writers = new Task[count];
            for (var i = 0; i < count; i++)
            {
                writers[i] = write(i).AsTask();
            }

            tryRead();
            for (var next = tryRead(); next.Read; next = tryRead())
            {
                taken.Add(next.Item);
            }

            await Task.WhenAll(writers);
        });

        return taken;
    }
}
