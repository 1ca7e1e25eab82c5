using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// A loop-local barrier (asyncio's <c>Barrier</c>, .NET's <see cref="Barrier"/>): a fixed number of participants
/// work in phases, and each phase ends when all of them have called <see cref="SignalAndWaitAsync"/>.
/// </summary>
/// <example>
/// <code>
/// var step = new AsyncBarrier(3, b => Console.WriteLine($"phase {b.CurrentPhaseNumber} done"));
/// // in each of the three workers:
/// for (var round = 0; round &lt; rounds; round++)
/// {
///     Compute(round);
///     await step.SignalAndWaitAsync(ct);   // nobody starts round + 1 before everyone finished round
/// }
/// </code>
/// </example>
/// <remarks>
/// <para>When the last participant arrives, the post-phase action (if any) runs in its call, then every participant
/// of the phase is released with the phase's number: the last one at once, the others on the loop's next iteration,
/// in arrival order. If the action throws, the phase still ends and every participant of it gets a
/// <see cref="BarrierPostPhaseException"/> wrapping the error.</para>
/// <para>A cancelled wait withdraws that participant's arrival: the phase then needs it (or someone) to arrive
/// again. A participant whose token was cancelled before the last one arrived does not count toward the phase.</para>
/// <para>Loop-local: no locks; it binds to the loop that first uses it, and use from another thread throws
/// <see cref="WrongThreadException"/>.</para>
/// </remarks>
[DebuggerDisplay("AsyncBarrier phase = {CurrentPhaseNumber}, arrived = {WaiterCount} of {ParticipantCount}")]
public sealed class AsyncBarrier
{
    // Only the loop thread touches these (LoopBinding checks it at every entry point). The participants that have
    // arrived in the current phase are exactly the waiters in the queue: a cancelled one leaves it, so no separate
    // count can drift.
    private readonly WaiterQueue<long> _waiters = new();
    private readonly Stack<Waiter<long>> _pool = new();
    private readonly Action<AsyncBarrier>? _postPhaseAction;
    private readonly int _participantCount;
    private LoopBinding _binding;
    private long _phase;
    private bool _inPostPhaseAction;

    /// <summary>Creates a barrier for <paramref name="participantCount"/> participants.</summary>
    /// <param name="participantCount">How many arrivals end a phase; one or more.</param>
    /// <param name="postPhaseAction">Runs once per phase, when the last participant arrives and before any
    /// participant is released; <see cref="CurrentPhaseNumber"/> is still the ending phase's number.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="participantCount"/> is less than one.</exception>
    public AsyncBarrier(int participantCount, Action<AsyncBarrier>? postPhaseAction = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(participantCount);
        _participantCount = participantCount;
        _postPhaseAction = postPhaseAction;
    }

    /// <summary>How many arrivals end a phase.</summary>
    public int ParticipantCount => _participantCount;

    /// <summary>How many participants have not arrived yet in the current phase.</summary>
    public int ParticipantsRemaining => _participantCount - _waiters.Count;

    /// <summary>The number of the current phase, starting at 0 and moving on when a phase ends.</summary>
    public long CurrentPhaseNumber => _phase;

    internal int WaiterCount => _waiters.Count;

    /// <summary>
    /// Signals that this participant reached the barrier and waits for the others. The last one to arrive ends the
    /// phase and completes at once; the others resume on the loop's next iteration.
    /// </summary>
    /// <param name="cancellationToken">Withdraws this participant's arrival.</param>
    /// <returns>The number of the phase that just ended. Await it once.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before the phase ended.</exception>
    /// <exception cref="BarrierPostPhaseException">The post-phase action threw.</exception>
    /// <exception cref="InvalidOperationException">Called from the post-phase action, or no loop runs on this thread.</exception>
    /// <exception cref="WrongThreadException">Called from a thread other than the barrier's loop.</exception>
    public ValueTask<long> SignalAndWaitAsync(CancellationToken cancellationToken = default)
    {
        var loop = _binding.Enter(this, nameof(SignalAndWaitAsync));
        if (_inPostPhaseAction)
        {
            throw new InvalidOperationException(
                "AsyncBarrier.SignalAndWaitAsync was called from the barrier's post-phase action. The action runs " +
                "between two phases; signal from the participants instead.");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<long>(cancellationToken);
        }

        if (_waiters.Count + 1 == _participantCount && WithdrawCanceled() + 1 == _participantCount)
        {
            return EndPhase();
        }

        return Waiter<long>.Rent(loop, _pool).Park(_waiters, cancellationToken);
    }

    // Participants whose tokens were cancelled before this arrival do not count toward the phase: process their
    // cancellations now rather than when their cancel items run. Only called when the phase may end, so a phase
    // costs O(participants) once, not per arrival.
    private int WithdrawCanceled()
    {
        for (var waiter = _waiters.First; waiter is not null;)
        {
            var next = waiter.Next;
            waiter.CancelIfRequested();
            waiter = next;
        }

        return _waiters.Count;
    }

    private ValueTask<long> EndPhase()
    {
        var phase = _phase;
        BarrierPostPhaseException? failure = null;
        if (_postPhaseAction is { } action)
        {
            _inPostPhaseAction = true;
            try
            {
                action(this);
            }
            catch (Exception error)
            {
                failure = new BarrierPostPhaseException(error);
            }
            finally
            {
                _inPostPhaseAction = false;
            }
        }

        _phase = phase + 1;
        if (failure is null)
        {
            while (_waiters.TryGrantFirst(phase))
            {
            }
        }
        else
        {
            while (_waiters.First is { } waiter)
            {
                waiter.TryFail(failure);
            }
        }

        AssertInvariants();
        return failure is null ? new ValueTask<long>(phase) : ValueTask.FromException<long>(failure);
    }

    [Conditional("DEBUG")]
    private void AssertInvariants() =>
        Debug.Assert(_waiters.Count < _participantCount, "A phase ends as its last participant arrives, so fewer than all ever wait.");
}
