using System.Runtime.CompilerServices;

namespace CoopRuntime.Tests.Sync;

public class RingBufferTests
{
    [Fact]
    public void AddAndTake_AcrossWrapAroundAndGrowth_KeepFifoOrder()
    {
        var ring = new RingBuffer<int>();
        var expected = new Queue<int>();
        var random = new Random(7);
        var next = 0;

        for (var step = 0; step < 10_000; step++)
        {
            if (random.Next(3) != 0)
            {
                ring.Add(next);
                expected.Enqueue(next++);
            }
            else if (expected.Count > 0)
            {
                Assert.Equal(expected.Dequeue(), ring.Take());
            }

            Assert.Equal(expected.Count, ring.Count);
        }
    }

    [Fact]
    public void TakeLast_AfterWrapAround_RemovesTheNewestItem()
    {
        var ring = new RingBuffer<int>();
        for (var i = 0; i < 4; i++)
        {
            ring.Add(i);
        }

        ring.Take();
        ring.Take();
        ring.Add(4);
        ring.Add(5); // wraps: slots hold 4, 5, 2, 3

        Assert.Equal(5, ring.TakeLast());
        Assert.Equal(4, ring.TakeLast());
        Assert.True(ring.TryPeek(out var head));
        Assert.Equal(2, head);
        Assert.Equal(2, ring.Count);
    }

    [Fact]
    public void Take_ReferenceItems_ReleasesTheSlot()
    {
        var ring = new RingBuffer<object>();
        var weak = AddAndTake(ring);

        GC.Collect();
        GC.WaitForPendingFinalizers();

        Assert.False(weak.IsAlive);
        Assert.False(ring.TryPeek(out _));

        [MethodImpl(MethodImplOptions.NoInlining)]
        static WeakReference AddAndTake(RingBuffer<object> ring)
        {
            var item = new object();
            ring.Add(item);
            ring.Take();
            return new WeakReference(item);
        }
    }
}
