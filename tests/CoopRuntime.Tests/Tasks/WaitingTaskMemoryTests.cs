using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Tasks;

/// <summary>
/// The foundation's memory target: a spawned task waiting on an event costs under 200 bytes on a warm loop. Bytes
/// are exact (<see cref="GC.GetAllocatedBytesForCurrentThread"/> on the loop thread), so this is a test, not a benchmark.
/// </summary>
[Collection(AllocationMeasurements.Name)]
public class WaitingTaskMemoryTests
{
    private const int Tasks = 10_000;

    [Fact]
    public void Spawn_TasksWaitingOnOneEvent_CostUnder200BytesEachOnAWarmLoop()
    {
        var bytesPerTask = new List<double>();
        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;

            // Two bursts: the first grows the loop's queues and lists, the second is what a long-running server pays.
            for (var burst = 0; burst < 2; burst++)
            {
                var gate = new TaskCompletionSource();
                Func<CancellationToken, Task> body = _ => gate.Task;
                var before = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < Tasks; i++)
                {
                    _ = loop.Spawn(body);
                }

                await EventLoop.Yield(); // every task has started and is parked on the gate
                var after = GC.GetAllocatedBytesForCurrentThread();
                Assert.Equal(Tasks, loop.LiveTaskCount);
                bytesPerTask.Add((after - before) / (double)Tasks);

                gate.SetResult();
                Assert.Equal(0, loop.LiveTaskCount); // each hook finished its task inline, inside SetResult
            }
        });

        // The spawned task (80 B, also its CancellationTokenSource), its completion hook (80 B), and the gate's
        // continuation list growing by doubling (about 21 B per entry).
        Assert.InRange(bytesPerTask[1], 160, 200);
    }
}
