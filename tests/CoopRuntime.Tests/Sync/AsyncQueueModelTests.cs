using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Sync;

/// <summary>
/// Property-style test of the three queues against a small reference model: random operation sequences (fixed seeds,
/// plain <see cref="Random"/>) of non-waiting and waiting operations, work tracking, cancellation requests and loop
/// iterations. After every step the queue and the model must agree on the count, the unfinished count, and exactly
/// which pending operations have completed and with what.
/// </summary>
/// <remarks>
/// Cancellation is modelled as it happens on the loop: <c>Cancel()</c> only posts, and the waiter leaves when the loop
/// runs the posted item (a "settle" step here). Between the two, a grant that reaches the waiter finds its token
/// already cancelled: the waiter leaves as cancelled then and there, and the grant passes to the next waiter (the item
/// goes to the next reader or stays queued; the slot goes to the next writer, and the cancelled writer's item is never
/// enqueued). A grant made before <c>Cancel()</c> stands, and the later settle leaves it alone. Random sequences
/// exercise both orders.
/// </remarks>
public class AsyncQueueModelTests
{
    private const int Seeds = 150;
    private const int StepsPerSeed = 200;

    public enum Order
    {
        Fifo,
        Lifo,
        Priority,
    }

    public static TheoryData<Order, int> Configurations => new()
    {
        { Order.Fifo, 0 }, { Order.Fifo, 1 }, { Order.Fifo, 3 },
        { Order.Lifo, 0 }, { Order.Lifo, 2 },
        { Order.Priority, 0 }, { Order.Priority, 1 }, { Order.Priority, 3 },
    };

    /// <param name="order">Which queue.</param>
    /// <param name="capacity">0 for unbounded.</param>
    [Theory]
    [MemberData(nameof(Configurations))]
    public void RandomOperations_MatchTheReferenceModel(Order order, int capacity)
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            switch (order)
            {
                case Order.Priority:
                    var priority = capacity == 0 ? new AsyncPriorityQueue<int, int>() : new AsyncPriorityQueue<int, int>(capacity);
                    TestLoops.RunVirtual(new Run<(int Element, int Priority)>(
                        priority, order, capacity, seed, (v, p) => (v, p), e => $"{e.Element}/{e.Priority}").ExecuteAsync);
                    break;
                case Order.Lifo:
                    var lifo = capacity == 0 ? new AsyncLifoQueue<int>() : new AsyncLifoQueue<int>(capacity);
                    TestLoops.RunVirtual(new Run<int>(lifo, order, capacity, seed, (v, _) => v, e => e.ToString()).ExecuteAsync);
                    break;
                default:
                    var fifo = capacity == 0 ? new AsyncQueue<int>() : new AsyncQueue<int>(capacity);
                    TestLoops.RunVirtual(new Run<int>(fifo, order, capacity, seed, (v, _) => v, e => e.ToString()).ExecuteAsync);
                    break;
            }
        }
    }

    private sealed class Run<T>(
        AsyncQueue<T> queue, Order order, int capacity, int seed, Func<int, int, T> make, Func<T, string> show) : RandomRun(seed)
    {
        private readonly Model _model = new(order, capacity == 0 ? int.MaxValue : capacity);

        protected override string Context => $"{order}, capacity {capacity}, seed {Seed}";

        protected override (string Actual, string Expected) Sides => ("queue", "model");

        public async Task ExecuteAsync()
        {
            for (var step = 0; step < StepsPerSeed; step++)
            {
                await StepAsync();
                Same("Count", queue.Count, _model.Count);
                Same("UnfinishedCount", queue.UnfinishedCount, _model.Unfinished);
                ComparePending();
            }
        }

        private async Task StepAsync()
        {
            var value = Random.Next(1000);
            var priority = Random.Next(3); // few priorities, so ties (and stability) matter
            switch (Random.Next(100))
            {
                case < 18:
                    Same($"TryEnqueue({value}/{priority})", queue.TryEnqueue(make(value, priority)), _model.TryEnqueue(value, priority));
                    break;
                case < 30:
                    Start("EnqueueAsync", token => Probe(queue.EnqueueAsync(make(value, priority), token)), (id, cancelled) => _model.EnqueueAsync(id, cancelled, value, priority));
                    break;
                case < 45:
                {
                    var real = queue.TryDequeue(out var item) ? show(item) : null;
                    Same("TryDequeue", real, _model.TryDequeue());
                    break;
                }

                case < 48:
                {
                    var real = queue.TryPeek(out var item) ? show(item) : null;
                    Same("TryPeek", real, _model.Peek());
                    break;
                }

                case < 62:
                    Start("DequeueAsync", token => Probe(queue.DequeueAsync(token)), _model.DequeueAsync);
                    break;
                case < 72:
                {
                    string real;
                    try
                    {
                        queue.TaskDone();
                        real = "ok";
                    }
                    catch (InvalidOperationException)
                    {
                        real = "too many";
                    }

                    Same("TaskDone", real, _model.TaskDone());
                    break;
                }

                case < 78:
                    Start("JoinAsync", token => Probe(queue.JoinAsync(token)), _model.JoinAsync);
                    break;
                case < 90:
                    if (PickCancellable() is { } victim)
                    {
                        Log.Add($"Cancel #{victim.Id}");
                        victim.Cancellation!.Cancel(); // only posts: the waiter leaves when the loop runs the post
                        _model.RequestCancel(victim.Id);
                    }

                    break;
                default:
                    Log.Add("Settle");
                    await EventLoop.Yield(); // posted cancellations run before this continuation
                    _model.Settle();
                    break;
            }
        }

        /// <summary>Starts an operation on the queue and tells the model.</summary>
        private void Start(string name, Func<CancellationToken, Func<string?>> real, Action<int, bool> model)
        {
            var id = Begin(name, out var token, out var cancellation, out var preCancelled);
            Track(id, real(token), () => _model.Outcome(id), cancellation);
            model(id, preCancelled);
        }

        private Func<string?> Probe(ValueTask<T> task) => Outcomes.Probe(task, show, Describe);

        private static Func<string?> Probe(ValueTask task) => Outcomes.Probe(task, Describe);

        private static string Describe(Exception exception) =>
            exception is OperationCanceledException ? "canceled" : "error " + exception.GetType().Name;
    }

    /// <summary>The reference: lists and linear scans, written for obviousness rather than speed.</summary>
    private sealed class Model(Order order, int capacity)
    {
        private readonly List<(int Value, int Priority, long Sequence)> _items = new();
        private readonly List<int> _readers = new();
        private readonly List<(int Id, int Value, int Priority)> _writers = new();
        private readonly List<int> _joiners = new();
        private readonly List<int> _cancelRequested = new();
        private readonly Dictionary<int, string> _outcomes = new();
        private long _sequence;

        public int Count => _items.Count;

        public int Unfinished { get; private set; }

        public string? Outcome(int id) => _outcomes.GetValueOrDefault(id);

        public bool TryEnqueue(int value, int priority)
        {
            if (TakeFirstWaiting(_readers, id => id) is { } reader)
            {
                _outcomes[reader] = "ok " + Show(value, priority);
                Unfinished++;
                return true;
            }

            if (_items.Count < capacity)
            {
                _items.Add((value, priority, _sequence++));
                Unfinished++;
                return true;
            }

            return false;
        }

        public void EnqueueAsync(int id, bool preCancelled, int value, int priority)
        {
            if (preCancelled)
            {
                _outcomes[id] = "canceled";
            }
            else if (TryEnqueue(value, priority))
            {
                _outcomes[id] = "ok";
            }
            else
            {
                _writers.Add((id, value, priority));
            }
        }

        public string? TryDequeue() => _items.Count > 0 ? Take() : null;

        public string? Peek() => _items.Count > 0 ? Show(_items[NextIndex()].Value, _items[NextIndex()].Priority) : null;

        public void DequeueAsync(int id, bool preCancelled)
        {
            if (preCancelled)
            {
                _outcomes[id] = "canceled";
            }
            else if (_items.Count > 0)
            {
                _outcomes[id] = "ok " + Take();
            }
            else
            {
                _readers.Add(id);
            }
        }

        public string TaskDone()
        {
            if (Unfinished == 0)
            {
                return "too many";
            }

            Unfinished--;
            if (Unfinished == 0)
            {
                foreach (var joiner in _joiners)
                {
                    _outcomes[joiner] = _cancelRequested.Contains(joiner) ? "canceled" : "ok";
                }

                _joiners.Clear();
            }

            return "ok";
        }

        public void JoinAsync(int id, bool preCancelled)
        {
            if (preCancelled)
            {
                _outcomes[id] = "canceled";
            }
            else if (Unfinished == 0)
            {
                _outcomes[id] = "ok";
            }
            else
            {
                _joiners.Add(id);
            }
        }

        public void RequestCancel(int id) => _cancelRequested.Add(id);

        /// <summary>
        /// The posted cancellations run: each waiter still waiting leaves; one already granted (before its
        /// <c>Cancel()</c>) keeps its grant, and one a grant already found cancelled has left.
        /// </summary>
        public void Settle()
        {
            foreach (var id in _cancelRequested)
            {
                var waiting = _readers.Remove(id) | _joiners.Remove(id) | _writers.RemoveAll(w => w.Id == id) > 0;
                if (waiting)
                {
                    _outcomes[id] = "canceled";
                }
            }

            _cancelRequested.Clear();
        }

        private string Take()
        {
            var index = NextIndex();
            var (value, priority, _) = _items[index];
            _items.RemoveAt(index);
            if (TakeFirstWaiting(_writers, w => w.Id) is { } writer)
            {
                _items.Add((writer.Value, writer.Priority, _sequence++));
                Unfinished++;
                _outcomes[writer.Id] = "ok";
            }

            return Show(value, priority);
        }

        /// <summary>
        /// Removes and returns the longest waiter whose cancellation has not been requested: the waiters before it, whose
        /// tokens already report cancellation, leave as cancelled on the way (the grant passes over them). Null if none.
        /// </summary>
        private TWaiter? TakeFirstWaiting<TWaiter>(List<TWaiter> waiters, Func<TWaiter, int> idOf)
            where TWaiter : struct
        {
            while (waiters.Count > 0)
            {
                var first = waiters[0];
                waiters.RemoveAt(0);
                if (!_cancelRequested.Contains(idOf(first)))
                {
                    return first;
                }

                _outcomes[idOf(first)] = "canceled";
            }

            return null;
        }

        private int NextIndex()
        {
            switch (order)
            {
                case Order.Fifo:
                    return 0;
                case Order.Lifo:
                    return _items.Count - 1;
                default:
                    var best = 0;
                    for (var i = 1; i < _items.Count; i++)
                    {
                        if ((_items[i].Priority, _items[i].Sequence).CompareTo((_items[best].Priority, _items[best].Sequence)) < 0)
                        {
                            best = i;
                        }
                    }

                    return best;
            }
        }

        private string Show(int value, int priority) => order == Order.Priority ? $"{value}/{priority}" : value.ToString();
    }
}
