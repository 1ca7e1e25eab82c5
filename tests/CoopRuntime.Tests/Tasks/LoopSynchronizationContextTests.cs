using System.Runtime.CompilerServices;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Tasks;

public class LoopSynchronizationContextTests
{
    // ───────────── await continuations come back to the loop thread ─────────────

    [Fact]
    public void Await_TaskDelayOnTheRealTimeProvider_ResumesOnTheLoopThread()
    {
        var loopThread = 0;
        var resumedOn = 0;
        SynchronizationContext? contextAfter = null;
        EventLoop? loop = null;

        EventLoop.Run(async () =>
        {
            loop = EventLoop.Current;
            loopThread = Environment.CurrentManagedThreadId;
            await Task.Delay(1);
            resumedOn = Environment.CurrentManagedThreadId;
            contextAfter = SynchronizationContext.Current;
        });

        Assert.Equal(loopThread, resumedOn);
        Assert.Same(loop!.SynchronizationContext, contextAfter);
    }

    [Fact]
    public void Await_TaskRun_ResumesOnTheLoopThread()
    {
        var loopThread = 0;
        var workerThread = 0;
        var resumedOn = 0;

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            loopThread = Environment.CurrentManagedThreadId;
            using var gate = new ManualResetEventSlim();
            var work = Task.Run(() =>
            {
                gate.Wait();
                workerThread = Environment.CurrentManagedThreadId;
            });

            // Released on the next iteration, so the work cannot have finished before the await below suspends.
            loop.CallSoon(gate.Set);
            await work;
            resumedOn = Environment.CurrentManagedThreadId;
        });

        Assert.NotEqual(loopThread, workerThread);
        Assert.Equal(loopThread, resumedOn);
    }

    [Fact]
    public void Await_TaskCompletionSourceCompletedOnAnotherThread_ResumesOnTheLoopThread()
    {
        var loopThread = 0;
        var completerThread = 0;
        var resumedOn = 0;
        var value = 0;
        Thread? completer = null;

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            loopThread = Environment.CurrentManagedThreadId;
            var completion = new TaskCompletionSource<int>();
            completer = new Thread(() =>
            {
                completerThread = Environment.CurrentManagedThreadId;
                completion.SetResult(5);
            });

            // Started on the next iteration: the await below has suspended by then.
            loop.CallSoon(completer.Start);
            value = await completion.Task;
            resumedOn = Environment.CurrentManagedThreadId;
        });

        completer!.Join();
        Assert.Equal(5, value);
        Assert.NotEqual(loopThread, completerThread);
        Assert.Equal(loopThread, resumedOn);
    }

    [Fact]
    public void Await_TaskRunWithConfigureAwaitFalse_LeavesTheLoopThread()
    {
        var loopThread = 0;
        var resumedOn = 0;
        SynchronizationContext? loopContext = null;
        SynchronizationContext? contextAfter = null;

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            loopThread = Environment.CurrentManagedThreadId;
            loopContext = SynchronizationContext.Current;
            using var gate = new ManualResetEventSlim();
            var work = Task.Run(() => gate.Wait());
            loop.CallSoon(gate.Set);
            await work.ConfigureAwait(false);
            resumedOn = Environment.CurrentManagedThreadId;
            contextAfter = SynchronizationContext.Current;
        });

        Assert.NotEqual(loopThread, resumedOn);
        Assert.NotNull(loopContext);
        Assert.NotSame(loopContext, contextAfter);
    }

    // ───────────── async void ─────────────

    private static async void FailAfterYieldAsync(Exception error)
    {
        await EventLoop.Yield();
        throw error;
    }

    private static async void SetAfterSleepAsync(StrongBox<bool> done, TimeSpan delay)
    {
        await EventLoop.Sleep(delay);
        done.Value = true;
    }

    [Fact]
    public void AsyncVoid_ThatThrows_ReachesTheLoopsUnhandledExceptionHandler()
    {
        var reported = new List<Exception>();
        var error = new InvalidTimeZoneException("thrown by an async void method");
        var options = new EventLoopOptions { Clock = new VirtualClock(), UnhandledException = reported.Add };

        EventLoop.Run(
            async () =>
            {
                FailAfterYieldAsync(error);
                await EventLoop.Sleep(TimeSpan.FromSeconds(1));
            },
            options);

        Assert.Same(error, Assert.Single(reported));
    }

    [Fact]
    public void AsyncVoid_ThatThrows_WithNoHandler_MakesRunThrowIt()
    {
        var error = new InvalidTimeZoneException("thrown by an async void method");

        var thrown = Assert.Throws<InvalidTimeZoneException>(() => EventLoop.Run(
            async () =>
            {
                FailAfterYieldAsync(error);
                await EventLoop.Sleep(TimeSpan.FromHours(1));
            },
            TestLoops.Virtual()));

        Assert.Same(error, thrown);
    }

    [Fact]
    public void AsyncVoid_PendingWhenMainCompletes_IsWaitedForBeforeRunReturns()
    {
        var done = new StrongBox<bool>();
        var pendingWhileRunning = -1;
        EventLoop? loop = null;

        EventLoop.Run(
            () =>
            {
                loop = EventLoop.Current!;
                SetAfterSleepAsync(done, TimeSpan.FromSeconds(3));
                pendingWhileRunning = loop.SynchronizationContext.OutstandingOperations;
                return Task.CompletedTask;
            },
            TestLoops.Virtual());

        Assert.Equal(1, pendingWhileRunning);
        Assert.True(done.Value);
        Assert.Equal(TimeSpan.FromSeconds(3), loop!.Now);
        Assert.Equal(0, loop.SynchronizationContext.OutstandingOperations);
    }

    // ───────────── Send ─────────────

    [Fact]
    public void Send_FromAnotherThread_RunsTheCallbackOnTheLoopThreadBeforeReturning()
    {
        var loopThread = 0;
        var ranOn = 0;
        var ranBeforeSendReturned = false;
        Thread? sender = null;

        EventLoop.Run(async () =>
        {
            var context = EventLoop.Current!.SynchronizationContext;
            loopThread = Environment.CurrentManagedThreadId;
            var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            sender = new Thread(() =>
            {
                var ran = false;
                try
                {
                    context.Send(
                        _ =>
                        {
                            ranOn = Environment.CurrentManagedThreadId;
                            ran = true;
                        },
                        null);
                    ranBeforeSendReturned = ran;
                    sent.SetResult();
                }
                catch (Exception exception)
                {
                    sent.SetException(exception);
                }
            });
            sender.Start();
            await sent.Task;
        });

        sender!.Join();
        Assert.Equal(loopThread, ranOn);
        Assert.True(ranBeforeSendReturned);
    }

    [Fact]
    public void Send_FromAnotherThread_WhenTheCallbackThrows_RethrowsToTheCallerAndNotToTheLoop()
    {
        var reported = new List<Exception>();
        Exception? caught = null;
        Thread? sender = null;
        var options = new EventLoopOptions { UnhandledException = reported.Add };

        EventLoop.Run(
            async () =>
            {
                var context = EventLoop.Current!.SynchronizationContext;
                var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                sender = new Thread(() =>
                {
                    caught = Record.Exception(() => context.Send(_ => throw new InvalidProgramException("failed inside Send"), null));
                    sent.SetResult();
                });
                sender.Start();
                await sent.Task;
                await EventLoop.Yield();
            },
            options);

        sender!.Join();
        var error = Assert.IsType<InvalidProgramException>(caught);
        Assert.Equal("failed inside Send", error.Message);
        Assert.Empty(reported);
    }

    [Fact]
    public void Send_OnTheLoopThread_RunsTheCallbackInline()
    {
        var order = new List<string>();
        var loopThread = 0;
        var ranOn = 0;

        EventLoop.Run(() =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            EventLoop.Current!.SynchronizationContext.Send(
                state =>
                {
                    ranOn = Environment.CurrentManagedThreadId;
                    order.Add((string)state!);
                },
                "callback");
            order.Add("after Send");
            return Task.CompletedTask;
        });

        Assert.Equal(new[] { "callback", "after Send" }, order);
        Assert.Equal(loopThread, ranOn);
    }

    [Fact]
    public void Send_FromAnotherThreadAfterTheLoopClosed_ThrowsObjectDisposedInsteadOfBlocking()
    {
        EventLoop? loop = null;
        EventLoop.Run(() =>
        {
            loop = EventLoop.Current;
            return Task.CompletedTask;
        });

        Exception? error = null;
        var sender = new Thread(() => error = Record.Exception(() => loop!.SynchronizationContext.Send(_ => { }, null)));
        sender.Start();
        sender.Join();

        Assert.IsType<ObjectDisposedException>(error);
    }

    // ───────────── Post ─────────────

    [Fact]
    public void Post_FromAnotherThread_RunsTheCallbackOnTheLoopThreadWithItsState()
    {
        var loopThread = 0;
        var ranOn = 0;
        object? received = null;
        var state = new object();
        Thread? poster = null;

        EventLoop.Run(async () =>
        {
            var context = EventLoop.Current!.SynchronizationContext;
            loopThread = Environment.CurrentManagedThreadId;
            var posted = new TaskCompletionSource();
            poster = new Thread(() => context.Post(
                s =>
                {
                    ranOn = Environment.CurrentManagedThreadId;
                    received = s;
                    posted.SetResult();
                },
                state));
            poster.Start();
            await posted.Task;
        });

        poster!.Join();
        Assert.Equal(loopThread, ranOn);
        Assert.Same(state, received);
    }

    [Fact]
    public void Post_AfterTheLoopClosed_ThrowsObjectDisposedFromAnyThread()
    {
        EventLoop? loop = null;
        EventLoop.Run(() =>
        {
            loop = EventLoop.Current;
            return Task.CompletedTask;
        });
        var context = loop!.SynchronizationContext;
        var ran = false;

        var onOwnerThread = Record.Exception(() => context.Post(_ => ran = true, null));
        Exception? onOtherThread = null;
        var poster = new Thread(() => onOtherThread = Record.Exception(() => context.Post(_ => ran = true, null)));
        poster.Start();
        poster.Join();

        Assert.IsType<ObjectDisposedException>(onOwnerThread);
        Assert.IsType<ObjectDisposedException>(onOtherThread);
        Assert.False(ran);
    }

    [Fact]
    public void Post_AfterTheLoopClosed_NamesWhatWasPostedAndTheUsualCause()
    {
        // An await continuation posted after close cannot be tested end to end here: nothing catches the exception,
        // the runtime rethrows it on the thread pool and the process ends. What it ends with is this message.
        EventLoop? loop = null;
        EventLoop.Run(() =>
        {
            loop = EventLoop.Current;
            return Task.CompletedTask;
        }, new EventLoopOptions { Name = "closed-loop" });

        var error = Assert.Throws<ObjectDisposedException>(() => loop!.SynchronizationContext.Post(ResumeSomething, null));

        Assert.Contains(nameof(ResumeSomething), error.Message);
        Assert.Contains("'closed-loop' after the loop closed", error.Message);
        Assert.Contains("neither awaited nor spawned", error.Message);
        Assert.Contains("loop.Spawn", error.Message);

        static void ResumeSomething(object? state)
        {
        }
    }

    // ───────────── identity ─────────────

    [Fact]
    public void CreateCopy_ReturnsTheSameInstance()
    {
        using var loop = new EventLoop();
        var context = loop.SynchronizationContext;

        Assert.Same(context, context.CreateCopy());
        Assert.Same(loop, context.Loop);
    }
}
