using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Docs;

/// <summary>The examples of docs/guides/async-await-on-the-loop.md, run; the last test keeps the page identical.</summary>
public sealed class AsyncAwaitGuideTests
{
    [Fact]
    public void OneThreadExample_EveryAwaitResumesOnTheLoopThread()
    {
        #region guide: one thread
        var threads = new HashSet<int>();

        EventLoop.Run(async () =>
        {
            threads.Add(Environment.CurrentManagedThreadId);
            await Task.Delay(10);                                         // a BCL timer: completes on another thread
            threads.Add(Environment.CurrentManagedThreadId);
            await Task.Run(() => Thread.SpinWait(1000));                  // thread-pool work
            threads.Add(Environment.CurrentManagedThreadId);
            await EventLoop.Yield();                                      // the loop's own awaitables
            threads.Add(Environment.CurrentManagedThreadId);
        });

        Assert.Single(threads);                                           // all of it ran on one thread
        #endregion
    }

    [Fact]
    public void NoLocksExample_SharedStateNeedsNoLock()
    {
        #region guide: no locks
        var counter = 0;

        EventLoop.Run(async () =>
        {
            async Task IncrementAsync()
            {
                for (var i = 0; i < 1000; i++)
                {
                    counter++;                                            // no lock: nothing else runs meanwhile
                    await EventLoop.Yield();
                }
            }

            await Task.WhenAll(IncrementAsync(), IncrementAsync(), IncrementAsync());
        });

        Assert.Equal(3000, counter);
        #endregion
    }

    [Fact]
    public void OffloadExample_CpuWorkGoesToThePoolAndComesBack()
    {
        #region guide: offload
        var (sum, sameThread) = EventLoop.Run(async () =>
        {
            var loopThread = Environment.CurrentManagedThreadId;
            var total = await EventLoop.RunOnThreadPoolAsync(() =>        // CPU-bound work leaves the loop...
            {
                long s = 0;
                for (var i = 0; i < 1_000_000; i++)
                {
                    s += i;
                }

                return s;
            });
            return (total, Environment.CurrentManagedThreadId == loopThread); // ...and the await comes back to it
        });

        Assert.Equal(499_999_500_000, sum);
        Assert.True(sameThread);
        #endregion
    }

    [Fact]
    public void Guide_ContainsEveryExampleVerbatim() =>
        GuideText.AssertGuideContainsRegions("docs/guides/async-await-on-the-loop.md", "tests/CoopRuntime.Tests/Docs/AsyncAwaitGuideTests.cs", 3);
}
