using System.Collections;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Coroutines;

/// <summary>Coroutines and async/await together, and where a coroutine's failure ends up.</summary>
public class CoroutineInteropTests
{
    private static EventLoopOptions VirtualCollecting(List<Exception> errors) =>
        new() { Clock = new VirtualClock(), UnhandledException = errors.Add };

    private static IEnumerator FailsAfter(TimeSpan delay, Exception failure)
    {
        yield return Wait.For(delay);
        throw failure;
    }

    [Fact]
    public void AwaitACoroutine_FromAsyncCode_ResumesOnTheLoopThreadOnceItEnds()
    {
        IEnumerator Work()
        {
            yield return Wait.Seconds(3);
        }

        var (loopThread, resumedThread, resumedAt) = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var thread = Environment.CurrentManagedThreadId;
            await loop.Start(Work());
            return (thread, Environment.CurrentManagedThreadId, loop.Now);
        }, TestLoops.Virtual());

        Assert.Equal(loopThread, resumedThread);
        Assert.Equal(TimeSpan.FromSeconds(3), resumedAt);
    }

    [Fact]
    public void YieldAnAsyncMethodsTask_TheCoroutineResumesWhenItCompletes_WithItsResultAvailable()
    {
        var result = 0;
        var resumedAt = TimeSpan.MinValue;
        IEnumerator Caller(EventLoop loop)
        {
            var fetch = FetchAsync();
            yield return fetch;
            result = fetch.Result;
            resumedAt = loop.Now;
        }

        static async Task<int> FetchAsync()
        {
            await EventLoop.Sleep(TimeSpan.FromSeconds(2));
            return 17;
        }

        TestLoops.RunVirtual(async () => await EventLoop.Current!.Start(Caller(EventLoop.Current)));

        Assert.Equal(17, result);
        Assert.Equal(TimeSpan.FromSeconds(2), resumedAt);
    }

    [Fact]
    public void YieldAnAsyncMethodsTask_InATypedRoutine_ThroughTheImplicitConversion()
    {
        var resumedAt = TimeSpan.MinValue;
        IEnumerator<Wait> Typed(EventLoop loop)
        {
            yield return Task.Delay(TimeSpan.FromSeconds(4), loop.TimeProvider);
            resumedAt = loop.Now;
        }

        TestLoops.RunVirtual(async () => await EventLoop.Current!.Start(Typed(EventLoop.Current)));

        Assert.Equal(TimeSpan.FromSeconds(4), resumedAt);
    }

    [Fact]
    public void AsyncCodeAndCoroutines_AwaitEachOtherBothWays()
    {
        var log = new List<string>();
        IEnumerator Outer(EventLoop loop)
        {
            log.Add("outer starts");
            yield return MiddleAsync(loop);
            log.Add("outer ends");
        }

        async Task MiddleAsync(EventLoop loop)
        {
            log.Add("middle starts");
            await loop.Start(Inner());
            log.Add("middle ends");
        }

        IEnumerator Inner()
        {
            log.Add("inner starts");
            yield return Wait.Seconds(1);
            log.Add("inner ends");
        }

        TestLoops.RunVirtual(async () => await EventLoop.Current!.Start(Outer(EventLoop.Current)));

        Assert.Equal(new[] { "outer starts", "middle starts", "inner starts", "inner ends", "middle ends", "outer ends" }, log);
    }

    [Fact]
    public void Completion_WithTaskWhenAll_CompletesWhenTheLastCoroutineEnds()
    {
        IEnumerator Sleep(double seconds)
        {
            yield return Wait.Seconds(seconds);
        }

        var endedAt = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var all = Task.WhenAll(loop.Start(Sleep(1)).Completion, loop.Start(Sleep(3)).Completion, loop.Start(Sleep(2)).Completion);
            Assert.False(all.IsCompleted);
            await all;
            return loop.Now;
        }, TestLoops.Virtual());

        Assert.Equal(TimeSpan.FromSeconds(3), endedAt);
    }

    [Fact]
    public void Completion_WithTaskWhenAll_OneFaults_TheCombinedTaskFaultsWithItsException()
    {
        var failure = new InvalidDataException("one failed");
        IEnumerator Sleep(double seconds)
        {
            yield return Wait.Seconds(seconds);
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var all = Task.WhenAll(loop.Start(Sleep(1)).Completion, loop.Start(FailsAfter(TimeSpan.FromSeconds(2), failure)).Completion);
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => all);
            Assert.Same(failure, error);
        });
    }

    [Fact]
    public void SpawnedTask_AwaitingACoroutine_GetsItsResult()
    {
        IEnumerator<Wait> Answer()
        {
            yield return Wait.Seconds(1);
            yield return Wait.Return(42);
        }

        var result = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var task = loop.Spawn(async _ => await loop.Start<int>(Answer()));
            return await task;
        }, TestLoops.Virtual());

        Assert.Equal(42, result);
    }

    // ───────────────────────────── Where failures go ─────────────────────────────

    [Fact]
    public void UnobservedFault_GoesToTheLoopsUnhandledExceptionHandler_Once()
    {
        var failure = new InvalidDataException("nobody listens");
        var errors = new List<Exception>();

        EventLoop.Run(async () =>
        {
            var coroutine = EventLoop.Current!.Start(FailsAfter(TimeSpan.FromSeconds(1), failure));
            await EventLoop.Sleep(TimeSpan.FromSeconds(5));
            Assert.True(coroutine.IsCompleted);
        }, VirtualCollecting(errors));

        Assert.Equal(new Exception[] { failure }, errors);
    }

    [Fact]
    public void UnobservedFault_WithoutAHandler_RunThrowsIt()
    {
        var failure = new InvalidDataException("nobody listens");

        var error = Assert.Throws<InvalidDataException>(() => TestLoops.RunVirtual(async () =>
        {
            _ = EventLoop.Current!.Start(FailsAfter(TimeSpan.FromSeconds(1), failure));
            await EventLoop.Sleep(TimeSpan.FromSeconds(5));
        }));

        Assert.Same(failure, error);
    }

    [Fact]
    public void AwaitedFault_DoesNotReachTheHandler()
    {
        var failure = new InvalidDataException("awaited");
        var errors = new List<Exception>();

        EventLoop.Run(async () =>
        {
            var coroutine = EventLoop.Current!.Start(FailsAfter(TimeSpan.FromSeconds(1), failure));
            var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await coroutine);
            Assert.Same(failure, error);
            await EventLoop.Sleep(TimeSpan.FromSeconds(5));
        }, VirtualCollecting(errors));

        Assert.Empty(errors);
    }

    [Fact]
    public void FaultObservedThroughCompletion_DoesNotReachTheHandler()
    {
        var errors = new List<Exception>();
        Task? completion = null;

        EventLoop.Run(async () =>
        {
            var coroutine = EventLoop.Current!.Start(FailsAfter(TimeSpan.FromSeconds(1), new InvalidDataException()));
            completion = coroutine.Completion; // reading it is observing
            await EventLoop.Sleep(TimeSpan.FromSeconds(5));
        }, VirtualCollecting(errors));

        Assert.Empty(errors);
        Assert.True(completion!.IsFaulted);
    }

    [Fact]
    public void FaultObservedOnlyAfterTheIterationItHappenedIn_HasAlreadyGoneToTheHandler()
    {
        var failure = new InvalidDataException("too late");
        var errors = new List<Exception>();

        EventLoop.Run(async () =>
        {
            var coroutine = EventLoop.Current!.Start(FailsAfter(TimeSpan.FromSeconds(1), failure));
            await EventLoop.Sleep(TimeSpan.FromSeconds(5));
            Assert.Single(errors);
            var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await coroutine); // still faulted
            Assert.Same(failure, error);
        }, VirtualCollecting(errors));

        Assert.Equal(new Exception[] { failure }, errors);
    }

    [Fact]
    public void YieldACoroutineFromAnotherLoop_FaultsWithAClearErrorInsteadOfHanging()
    {
        // Regression: the waiter registered itself with the other loop's coroutine, whose loop would later have resumed
        // it on its own thread (or, as here, never).
        using var other = new EventLoop(TestLoops.Virtual());
        var foreign = other.Start(Forever(), name: "foreign");
        IEnumerator Waiter()
        {
            yield return foreign;
        }

        TestLoops.RunVirtual(async () =>
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await EventLoop.Current!.Start(Waiter(), name: "waiter"));
            Assert.Contains("'foreign'", error.Message);
            Assert.Contains("another", error.Message);
        });

        static IEnumerator Forever()
        {
            while (true)
            {
                yield return null;
            }
        }
    }
}
