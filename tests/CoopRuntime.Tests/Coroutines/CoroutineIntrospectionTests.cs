using System.Collections;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Coroutines;

/// <summary>loop.Coroutines and Coroutine.WaitingOn: what a debugger or a diagnostics dump can see.</summary>
public class CoroutineIntrospectionTests
{
    [Fact]
    public void Coroutines_ListsTheLiveOnes_AndDropsEachAsItFinishes()
    {
        IEnumerator Sleep(double seconds)
        {
            yield return Wait.Seconds(seconds);
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            Assert.Empty(loop.Coroutines);

            var one = loop.Start(Sleep(1), name: "one");
            var two = loop.Start(Sleep(2), name: "two");
            var three = loop.Start(Sleep(3), name: "three");
            Assert.Equal(new[] { one, two, three }.ToHashSet(), loop.Coroutines.ToHashSet());

            await one;
            Assert.Equal(new[] { two, three }.ToHashSet(), loop.Coroutines.ToHashSet());

            three.Stop();
            Assert.Equal(new[] { two }, loop.Coroutines);

            await two;
            Assert.Empty(loop.Coroutines);
        });
    }

    [Fact]
    public void Coroutines_IsASnapshot_ThatStartingOrStoppingDoesNotChange()
    {
        IEnumerator Forever()
        {
            while (true)
            {
                yield return null;
            }
        }

        TestLoops.RunVirtual(() =>
        {
            var loop = EventLoop.Current!;
            var first = loop.Start(Forever());
            var snapshot = loop.Coroutines;
            var second = loop.Start(Forever());
            first.Stop();

            Assert.Equal(new[] { first }, snapshot);
            Assert.Equal(new[] { second }, loop.Coroutines);
            second.Stop();
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void WaitingOn_DescribesWhatEachCoroutineIsWaitingFor()
    {
        var gate = new TaskCompletionSource();
        var descriptions = new Dictionary<string, string>();
        Coroutine? self = null;
        IEnumerator Forever()
        {
            while (true)
            {
                yield return null;
            }
        }

        IEnumerator Looks()
        {
            descriptions["inside"] = self!.WaitingOn;
            yield return Wait.Seconds(100);
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var target = loop.Start(Forever(), name: "target");
            var coroutines = new Dictionary<string, Coroutine>
            {
                ["timer"] = loop.Start(new Wait[] { Wait.Seconds(5) }.GetEnumerator()),
                ["until"] = loop.Start(new Wait[] { Wait.Until(() => false) }.GetEnumerator()),
                ["while"] = loop.Start(new Wait[] { Wait.While(() => true) }.GetEnumerator()),
                ["task"] = loop.Start(new Wait[] { gate.Task }.GetEnumerator()),
                ["coroutine"] = loop.Start(new Wait[] { target }.GetEnumerator()),
            };
            self = loop.Start(Looks());
            Assert.Equal("its first step", coroutines["timer"].WaitingOn);

            await EventLoop.Yield();

            Assert.Equal("nothing (running now)", descriptions["inside"]);
            Assert.Equal("the next iteration", target.WaitingOn);
            Assert.Equal("Wait.For(00:00:05) until 00:00:05", coroutines["timer"].WaitingOn);
            Assert.Equal("Wait.Until(condition)", coroutines["until"].WaitingOn);
            Assert.Equal("Wait.While(condition)", coroutines["while"].WaitingOn);
            Assert.Equal("a task", coroutines["task"].WaitingOn);
            Assert.Equal("coroutine 'target'", coroutines["coroutine"].WaitingOn);

            foreach (var coroutine in loop.Coroutines)
            {
                coroutine.Stop();
            }

            Assert.Equal("nothing (finished)", target.WaitingOn);
        });
    }

    [Fact]
    public void WaitingOn_ForAFrameWait_NamesTheTargetFrame()
    {
        IEnumerator Waiter()
        {
            yield return Wait.Frames(3);
        }

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var coroutine = loop.Start(Waiter());
            await EventLoop.Yield();
            Assert.Equal("frame 3 (now 0)", coroutine.WaitingOn);
            await coroutine;
        }, new EventLoopOptions { Clock = new VirtualClock(), FrameRate = 60 });
    }

    [Fact]
    public void WaitingOn_InsideNestedIterators_SaysHowDeep()
    {
        IEnumerator Level(int depth)
        {
            yield return depth < 3 ? (object)Level(depth + 1) : Wait.Until(() => false);
        }

        TestLoops.RunVirtual(async () =>
        {
            var coroutine = EventLoop.Current!.Start(Level(1), name: "deep");
            await EventLoop.Yield();
            Assert.Equal("Wait.Until(condition), 3 iterators deep", coroutine.WaitingOn);
            coroutine.Stop();
        });
    }

    [Fact]
    public void Name_IsTheOneGivenAtStart_OrNull()
    {
        IEnumerator Empty()
        {
            yield break;
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var named = loop.Start(Empty(), name: "named");
            var unnamed = loop.Start(Empty());
            Assert.Equal("named", named.Name);
            Assert.Null(unnamed.Name);
            await Task.WhenAll(named.Completion, unnamed.Completion);
        });
    }

    [Fact]
    public void CoroutinesAndStart_OffTheLoopThread_ThrowWrongThreadException()
    {
        IEnumerator Empty()
        {
            yield break;
        }

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var errors = await Task.Run(() => new[]
            {
                Record.Exception(() => loop.Coroutines),
                Record.Exception(() => loop.Start(Empty())),
            });
            Assert.All(errors, error => Assert.IsType<WrongThreadException>(error));
        });
    }

    [Fact]
    public void Start_NullRoutine_ThrowsArgumentNull()
    {
        TestLoops.RunVirtual(() =>
        {
            Assert.Throws<ArgumentNullException>("routine", () => EventLoop.Current!.Start(null!));
            Assert.Throws<ArgumentNullException>("routine", () => EventLoop.Current!.Start<int>(null!));
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void Start_OnAClosedLoop_ThrowsObjectDisposed()
    {
        var loop = new EventLoop(TestLoops.Virtual());
        loop.Dispose();

        Assert.Throws<ObjectDisposedException>(() => loop.Start(Array.Empty<object>().GetEnumerator()));
    }
}
