namespace CoopRuntime.Tests.Time;

public class TimerQueueTests
{
    private sealed class RecordingNode(List<int> fired, int id) : TimerNode
    {
        public int Id { get; } = id;

        protected internal override void Fire() => fired.Add(Id);
    }

    private static void Drain(TimerQueue queue, TimeSpan now)
    {
        var ready = new ReadyQueue();
        queue.MoveDue(now, ready);
        var count = ready.Count;
        for (var i = 0; i < count; i++)
        {
            ready.Dequeue().Invoke();
        }
    }

    [Fact]
    public void MoveDue_WithEqualDeadlines_FiresInSchedulingOrder()
    {
        var fired = new List<int>();
        var queue = new TimerQueue();
        for (var i = 0; i < 50; i++)
        {
            queue.Schedule(new RecordingNode(fired, i), TimeSpan.FromSeconds(1));
        }

        Drain(queue, TimeSpan.FromSeconds(1));

        Assert.Equal(Enumerable.Range(0, 50), fired);
    }

    [Fact]
    public void MoveDue_LeavesTimersThatAreNotDueYet()
    {
        var fired = new List<int>();
        var queue = new TimerQueue();
        queue.Schedule(new RecordingNode(fired, 1), TimeSpan.FromSeconds(1));
        queue.Schedule(new RecordingNode(fired, 2), TimeSpan.FromSeconds(2));

        Drain(queue, TimeSpan.FromSeconds(1.5));

        Assert.Equal(new[] { 1 }, fired);
        Assert.Equal(1, queue.LiveCount);
        Assert.True(queue.TryPeekDeadline(out var next));
        Assert.Equal(TimeSpan.FromSeconds(2), next);
    }

    [Fact]
    public void Cancel_OfAScheduledTimer_PreventsItFromFiring()
    {
        var fired = new List<int>();
        var queue = new TimerQueue();
        var cancelled = new RecordingNode(fired, 1);
        queue.Schedule(cancelled, TimeSpan.FromSeconds(1));
        queue.Schedule(new RecordingNode(fired, 2), TimeSpan.FromSeconds(1));

        Assert.True(queue.Cancel(cancelled));
        Assert.False(queue.Cancel(cancelled));
        Drain(queue, TimeSpan.FromSeconds(1));

        Assert.Equal(new[] { 2 }, fired);
        Assert.Equal(0, queue.LiveCount);
    }

    [Fact]
    public void Cancel_AfterTheTimerBecameDue_StopsItFromFiring()
    {
        var fired = new List<int>();
        var queue = new TimerQueue();
        var node = new RecordingNode(fired, 1);
        queue.Schedule(node, TimeSpan.Zero);
        var ready = new ReadyQueue();
        queue.MoveDue(TimeSpan.Zero, ready);

        Assert.True(queue.Cancel(node));
        ready.Dequeue().Invoke();

        Assert.Empty(fired);
    }

    [Fact]
    public void Schedule_OfANodeCancelledEarlier_FiresOnlyTheNewScheduling()
    {
        var fired = new List<int>();
        var queue = new TimerQueue();
        var node = new RecordingNode(fired, 7);
        queue.Schedule(node, TimeSpan.FromSeconds(1));
        queue.Cancel(node);
        queue.Schedule(node, TimeSpan.FromSeconds(3));

        Drain(queue, TimeSpan.FromSeconds(2));
        Assert.Empty(fired);
        Drain(queue, TimeSpan.FromSeconds(3));
        Assert.Equal(new[] { 7 }, fired);
    }

    [Fact]
    public void RandomOperations_MatchASortedReferenceModel_IncludingCompaction()
    {
        var random = new Random(1234);
        var fired = new List<int>();
        var queue = new TimerQueue();
        var nodes = new List<RecordingNode>();
        var model = new SortedSet<(long Deadline, long Sequence, int Id)>();
        var scheduled = new Dictionary<int, (long, long, int)>();
        long sequence = 0;
        var now = 0L;

        for (var step = 0; step < 20_000; step++)
        {
            var roll = random.Next(10);
            if (roll < 6)
            {
                var node = new RecordingNode(fired, nodes.Count);
                nodes.Add(node);
                var deadline = now + random.Next(0, 1000);
                queue.Schedule(node, new TimeSpan(deadline));
                var entry = (deadline, sequence++, node.Id);
                model.Add(entry);
                scheduled[node.Id] = entry;
            }
            else if (roll < 9 && scheduled.Count > 0)
            {
                var id = scheduled.Keys.ElementAt(random.Next(scheduled.Count));
                Assert.True(queue.Cancel(nodes[id]));
                model.Remove(scheduled[id]);
                scheduled.Remove(id);
            }
            else
            {
                now += random.Next(0, 200);
                fired.Clear();
                Drain(queue, new TimeSpan(now));
                var expected = model.TakeWhile(e => e.Deadline <= now).ToList();
                Assert.Equal(expected.Select(e => e.Id), fired);
                foreach (var entry in expected)
                {
                    model.Remove(entry);
                    scheduled.Remove(entry.Id);
                }
            }

            Assert.Equal(model.Count, queue.LiveCount);
        }

        queue.AssertInvariants();
    }

    [Fact]
    public void Schedule_OneMillionPendingTimers_AllFireInDeadlineOrder()
    {
        const int Count = 1_000_000;
        var fired = new List<int>(Count);
        var queue = new TimerQueue();
        var random = new Random(42);
        var deadlines = new long[Count];
        for (var i = 0; i < Count; i++)
        {
            deadlines[i] = random.Next(0, 100_000);
            queue.Schedule(new RecordingNode(fired, i), new TimeSpan(deadlines[i]));
        }

        Assert.Equal(Count, queue.LiveCount);
        Drain(queue, TimeSpan.FromTicks(100_000));

        Assert.Equal(Count, fired.Count);
        var outOfOrder = 0;
        for (var i = 1; i < Count; i++)
        {
            var previous = fired[i - 1];
            var current = fired[i];
            var inOrder = deadlines[previous] < deadlines[current] || (deadlines[previous] == deadlines[current] && previous < current);
            outOfOrder += inOrder ? 0 : 1;
        }

        Assert.Equal(0, outOfOrder);
    }
}
