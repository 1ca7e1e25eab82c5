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
/// Cancellation is the one place the two differ by design: the BCL cancels inside <c>Cancel()</c>, a loop channel
/// when the cancellation reaches the loop. So after cancelling, the test lets one iteration pass before comparing,
/// and does nothing else in between (the same-iteration race is covered by the model test and the unit tests).
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

    private sealed class Run(string configuration, int seed)
    {
        private readonly Random _random = new(seed);
        private readonly List<int> _droppedOurs = new();
        private readonly List<int> _droppedBcl = new();
        private readonly List<Pending> _pending = new();
        private readonly List<string> _log = new();
        private Channel<int> _ours = null!;
        private Channel<int> _bcl = null!;
        private int _nextValue;

        public async Task ExecuteAsync()
        {
            (_ours, _bcl) = Create();
            for (var step = 0; step < StepsPerSeed; step++)
            {
                await StepAsync();
                Compare();
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
            var choice = _random.Next(100);
            switch (choice)
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
                    Start($"WriteAsync({value})", token => Probe(_ours.Writer.WriteAsync(value, token)), token => Probe(_bcl.Writer.WriteAsync(value, token)));
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
                    var cancellable = _pending.Where(p => p.Cancellation is not null).ToList();
                    if (cancellable.Count > 0)
                    {
                        var victim = cancellable[_random.Next(cancellable.Count)];
                        _log.Add($"Cancel {victim.Name}");
                        victim.Cancellation!.Cancel();
                        await EventLoop.Yield(); // the loop channel sees the cancellation one iteration later
                    }

                    break;
                default:
                    var error = _random.Next(3) switch
                    {
                        0 => null,
                        1 => new InvalidOperationException("failed"),
                        _ => (Exception)new OperationCanceledException("stopped"),
                    };
                    Same($"TryComplete({error?.GetType().Name})", _ours.Writer.TryComplete(error), _bcl.Writer.TryComplete(error));
                    break;
            }
        }

        private void Start(string name, Func<CancellationToken, Func<string?>> ours, Func<CancellationToken, Func<string?>> bcl)
        {
            var kind = _random.Next(10);
            var cancellation = kind < 4 ? new CancellationTokenSource() : null;
            var token = kind == 9 ? new CancellationToken(true) : cancellation?.Token ?? CancellationToken.None;
            _log.Add(name + (kind == 9 ? " (pre-cancelled)" : cancellation is not null ? " (cancellable)" : ""));
            _pending.Add(new Pending($"{name}#{_log.Count}", ours(token), bcl(token), cancellation));
        }

        private void Compare()
        {
            Same("Count", _ours.Reader.Count, _bcl.Reader.Count);
            Same("Completion", _ours.Reader.Completion.Status, _bcl.Reader.Completion.Status);
            Same("Dropped", string.Join(",", _droppedOurs), string.Join(",", _droppedBcl));
            foreach (var pending in _pending.ToList())
            {
                var ours = pending.Ours();
                var bcl = pending.Bcl();
                Same(pending.Name, ours, bcl);
                if (ours is not null)
                {
                    _pending.Remove(pending);
                    pending.Cancellation?.Dispose();
                }
            }
        }

        private void Same<TValue>(string what, TValue ours, TValue bcl)
        {
            if (!EqualityComparer<TValue>.Default.Equals(ours, bcl))
            {
                Assert.Fail(
                    $"{configuration}, seed {seed}: {what} differs: loop channel {ours}, System.Threading.Channels {bcl}.\n" +
                    $"Operations: {string.Join("; ", _log.TakeLast(30))}");
            }
        }

        /// <summary>Reads a value task's outcome once, when it has completed; null while it is pending.</summary>
        private static Func<string?> Probe<T>(ValueTask<T> task) => () =>
        {
            if (!task.IsCompleted)
            {
                return null;
            }

            try
            {
                return "ok " + task.Result;
            }
            catch (Exception exception)
            {
                return Describe(exception);
            }
        };

        private static Func<string?> Probe(ValueTask task) => () =>
        {
            if (!task.IsCompleted)
            {
                return null;
            }

            try
            {
                task.GetAwaiter().GetResult();
                return "ok";
            }
            catch (Exception exception)
            {
                return Describe(exception);
            }
        };

        private static string Describe(Exception exception) => exception switch
        {
            ChannelClosedException closed => $"closed({closed.InnerException?.GetType().Name})",
            OperationCanceledException => "canceled",
            _ => "error " + exception.GetType().Name,
        };
    }

    private sealed record Pending(string Name, Func<string?> Ours, Func<string?> Bcl, CancellationTokenSource? Cancellation);
}
