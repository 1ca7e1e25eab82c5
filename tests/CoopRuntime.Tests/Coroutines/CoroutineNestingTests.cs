using System.Collections;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Coroutines;

/// <summary>Nested iterators: they run to completion on the same coroutine, and every level is cleaned up innermost first.</summary>
public class CoroutineNestingTests
{
    [Fact]
    public void NestedRoutine_RunsToCompletionBeforeTheParentResumes_OnTheSameCoroutine()
    {
        var log = new List<string>();
        var liveDuringChild = -1;
        IEnumerator Parent(EventLoop loop)
        {
            log.Add("parent before");
            yield return Child(loop);
            log.Add("parent after");
        }

        IEnumerator Child(EventLoop loop)
        {
            log.Add("child 1");
            yield return null;
            liveDuringChild = loop.Coroutines.Count;
            log.Add("child 2");
            yield return Wait.Seconds(1);
            log.Add("child 3");
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            await loop.Start(Parent(loop));
            Assert.Equal(TimeSpan.FromSeconds(1), loop.Now);
        });

        Assert.Equal(new[] { "parent before", "child 1", "child 2", "child 3", "parent after" }, log);
        Assert.Equal(1, liveDuringChild);
    }

    [Fact]
    public void NestedRoutine_ThatEndsWithoutYielding_ParentContinuesInTheSameStep()
    {
        var log = new List<string>();
        IEnumerator Parent()
        {
            log.Add("parent before");
            yield return Empty();
            yield return Empty();
            log.Add("parent after");
        }

        IEnumerator Empty()
        {
            log.Add("empty");
            yield break;
        }

        IEnumerator Other()
        {
            log.Add("other");
            yield break;
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var parent = loop.Start(Parent());
            var other = loop.Start(Other());
            await Task.WhenAll(parent.Completion, other.Completion);
        });

        Assert.Equal(new[] { "parent before", "empty", "empty", "parent after", "other" }, log);
    }

    [Fact]
    public void NestedFiveDeep_FaultInTheInnermost_RunsEveryFinallyInnermostFirst_AndTheHandleFaultsWithTheOriginalException()
    {
        var failure = new InvalidDataException("innermost failed");
        var log = new List<string>();
        IEnumerator Level(int depth)
        {
            try
            {
                log.Add($"enter {depth}");
                yield return null;
                if (depth == 5)
                {
                    throw failure;
                }

                yield return Level(depth + 1);
                log.Add($"resumed {depth}"); // never: the failure ends the whole stack
            }
            finally
            {
                log.Add($"finally {depth}");
            }
        }

        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start(Level(1), name: "deep");
            var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await coroutine);
            Assert.Same(failure, error);
            Assert.Same(failure, coroutine.Completion.Exception!.InnerException);
        });

        Assert.Equal(
            new[] { "enter 1", "enter 2", "enter 3", "enter 4", "enter 5", "finally 5", "finally 4", "finally 3", "finally 2", "finally 1" },
            log);
    }

    [Fact]
    public void NestedFiveDeep_WithTypedWaitIteratorsMixedIn_FaultInTheInnermost_RunsEveryFinallyInnermostFirst()
    {
        var failure = new InvalidDataException("innermost failed");
        var log = new List<string>();

        // Levels 1, 3, 5 are plain IEnumerator; levels 2 and 4 are IEnumerator<Wait> with a timed wait.
        IEnumerator Plain(int depth)
        {
            try
            {
                yield return null;
                if (depth == 5)
                {
                    throw failure;
                }

                yield return Typed(depth + 1);
            }
            finally
            {
                log.Add($"finally {depth}");
            }
        }

        IEnumerator<Wait> Typed(int depth)
        {
            try
            {
                yield return Wait.For(TimeSpan.FromMilliseconds(10));
                yield return Wait.Run(Plain(depth + 1));
            }
            finally
            {
                log.Add($"finally {depth} (typed)");
            }
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await loop.Start(Plain(1)));
            Assert.Same(failure, error);
            Assert.Equal(TimeSpan.FromMilliseconds(20), loop.Now);
        });

        Assert.Equal(new[] { "finally 5", "finally 4 (typed)", "finally 3", "finally 2 (typed)", "finally 1" }, log);
    }

    [Fact]
    public void NestedFiveDeep_FaultedTaskInTheInnermost_DisposesTheStackInnermostFirst_WithTheTasksException()
    {
        var failure = new IOException("disk gone");
        var log = new List<string>();
        IEnumerator Level(int depth)
        {
            try
            {
                yield return depth == 5 ? FailAsync() : (object)Level(depth + 1);
            }
            finally
            {
                log.Add($"finally {depth}");
            }
        }

        async Task FailAsync()
        {
            await EventLoop.Yield();
            throw failure;
        }

        TestLoops.RunVirtual(async () =>
        {
            var error = await Assert.ThrowsAsync<IOException>(async () => await EventLoop.Current!.Start(Level(1)));
            Assert.Same(failure, error);
        });

        Assert.Equal(new[] { "finally 5", "finally 4", "finally 3", "finally 2", "finally 1" }, log);
    }

    [Fact]
    public void YieldAFaultingCoroutine_TheWaiterFaultsWithTheSameException_AndBothStacksAreCleanedUp()
    {
        var failure = new InvalidDataException("child failed");
        var log = new List<string>();
        IEnumerator Child()
        {
            try
            {
                yield return Wait.Seconds(1);
                throw failure;
            }
            finally
            {
                log.Add("child finally");
            }
        }

        IEnumerator Parent(Coroutine child)
        {
            try
            {
                yield return child;
                log.Add("parent resumed");
            }
            finally
            {
                log.Add("parent finally");
            }
        }

        var errors = new List<Exception>();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var child = loop.Start(Child(), name: "child");
            var parent = loop.Start(Parent(child), name: "parent");
            var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await parent);
            Assert.Same(failure, error);
            Assert.True(child.IsCompleted);
            await EventLoop.Sleep(TimeSpan.FromSeconds(1)); // give an unobserved report time to show up
        }, new EventLoopOptions { Clock = new VirtualClock(), UnhandledException = errors.Add });

        Assert.Equal(new[] { "child finally", "parent finally" }, log);
        Assert.Empty(errors); // the parent observed the child's failure; the test observed the parent's
    }

    [Fact]
    public void NestedHundredsDeep_EveryLevelRunsAndUnwinds()
    {
        const int Depth = 300;
        var entered = 0;
        var unwound = new List<int>();
        IEnumerator Level(int depth)
        {
            try
            {
                entered++;
                if (depth < Depth)
                {
                    yield return Level(depth + 1);
                }
                else
                {
                    yield return null;
                }
            }
            finally
            {
                unwound.Add(depth);
            }
        }

        TestLoops.RunVirtual(async () => await EventLoop.Current!.Start(Level(1)));

        Assert.Equal(Depth, entered);
        Assert.Equal(Enumerable.Range(1, Depth).Reverse(), unwound);
    }

    [Fact]
    public void YieldAnIteratorAlreadyOnTheStack_FaultsInsteadOfRecursingForever()
    {
        // Regression: pushing an iterator that is already running on the stack resumed it re-entrantly; one that kept
        // yielding itself grew the stack without end inside a single step and hung the loop.
        IEnumerator? self = null;
        IEnumerator Loops()
        {
            while (true)
            {
                yield return self;
            }
        }

        IEnumerator Parent()
        {
            yield return self;
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            self = Loops();
            var direct = await Assert.ThrowsAsync<InvalidOperationException>(async () => await loop.Start(self, name: "ouroboros"));
            Assert.Contains("'ouroboros'", direct.Message);
            Assert.Contains("already", direct.Message);

            self = Loops();
            var nested = await Assert.ThrowsAsync<InvalidOperationException>(async () => await loop.Start(Parent()));
            Assert.Contains("already", nested.Message);
        });
    }

    [Fact]
    public void NestedCustomEnumeratorWhoseDisposeThrows_FaultsTheCoroutineInsteadOfLeavingItStuck()
    {
        // Regression: the Dispose of a finished nested iterator ran outside the step's try block, so its exception
        // escaped to the loop and left the coroutine "running" forever; whoever awaited it hung.
        var failure = new InvalidOperationException("dispose failed");
        var parentFinally = false;
        IEnumerator Parent()
        {
            try
            {
                yield return new ThrowingDisposeEnumerator(failure);
                yield return null;
            }
            finally
            {
                parentFinally = true;
            }
        }

        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start(Parent());
            var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await coroutine);
            Assert.Same(failure, error);
            Assert.False(coroutine.IsRunning);
        });

        Assert.True(parentFinally);
    }

    private sealed class ThrowingDisposeEnumerator(Exception failure) : IEnumerator, IDisposable
    {
        private int _steps;

        public object? Current => null;

        public bool MoveNext() => ++_steps < 2;

        public void Reset()
        {
        }

        public void Dispose() => throw failure;
    }
}
