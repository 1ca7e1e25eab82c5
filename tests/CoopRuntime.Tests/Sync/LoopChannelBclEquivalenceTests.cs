using System.Threading.Channels;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Sync;

/// <summary>
/// Differential, property-style test: random operation sequences (fixed seeds, plain <see cref="Random"/>) run
/// against a loop channel and a System.Threading.Channels channel with the same configuration, and every observable
/// outcome must match: return values, counts, which pending operations have completed and how, <c>Completion</c>,
/// and the items dropped.
/// </summary>
/// <remarks>
/// Cancellation differs in one respect by design: the BCL completes a cancelled wait inside <c>Cancel()</c>, a loop
/// channel when the cancellation reaches the loop. Who gets an item or slot does not differ: like the BCL, a loop
/// channel never grants one to a waiter whose token already reports cancellation. So after cancelling, the test lets
/// one iteration pass before comparing (until then the loop channel's cancelled wait still looks pending), and does
/// nothing else in between (grants and completion in that window are covered by the model test and the unit tests).
/// </remarks>
public class LoopChannelBclEquivalenceTests
{
    private const int Seeds = 150;
    private const int StepsPerSeed = 150;

    public static TheoryData<string> Configurations => new()
    {
        "unbounded", "bounded(1)", "bounded(3)", "bounded(2, DropWrite)", "bounded(2, DropNewest)", "bounded(2, DropOldest)",
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void RandomOperations_BehaveLikeSystemThreadingChannels(string configuration)
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            var run = new Run(configuration, seed);
            TestLoops.RunVirtual(run.ExecuteAsync);
        }
    }

    private sealed class Run(string configuration, int seed) : RandomRun(seed)
    {
        private readonly List<int> _droppedOurs = new();
        private readonly List<int> _droppedBcl = new();
        private Channel<int> _ours = null!;
        private Channel<int> _bcl = null!;
        private int _nextValue;

        protected override string Context => $"{configuration}, seed {Seed}";

        protected override (string Actual, string Expected) Sides => ("loop channel", "System.Threading.Channels");

        public async Task ExecuteAsync()
        {
            (_ours, _bcl) = Create();
            for (var step = 0; step < StepsPerSeed; step++)
            {
                await StepAsync();
                Same("Count", _ours.Reader.Count, _bcl.Reader.Count);
                Same("Completion", _ours.Reader.Completion.Status, _bcl.Reader.Completion.Status);
                Same("Dropped", string.Join(",", _droppedOurs), string.Join(",", _droppedBcl));
                ComparePending();
            }
        }

        private (Channel<int> Ours, Channel<int> Bcl) Create()
        {
            if (configuration == "unbounded")
            {
                return (LoopChannel.CreateUnbounded<int>(), Channel.CreateUnbounded<int>());
            }

            var capacity = configuration[8] - '0';
            var mode = configuration.Contains("DropWrite") ? BoundedChannelFullMode.DropWrite :
                configuration.Contains("DropNewest") ? BoundedChannelFullMode.DropNewest :
                configuration.Contains("DropOldest") ? BoundedChannelFullMode.DropOldest :
                BoundedChannelFullMode.Wait;
            return (
                LoopChannel.CreateBounded<int>(new BoundedChannelOptions(capacity) { FullMode = mode }, _droppedOurs.Add),
                Channel.CreateBounded<int>(new BoundedChannelOptions(capacity) { FullMode = mode }, _droppedBcl.Add));
        }

        private async Task StepAsync()
        {
            switch (Random.Next(100))
            {
                case < 18:
                {
                    var value = _nextValue++;
                    Same($"TryWrite({value})", _ours.Writer.TryWrite(value), _bcl.Writer.TryWrite(value));
                    break;
                }

                case < 30:
                {
                    var value = _nextValue++;
                    Start("WriteAsync", token => Probe(_ours.Writer.WriteAsync(value, token)), token => Probe(_bcl.Writer.WriteAsync(value, token)));
                    break;
                }

                case < 45:
                {
                    var ours = _ours.Reader.TryRead(out var a);
                    var bcl = _bcl.Reader.TryRead(out var b);
                    Same("TryRead", (ours, a), (bcl, b));
                    break;
                }

                case < 48:
                {
                    var ours = _ours.Reader.TryPeek(out var a);
                    var bcl = _bcl.Reader.TryPeek(out var b);
                    Same("TryPeek", (ours, a), (bcl, b));
                    break;
                }

                case < 62:
                    Start("ReadAsync", token => Probe(_ours.Reader.ReadAsync(token)), token => Probe(_bcl.Reader.ReadAsync(token)));
                    break;
                case < 70:
                    Start("WaitToReadAsync", token => Probe(_ours.Reader.WaitToReadAsync(token)), token => Probe(_bcl.Reader.WaitToReadAsync(token)));
                    break;
                case < 78:
                    Start("WaitToWriteAsync", token => Probe(_ours.Writer.WaitToWriteAsync(token)), token => Probe(_bcl.Writer.WaitToWriteAsync(token)));
                    break;
                case < 96:
                    if (PickCancellable() is { } victim)
                    {
                        Log.Add($"Cancel #{victim.Id}");
                        victim.Cancellation!.Cancel();
                        await EventLoop.Yield(); // the loop channel sees the cancellation one iteration later
                    }

                    break;
                default:
                    var error = Random.Next(3) switch
                    {
                        0 => null,
                        1 => new InvalidOperationException("failed"),
                        _ => (Exception)new OperationCanceledException("stopped"),
                    };
                    Same($"TryComplete({error?.GetType().Name})", _ours.Writer.TryComplete(error), _bcl.Writer.TryComplete(error));
                    break;
            }
        }

        /// <summary>Starts the same operation on both channels, with one shared token.</summary>
        private void Start(string name, Func<CancellationToken, Func<string?>> ours, Func<CancellationToken, Func<string?>> bcl)
        {
            var id = Begin(name, out var token, out var cancellation, out _);
            Track(id, ours(token), bcl(token), cancellation);
        }

        private static Func<string?> Probe<T>(ValueTask<T> task) => Outcomes.Probe(task, item => $"{item}", Describe);

        private static Func<string?> Probe(ValueTask task) => Outcomes.Probe(task, Describe);

        private static string Describe(Exception exception) => exception switch
        {
            ChannelClosedException closed => $"closed({closed.InnerException?.GetType().Name})",
            OperationCanceledException => "canceled",
            _ => "error " + exception.GetType().Name,
        };
    }
}
