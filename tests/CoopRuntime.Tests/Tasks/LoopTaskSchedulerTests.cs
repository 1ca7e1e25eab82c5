using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Tasks;

public class LoopTaskSchedulerTests
{
    [Fact]
    public void StartNew_FromAnotherThread_RunsTheTaskOnTheLoopThread()
    {
        var loopThread = 0;
        var callerThread = 0;
        var ranOn = 0;
        Thread? caller = null;

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            loopThread = Environment.CurrentManagedThreadId;
            var queued = new TaskCompletionSource<Task<int>>(TaskCreationOptions.RunContinuationsAsynchronously);
            caller = new Thread(() =>
            {
                callerThread = Environment.CurrentManagedThreadId;
                queued.SetResult(Task.Factory.StartNew(
                    () => Environment.CurrentManagedThreadId,
                    CancellationToken.None,
                    TaskCreationOptions.None,
                    loop.TaskScheduler));
            });
            caller.Start();
            ranOn = await await queued.Task;
        });

        caller!.Join();
        Assert.NotEqual(loopThread, callerThread);
        Assert.Equal(loopThread, ranOn);
    }

    [Fact]
    public void StartNew_SeveralTasksFromTheLoopThread_RunInQueueingOrder()
    {
        var order = new List<int>();

        EventLoop.Run(async () =>
        {
            var scheduler = EventLoop.Current!.TaskScheduler;
            var tasks = Enumerable.Range(0, 20)
                .Select(i => Task.Factory.StartNew(() => order.Add(i), CancellationToken.None, TaskCreationOptions.None, scheduler))
                .ToArray();
            await Task.WhenAll(tasks);
        });

        Assert.Equal(Enumerable.Range(0, 20), order);
    }

    [Fact]
    public void ContinueWith_ExecuteSynchronouslyAfterATaskCompletedOnAnotherThread_StillRunsOnTheLoopThread()
    {
        var loopThread = 0;
        var ranOn = 0;
        Thread? completer = null;

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            loopThread = Environment.CurrentManagedThreadId;
            var antecedent = new TaskCompletionSource();
            var continuation = antecedent.Task.ContinueWith(
                _ => ranOn = Environment.CurrentManagedThreadId,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                loop.TaskScheduler);
            completer = new Thread(() => antecedent.SetResult());
            completer.Start();
            await continuation;
        });

        completer!.Join();
        Assert.Equal(loopThread, ranOn);
    }

    [Fact]
    public void Wait_OnTheLoopThreadForAQueuedTask_RunsItInline()
    {
        var order = new List<string>();

        EventLoop.Run(() =>
        {
            var task = Task.Factory.StartNew(() => order.Add("task"), CancellationToken.None, TaskCreationOptions.None, EventLoop.Current!.TaskScheduler);
            task.Wait();
            order.Add("after Wait");
            return Task.CompletedTask;
        });

        Assert.Equal(new[] { "task", "after Wait" }, order);
    }

    [Fact]
    public void MaximumConcurrencyLevel_IsOne()
    {
        using var loop = new EventLoop();

        Assert.Equal(1, loop.TaskScheduler.MaximumConcurrencyLevel);
        Assert.Same(loop, Assert.IsType<LoopTaskScheduler>(loop.TaskScheduler).Loop);
    }

    [Fact]
    public void StartNew_AfterTheLoopClosed_FailsWithObjectDisposedAndNeverRuns()
    {
        EventLoop? loop = null;
        EventLoop.Run(() =>
        {
            loop = EventLoop.Current;
            return Task.CompletedTask;
        }, TestLoops.Virtual());
        var ran = false;

        // TaskScheduler wraps what QueueTask throws in a TaskSchedulerException (that is .NET's contract).
        var error = Assert.Throws<TaskSchedulerException>(() =>
        {
            _ = Task.Factory.StartNew(() => ran = true, CancellationToken.None, TaskCreationOptions.None, loop!.TaskScheduler);
        });

        Assert.IsType<ObjectDisposedException>(error.InnerException);
        Assert.False(ran);
    }
}
