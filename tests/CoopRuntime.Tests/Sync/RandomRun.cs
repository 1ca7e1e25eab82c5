namespace CoopRuntime.Tests.Sync;

/// <summary>
/// The plumbing the randomized tests share: a seeded <see cref="Random"/>, a log of the operations for failure
/// messages, the choice of token for each waiting operation, and pending operations whose outcomes are compared side
/// by side (the implementation under test against a reference) after every step.
/// </summary>
internal abstract class RandomRun(int seed)
{
    private readonly List<PendingPair> _pending = new();
    private int _nextId;

    protected int Seed { get; } = seed;

    protected Random Random { get; } = new(seed);

    protected List<string> Log { get; } = new();

    /// <summary>Names the run in failure messages: configuration and seed.</summary>
    protected abstract string Context { get; }

    /// <summary>Names the two sides in failure messages.</summary>
    protected abstract (string Actual, string Expected) Sides { get; }

    /// <summary>
    /// Picks a token for a waiting operation (none half the time, a cancellable one 40%, an already cancelled one
    /// 10%), logs the operation, and returns its id.
    /// </summary>
    protected int Begin(string operation, out CancellationToken token, out CancellationTokenSource? cancellation, out bool preCancelled)
    {
        var kind = Random.Next(10);
        cancellation = kind is >= 5 and < 9 ? new CancellationTokenSource() : null;
        preCancelled = kind == 9;
        token = preCancelled ? new CancellationToken(true) : cancellation?.Token ?? CancellationToken.None;
        var id = _nextId++;
        Log.Add($"{operation} #{id}{(preCancelled ? " (pre-cancelled)" : cancellation is not null ? " (cancellable)" : "")}");
        return id;
    }

    /// <summary>Tracks a started operation until both sides report it complete.</summary>
    protected void Track(int id, Func<string?> actual, Func<string?> expected, CancellationTokenSource? cancellation) =>
        _pending.Add(new PendingPair(id, actual, expected, cancellation));

    /// <summary>A pending cancellable operation whose token has not been cancelled yet, chosen at random, or null.</summary>
    protected PendingPair? PickCancellable()
    {
        var candidates = _pending.Where(p => p.Cancellation is { IsCancellationRequested: false }).ToList();
        return candidates.Count == 0 ? null : candidates[Random.Next(candidates.Count)];
    }

    /// <summary>Compares every pending operation; those that completed (on both sides, or the test fails) are dropped.</summary>
    protected void ComparePending()
    {
        foreach (var pending in _pending.ToList())
        {
            var actual = pending.Actual();
            Same($"operation #{pending.Id}", actual, pending.Expected());
            if (actual is not null)
            {
                _pending.Remove(pending);
                pending.Cancellation?.Dispose();
            }
        }
    }

    protected void Same<TValue>(string what, TValue actual, TValue expected)
    {
        if (!EqualityComparer<TValue>.Default.Equals(actual, expected))
        {
            Assert.Fail(
                $"{Context}: {what} differs: {Sides.Actual} {Show(actual)}, {Sides.Expected} {Show(expected)}.\n" +
                $"Operations: {string.Join("; ", Log.TakeLast(30))}");
        }
    }

    private static string Show(object? value) => value?.ToString() ?? "(none: pending, or nothing)";

    protected sealed record PendingPair(int Id, Func<string?> Actual, Func<string?> Expected, CancellationTokenSource? Cancellation);
}
