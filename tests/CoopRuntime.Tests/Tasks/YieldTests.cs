using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Tasks;

public class YieldTests
{
    [Fact]
    public void Yield_TwoTasksYieldingInTurn_InterleaveDeterministically()
    {
        var log = new List<string>();

        async Task WorkerAsync(string name)
        {
            for (var i = 0; i < 4; i++)
            {
                log.Add($"{name}{i}");
                await EventLoop.Yield();
            }
        }

        TestLoops.RunVirtual(() => Task.WhenAll(WorkerAsync("A"), WorkerAsync("B")));

        Assert.Equal(new[] { "A0", "B0", "A1", "B1", "A2", "B2", "A3", "B3" }, log);
    }

    [Fact]
    public void Yield_LetsEverythingAlreadyScheduledRunFirst()
    {
        var log = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            loop.CallSoon(() => log.Add("first callback"));
            loop.CallSoon(() => log.Add("second callback"));
            await EventLoop.Yield();
            log.Add("after yield");
        });

        Assert.Equal(new[] { "first callback", "second callback", "after yield" }, log);
    }

    [Fact]
    public void Yield_ResumesOnTheNextIterationNotInline()
    {
        var log = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            var awaiter = EventLoop.Yield().GetAwaiter();
            Assert.False(awaiter.IsCompleted);
            log.Add("before yield");
            var resumed = EventLoop.Yield();
            loop.CallSoon(() => log.Add("scheduled before the await"));
            await resumed;
            log.Add("after yield");
        });

        Assert.Equal(new[] { "before yield", "scheduled before the await", "after yield" }, log);
    }

    [Fact]
    public void Yield_WithNoLoopOnTheThread_ThrowsInvalidOperationWithAClearMessage()
    {
        Assert.Null(EventLoop.Current);

        var error = Assert.Throws<InvalidOperationException>(() => EventLoop.Yield());

        Assert.Contains("Yield", error.Message);
        Assert.Contains("needs an EventLoop running on this thread", error.Message);
        Assert.Contains("EventLoop.Run", error.Message);
    }

    [Fact]
    public void OnCompleted_FlowsTheExecutionContextToTheContinuation()
    {
        var local = new AsyncLocal<string>();
        string? seen = null;

        TestLoops.RunVirtual(async () =>
        {
            var resumed = new TaskCompletionSource();
            local.Value = "captured";
            EventLoop.Yield().GetAwaiter().OnCompleted(() =>
            {
                seen = local.Value;
                resumed.SetResult();
            });
            local.Value = "changed after OnCompleted";
            await resumed.Task;
        });

        Assert.Equal("captured", seen);
    }
}
