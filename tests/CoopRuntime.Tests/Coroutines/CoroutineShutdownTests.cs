using System.Collections;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Coroutines;

/// <summary>What happens to coroutines that are still running when the loop shuts down.</summary>
public class CoroutineShutdownTests
{
    private static IEnumerator Nested(List<string> log, string name, int depth)
    {
        try
        {
            yield return depth > 1 ? (object)Nested(log, name, depth - 1) : Wait.Seconds(3600);
            log.Add($"{name} {depth} resumed");
        }
        finally
        {
            log.Add($"{name} {depth} finally");
        }
    }

    [Fact]
    public void Run_CoroutinesStillRunningWhenMainReturns_AreStopped_AndTheirFinallyBlocksRunInnermostFirst()
    {
        var log = new List<string>();
        Coroutine? a = null;
        Coroutine? b = null;

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            a = loop.Start(Nested(log, "a", 3));
            b = loop.Start(Nested(log, "b", 2));
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
        }, TestLoops.Virtual());

        Assert.Equal(new[] { "a 1 finally", "a 2 finally", "a 3 finally", "b 1 finally", "b 2 finally" }, log);
        Assert.True(a!.Completion.IsCanceled);
        Assert.True(b!.Completion.IsCanceled);
    }

    [Fact]
    public void Run_CoroutineThatNeverStarted_IsStoppedWithoutRunning()
    {
        var ran = false;
        IEnumerator Body()
        {
            ran = true;
            yield break;
        }

        Coroutine? coroutine = null;
        EventLoop.Run(() =>
        {
            coroutine = EventLoop.Current!.Start(Body());
            return Task.CompletedTask;
        }, TestLoops.Virtual());

        Assert.False(ran);
        Assert.True(coroutine!.Completion.IsCanceled);
    }

    [Fact]
    public void Run_ASpawnedTaskAwaitingACoroutineAtShutdown_SeesItCanceledAndFinishes()
    {
        var log = new List<string>();

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            var coroutine = loop.Start(Nested(log, "c", 1));
            _ = loop.Spawn(async _ =>
            {
                try
                {
                    await coroutine;
                }
                catch (OperationCanceledException)
                {
                    log.Add("task saw cancellation");
                    throw;
                }
            });
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
        }, TestLoops.Virtual());

        Assert.Equal(new[] { "c 1 finally", "task saw cancellation" }, log);
    }

    [Fact]
    public void Run_FinallyBlockThrowsWhileShuttingDown_RunThrowsThatException()
    {
        var failure = new InvalidOperationException("cleanup failed at shutdown");
        IEnumerator BadCleanup()
        {
            try
            {
                yield return Wait.Seconds(3600);
            }
            finally
            {
                throw failure;
            }
        }

        var error = Assert.Throws<InvalidOperationException>(() => TestLoops.RunVirtual(async () =>
        {
            _ = EventLoop.Current!.Start(BadCleanup());
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
        }));

        Assert.Same(failure, error);
    }

    [Fact]
    public void Dispose_AfterRunUntilComplete_StopsCoroutinesStillRunning()
    {
        var log = new List<string>();
        var loop = new EventLoop(TestLoops.Virtual());
        loop.RunUntilComplete(async () =>
        {
            _ = loop.Start(Nested(log, "d", 2));
            await EventLoop.Sleep(TimeSpan.FromSeconds(1));
        });
        Assert.Empty(log);

        loop.Dispose();

        Assert.Equal(new[] { "d 1 finally", "d 2 finally" }, log);
    }
}
