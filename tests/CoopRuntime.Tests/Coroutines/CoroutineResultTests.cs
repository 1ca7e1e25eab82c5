using System.Collections;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Coroutines;

/// <summary>Coroutine&lt;T&gt; and Wait.Return: values, type checks, and a coroutine that forgets to return.</summary>
public class CoroutineResultTests
{
    private static EventLoopOptions VirtualCollecting(List<Exception> errors) =>
        new() { Clock = new VirtualClock(), UnhandledException = errors.Add };

    [Fact]
    public void WaitReturn_FromAPlainIEnumerator_AwaitingTheHandleReturnsTheValue()
    {
        IEnumerator Measure()
        {
            yield return Wait.Seconds(2);
            yield return Wait.Return("done");
        }

        var result = EventLoop.Run(async () => await EventLoop.Current!.Start<string>(Measure()), TestLoops.Virtual());

        Assert.Equal("done", result);
    }

    [Fact]
    public void WaitReturn_FromANestedIterator_EndsTheWholeCoroutine_AndRunsFinallyBlocksInnermostFirst()
    {
        var log = new List<string>();
        IEnumerator Outer()
        {
            try
            {
                yield return Inner();
                log.Add("outer resumed"); // never: Wait.Return ends the coroutine, not just the inner iterator
            }
            finally
            {
                log.Add("outer finally");
            }
        }

        IEnumerator Inner()
        {
            try
            {
                yield return null;
                yield return Wait.Return(99);
                log.Add("inner resumed");
            }
            finally
            {
                log.Add("inner finally");
            }
        }

        var result = EventLoop.Run(async () => await EventLoop.Current!.Start<int>(Outer()), TestLoops.Virtual());

        Assert.Equal(99, result);
        Assert.Equal(new[] { "inner finally", "outer finally" }, log);
    }

    [Fact]
    public void CoroutineOfT_Completion_IsATaskOfT_ThatComposesWithWhenAll()
    {
        IEnumerator<Wait> Square(int x)
        {
            yield return Wait.For(TimeSpan.FromSeconds(x));
            yield return Wait.Return(x * x);
        }

        var results = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var squares = Enumerable.Range(1, 4).Select(x => loop.Start<int>(Square(x)).Completion);
            return await Task.WhenAll(squares);
        }, TestLoops.Virtual());

        Assert.Equal(new[] { 1, 4, 9, 16 }, results);
    }

    [Fact]
    public void CoroutineOfT_AWaitingCoroutineReadsTheChildsResultAfterYieldingIt()
    {
        var seen = 0;
        IEnumerator<Wait> Child()
        {
            yield return Wait.Seconds(1);
            yield return Wait.Return(21);
        }

        IEnumerator Parent(EventLoop loop)
        {
            var child = loop.Start<int>(Child());
            yield return child;
            seen = child.Completion.Result * 2;
        }

        TestLoops.RunVirtual(async () => await EventLoop.Current!.Start(Parent(EventLoop.Current)));

        Assert.Equal(42, seen);
    }

    [Fact]
    public void WaitReturn_OfADerivedType_IsAccepted()
    {
        IEnumerator Text()
        {
            yield return Wait.Return("text");
        }

        var result = EventLoop.Run(async () => await EventLoop.Current!.Start<object>(Text()), TestLoops.Virtual());

        Assert.Equal("text", result);
    }

    [Fact]
    public void WaitReturn_NullOfAReferenceType_IsAcceptedByAnyReferenceOrNullableResult()
    {
        // Regression: a returned null matched no type pattern, so Coroutine<object> rejected Wait.Return<string?>(null).
        IEnumerator NoName()
        {
            yield return Wait.Return<string?>(null);
        }

        var results = EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var asObject = await loop.Start<object?>(NoName());
            var asNullableInt = await loop.Start<int?>(NoName());
            return (asObject, asNullableInt);
        }, TestLoops.Virtual());

        Assert.Null(results.asObject);
        Assert.Null(results.asNullableInt);
    }

    [Fact]
    public void WaitReturn_NullForAValueTypeResult_FaultsWithATypeMismatch()
    {
        IEnumerator NoName()
        {
            yield return Wait.Return<string?>(null);
        }

        TestLoops.RunVirtual(async () =>
        {
            var error = await Assert.ThrowsAsync<InvalidCastException>(async () => await EventLoop.Current!.Start<int>(NoName()));
            Assert.Contains("System.Int32", error.Message);
        });
    }

    [Fact]
    public void WaitReturn_TypeMismatch_FaultsTheHandleWithAnErrorNamingBothTypes()
    {
        IEnumerator ReturnsAnInt()
        {
            yield return Wait.Return(42);
        }

        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start<string>(ReturnsAnInt(), name: "answer");
            var error = await Assert.ThrowsAsync<InvalidCastException>(async () => await coroutine);
            Assert.Contains("System.Int32", error.Message);
            Assert.Contains("System.String", error.Message);
            Assert.Contains("'answer'", error.Message);
            Assert.True(coroutine.Completion.IsFaulted);
        });
    }

    [Fact]
    public void WaitReturn_TypeMismatch_NobodyObservesIt_TheLoopsHandlerGetsIt()
    {
        // Regression: the mismatch was only found when someone read Completion, so an unobserved one vanished and a
        // coroutine waiting for it carried on as if it had succeeded.
        var errors = new List<Exception>();
        IEnumerator ReturnsAnInt()
        {
            yield return Wait.Return(42);
        }

        EventLoop.Run(async () =>
        {
            _ = EventLoop.Current!.Start<long>(ReturnsAnInt(), name: "unobserved");
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
        }, VirtualCollecting(errors));

        var error = Assert.IsType<InvalidCastException>(Assert.Single(errors));
        Assert.Contains("'unobserved'", error.Message);
    }

    [Fact]
    public void WaitReturn_TypeMismatch_ACoroutineWaitingForItFaultsToo()
    {
        var resumed = false;
        IEnumerator ReturnsAnInt()
        {
            yield return Wait.Return(42);
        }

        IEnumerator Waiter(Coroutine child)
        {
            yield return child;
            resumed = true;
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var child = loop.Start<string>(ReturnsAnInt());
            await Assert.ThrowsAsync<InvalidCastException>(async () => await loop.Start(Waiter(child)));
        });

        Assert.False(resumed);
    }

    [Fact]
    public void CoroutineOfT_EndsWithoutWaitReturn_FaultsWithAClearError()
    {
        IEnumerator Forgets()
        {
            yield return null;
        }

        TestLoops.RunVirtual(async () =>
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(
                async () => await EventLoop.Current!.Start<int>(Forgets(), name: "forgetful"));
            Assert.Contains("'forgetful'", error.Message);
            Assert.Contains("Wait.Return", error.Message);
        });
    }

    [Fact]
    public void CoroutineOfT_Stopped_AwaitingThrowsOperationCanceledException()
    {
        IEnumerator Slow()
        {
            yield return Wait.Seconds(10);
            yield return Wait.Return(1);
        }

        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start<int>(Slow());
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            coroutine.Stop();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await coroutine);
            Assert.True(coroutine.Completion.IsCanceled);
        });
    }

    [Fact]
    public void PlainCoroutine_WaitReturn_EndsItSuccessfully()
    {
        var after = false;
        IEnumerator EndsEarly()
        {
            yield return Wait.Return(5);
            after = true;
        }

        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start(EndsEarly());
            await coroutine;
            Assert.True(coroutine.Completion.IsCompletedSuccessfully);
        });

        Assert.False(after);
    }
}
