using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Tasks;

/// <summary>
/// Invariant 5: the hot paths allocate nothing once warm. Each test measures
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> on the loop thread, from inside the loop, around exactly the
/// steady-state work: the window opens after a warm-up (first-use delegates, the async state machine box, pooled
/// nodes) and closes before anything that ends the run (completing a task, stopping the loop).
/// </summary>
[Collection(AllocationMeasurements.Name)]
public class SteadyStateAllocationTests
{
    private const int WarmUp = 1_000;
    private const int Measured = 10_000;

    private sealed class Window
    {
        public long Start;
        public long End;
        public int Steps;
        public EventLoop Loop = null!;
        public readonly TaskCompletionSource Done = new();

        public long Allocated => End - Start;
    }

    [Fact]
    public void CallSoon_StaticCallbackWithState_AllocatesNothingInSteadyState()
    {
        var window = new Window();

        TestLoops.RunVirtual(() =>
        {
            window.Loop = EventLoop.Current!;
            _ = GC.GetAllocatedBytesForCurrentThread();
            window.Loop.CallSoon(static w => Step(w), window);
            return window.Done.Task;
        });

        Assert.Equal(WarmUp + Measured, window.Steps);
        Assert.NotEqual(0, window.Start);
        Assert.Equal(0, window.Allocated);

        // Each step schedules the next with a static lambda and a reference-type state: the only allocation-free form.
        static void Step(Window w)
        {
            w.Steps++;
            if (w.Steps == WarmUp)
            {
                w.Start = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (w.Steps == WarmUp + Measured)
            {
                // Read before completing the task: its continuation (Stop) is not steady-state work.
                w.End = GC.GetAllocatedBytesForCurrentThread();
                w.Done.SetResult();
                return;
            }

            w.Loop.CallSoon(static next => Step(next), w);
        }
    }

    [Fact]
    public void Yield_AwaitedRepeatedly_AllocatesNothingInSteadyState()
    {
        var window = new Window();

        TestLoops.RunVirtual(() => YieldManyAsync(window));

        Assert.Equal(Measured, window.Steps);
        Assert.NotEqual(0, window.Start);
        Assert.Equal(0, window.Allocated);

        static async Task YieldManyAsync(Window w)
        {
            for (var i = 0; i < WarmUp; i++)
            {
                await EventLoop.Yield();
            }

            w.Start = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Measured; i++)
            {
                await EventLoop.Yield();
                w.Steps++;
            }

            w.End = GC.GetAllocatedBytesForCurrentThread();
        }
    }

    [Fact]
    public void Sleep_AwaitedRepeatedlyUnderAVirtualClock_AllocatesNothingInSteadyState()
    {
        var window = new Window();
        TimeSpan sleptFor = default;

        TestLoops.RunVirtual(() => SleepManyAsync(window));

        Assert.Equal(Measured, window.Steps);
        Assert.Equal(TimeSpan.FromMilliseconds(Measured), sleptFor);
        Assert.NotEqual(0, window.Start);
        Assert.Equal(0, window.Allocated);

        async Task SleepManyAsync(Window w)
        {
            var delay = TimeSpan.FromMilliseconds(1);
            var loop = EventLoop.Current!;
            for (var i = 0; i < WarmUp; i++)
            {
                await EventLoop.Sleep(delay);
            }

            var startTime = loop.Now;
            w.Start = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Measured; i++)
            {
                await EventLoop.Sleep(delay);
                w.Steps++;
            }

            w.End = GC.GetAllocatedBytesForCurrentThread();
            sleptFor = loop.Now - startTime;
        }
    }
}
