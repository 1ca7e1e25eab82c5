using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// The loop's pending timers: a 4-ary min-heap ordered by (deadline, scheduling sequence), with lazy cancellation.
/// </summary>
/// <remarks>
/// <para>Why a heap with lazy deletion rather than a timer wheel: insert is O(log n) with a tiny constant, cancel
/// is O(1) (mark the node idle and leave the entry behind), and it holds any deadline exactly, which a
/// wheel only does with extra levels. PriorityQueue.Remove is O(n) and is
/// never used here. When stale entries outnumber live ones the heap is rebuilt in O(n), so a workload that
/// cancels most of its timers (timeouts that never fire) cannot grow the heap without bound.</para>
/// <para>The sequence number makes equal deadlines fire in the order they were scheduled.</para>
/// <para>Four children per entry rather than two: a heap of 100,000 timers no longer fits in cache, and removing the
/// top walks half as many levels (each level's four children are 96 contiguous bytes, about two cache lines), while
/// an insert, which rarely climbs more than a level or two with random deadlines, is unchanged.</para>
/// <para>Only the loop thread touches a <see cref="TimerQueue"/>.</para>
/// </remarks>
internal sealed class TimerQueue
{
    private const int CompactionFloor = 1024;

    private Entry[] _heap = new Entry[64];
    private int _count;
    private int _stale;
    private long _nextSequence;

    /// <summary>Timers that are scheduled and not cancelled.</summary>
    public int LiveCount => _count - _stale;

    public void Schedule(TimerNode node, TimeSpan deadline)
    {
        Debug.Assert(node.State == TimerNodeState.Idle, "Only an idle timer node can be scheduled.");
        node.Deadline = deadline;
        node.State = TimerNodeState.Scheduled;
        if (_count == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }

        node.Sequence = _nextSequence++;
        _heap[_count] = new Entry(deadline.Ticks, node.Sequence, node);
        SiftUp(_count++);
    }

    /// <summary>Cancels a scheduled or due timer in O(1).</summary>
    /// <returns>True if the timer was pending and will now never fire.</returns>
    public bool Cancel(TimerNode node)
    {
        switch (node.State)
        {
            case TimerNodeState.Scheduled:
                node.Version++;
                node.State = TimerNodeState.Idle;
                _stale++;
                if (_stale > CompactionFloor && _stale > _count / 2)
                {
                    Compact();
                }

                return true;
            case TimerNodeState.Due:
                // Its item is already in the ready queue; it will see the node is no longer Due and skip it.
                node.Version++;
                node.State = TimerNodeState.Idle;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The earliest live deadline, dropping stale entries on the way.</summary>
    public bool TryPeekDeadline(out TimeSpan deadline)
    {
        while (_count > 0)
        {
            ref var top = ref _heap[0];
            if (top.IsLive)
            {
                deadline = new TimeSpan(top.DeadlineTicks);
                return true;
            }

            _stale--;
            RemoveTop();
        }

        deadline = default;
        return false;
    }

    /// <summary>Moves every timer due at <paramref name="now"/> into <paramref name="ready"/>, earliest first.</summary>
    public unsafe void MoveDue(TimeSpan now, ReadyQueue ready)
    {
        var nowTicks = now.Ticks;
        while (_count > 0 && _heap[0].DeadlineTicks <= nowTicks)
        {
            var entry = _heap[0];
            RemoveTop();
            if (!entry.IsLive)
            {
                _stale--;
                continue;
            }

            var node = entry.Node;
            node.State = TimerNodeState.Due;
            ready.Enqueue(WorkItem.FromStatic(&FireIfStillDue, node, null));
        }
    }

    private static void FireIfStillDue(object target, object? state)
    {
        var node = (TimerNode)target;
        if (node.State != TimerNodeState.Due)
        {
            return; // cancelled after it became due
        }

        node.State = TimerNodeState.Idle;
        node.Version++;
        node.Fire();
    }

    private void RemoveTop()
    {
        _count--;
        if (_count > 0)
        {
            _heap[0] = _heap[_count];
            _heap[_count] = default;
            SiftDown(0);
        }
        else
        {
            _heap[0] = default;
        }
    }

    private void Compact()
    {
        var live = 0;
        for (var i = 0; i < _count; i++)
        {
            if (_heap[i].IsLive)
            {
                _heap[live++] = _heap[i];
            }
        }

        Array.Clear(_heap, live, _count - live);
        _count = live;
        _stale = 0;
        for (var i = (_count - 2) >> 2; i >= 0; i--)
        {
            SiftDown(i);
        }
    }

    private void SiftUp(int index)
    {
        var entry = _heap[index];
        while (index > 0)
        {
            var parent = (index - 1) >> 2;
            if (!entry.PrecedesStrictly(_heap[parent]))
            {
                break;
            }

            _heap[index] = _heap[parent];
            index = parent;
        }

        _heap[index] = entry;
    }

    private void SiftDown(int index)
    {
        var entry = _heap[index];
        while (true)
        {
            var first = (index << 2) + 1;
            if (first >= _count)
            {
                break;
            }

            var best = first;
            var end = Math.Min(first + 4, _count);
            for (var child = first + 1; child < end; child++)
            {
                if (_heap[child].PrecedesStrictly(_heap[best]))
                {
                    best = child;
                }
            }

            if (!_heap[best].PrecedesStrictly(entry))
            {
                break;
            }

            _heap[index] = _heap[best];
            index = best;
        }

        _heap[index] = entry;
    }

    [Conditional("DEBUG")]
    internal void AssertInvariants()
    {
        var stale = 0;
        for (var i = 0; i < _count; i++)
        {
            if (!_heap[i].IsLive)
            {
                stale++;
            }

            if (i > 0)
            {
                Debug.Assert(!_heap[i].PrecedesStrictly(_heap[(i - 1) >> 2]), "Every heap entry must not precede its parent.");
            }
        }

        Debug.Assert(stale == _stale, "The stale counter must equal the number of stale heap entries.");
    }

    // 24 bytes: the sequence orders equal deadlines (first scheduled, first fired) and doubles as the entry's identity:
    // a node gets a new sequence each time it is scheduled, so an entry left behind by a cancelled scheduling no longer
    // matches its node. (A separate version field would make the entry 32 bytes: a third more heap to sift through.)
    private readonly struct Entry
    {
        public readonly long DeadlineTicks;
        public readonly long Sequence;
        public readonly TimerNode Node;

        public Entry(long deadlineTicks, long sequence, TimerNode node)
        {
            DeadlineTicks = deadlineTicks;
            Sequence = sequence;
            Node = node;
        }

        public bool IsLive => Node.Sequence == Sequence && Node.State == TimerNodeState.Scheduled;

        public bool PrecedesStrictly(in Entry other) =>
            DeadlineTicks < other.DeadlineTicks || (DeadlineTicks == other.DeadlineTicks && Sequence < other.Sequence);
    }
}
