using System.Collections;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Coroutines;

/// <summary>
/// The zero-allocation path: yielding null, yielding a pre-boxed instruction, and timed waits from an
/// <c>IEnumerator&lt;Wait&gt;</c> allocate nothing per step once warm. Each test reads
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> from inside the coroutine (so on the loop thread), after a
/// warm-up (the timer node, the timer heap's capacity, first-use JIT work) and before anything that ends the run.
/// </summary>
/// <remarks>
/// The counter is not perfectly quiet: while other tests allocate on other threads, a window of code that allocates
/// nothing at all (even a plain arithmetic loop) now and then reads a few kilobytes, once per window, when a collection
/// lands in it. So each test measures up to <see cref="Windows"/> consecutive windows of <see cref="Measured"/> steps
/// and requires one of them to read exactly zero. An allocation per step shows in every window (at least 24 bytes ×
/// 10,000 steps), so this stays a zero-allocation check, not a threshold.
/// </remarks>
[Collection(AllocationMeasurements.Name)]
public class CoroutineAllocationTests
{
    private const int WarmUp = 1_000;
    private const int Measured = 10_000;
    private const int Windows = 3;

    /// <summary>Bytes allocated in each measured window, filled in by the coroutine under test.</summary>
    private sealed class Meter
    {
        public readonly List<long> Bytes = new();
        public int Steps;
        private long _start;

        public bool Done => Bytes.Count == Windows || (Bytes.Count > 0 && Bytes[^1] == 0);

        public void Open() => _start = GC.GetAllocatedBytesForCurrentThread();

        public void Close() => Bytes.Add(GC.GetAllocatedBytesForCurrentThread() - _start);

        public void AssertAWindowAllocatedNothing()
        {
            Assert.True(Bytes.Count > 0, "nothing was measured");
            Assert.True(Bytes.Min() == 0, $"bytes allocated per window of {Measured} steps: {string.Join(", ", Bytes)}");
            Assert.Equal(Bytes.Count * Measured, Steps);
        }
    }

    [Fact]
    public void YieldNull_RepeatedInSteadyState_AllocatesNothingPerStep()
    {
        var meter = new Meter();

        TestLoops.RunVirtual(async () => await EventLoop.Current!.Start(NullYields(meter)));

        meter.AssertAWindowAllocatedNothing();

        static IEnumerator NullYields(Meter meter)
        {
            for (var i = 0; i < WarmUp; i++)
            {
                yield return null;
            }

            while (!meter.Done)
            {
                meter.Open();
                for (var i = 0; i < Measured; i++)
                {
                    yield return null;
                    meter.Steps++;
                }

                meter.Close();
            }
        }
    }

    [Fact]
    public void YieldAPreBoxedTimedWait_RepeatedInSteadyState_AllocatesNothingPerStep()
    {
        var meter = new Meter();
        var waited = TimeSpan.Zero;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            await loop.Start(PreBoxed(loop));
        });

        meter.AssertAWindowAllocatedNothing();
        Assert.Equal(TimeSpan.FromMilliseconds(meter.Steps), waited); // one millisecond of loop time per step, exactly

        IEnumerator PreBoxed(EventLoop loop)
        {
            object tick = Wait.Seconds(0.001); // boxed once, yielded every time
            for (var i = 0; i < WarmUp; i++)
            {
                yield return tick;
            }

            var startTime = loop.Now;
            while (!meter.Done)
            {
                meter.Open();
                for (var i = 0; i < Measured; i++)
                {
                    yield return tick;
                    meter.Steps++;
                }

                meter.Close();
            }

            waited = loop.Now - startTime;
        }
    }

    [Fact]
    public void TypedRoutine_TimedWaitsUnderAVirtualClock_AllocateNothingPerStep()
    {
        var meter = new Meter();
        var waited = TimeSpan.Zero;

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            await loop.Start(Typed(loop));
        });

        meter.AssertAWindowAllocatedNothing();
        Assert.Equal(TimeSpan.FromMilliseconds(2 * meter.Steps), waited);

        IEnumerator<Wait> Typed(EventLoop loop)
        {
            var delay = TimeSpan.FromMilliseconds(1);
            for (var i = 0; i < WarmUp; i++)
            {
                yield return Wait.For(delay);
            }

            var startTime = loop.Now;
            while (!meter.Done)
            {
                meter.Open();
                for (var i = 0; i < Measured; i++)
                {
                    yield return Wait.For(delay);
                    yield return Wait.Seconds(0.001); // a new Wait each time: a struct, never boxed here
                    meter.Steps++;
                }

                meter.Close();
            }

            waited = loop.Now - startTime;
        }
    }

    [Fact]
    public void StartDetached_StartAndFinishInSteadyState_AllocateNothingButTheIterator()
    {
        // Hand-written routines that can be started again and again stand in for iterator objects, so the window sees
        // only what the loop allocates: the pooled coroutine, the live list, the ready queue. Each one steps once and ends.
        var meter = new Meter();
        var routines = Enumerable.Range(0, Measured).Select(_ => new EndsAtOnce()).ToArray();

        TestLoops.RunVirtual(async () =>
        {
            var loop = EventLoop.Current!;
            await loop.Start(StartsBatches(loop));
        });

        meter.AssertAWindowAllocatedNothing();
        Assert.All(routines, routine => Assert.True(routine.Runs > 1));

        IEnumerator StartsBatches(EventLoop loop)
        {
            StartAll(loop); // warm-up: fills the pool, grows the ready queue and the live list
            yield return null;

            while (!meter.Done)
            {
                meter.Open();
                meter.Steps += StartAll(loop);
                yield return null; // queued after the batch: they have all run and ended when this resumes
                meter.Close();
            }
        }

        int StartAll(EventLoop loop)
        {
            foreach (var routine in routines)
            {
                loop.StartDetached(routine);
            }

            return routines.Length;
        }
    }

    private sealed class EndsAtOnce : IEnumerator
    {
        public int Runs;

        public object? Current => null;

        public bool MoveNext()
        {
            Runs++;
            return false;
        }

        public void Reset()
        {
        }
    }
}
