using System.Collections;

namespace CoopRuntime;

// The Coroutines layer's entry points on the loop: starting coroutines, and the waiter lists for conditions and
// frames that the loop core knows only as "a poller" and "a frame tick".
public sealed partial class EventLoop
{
    // Only the loop thread touches these.
    private readonly IndexedList<Coroutine> _liveCoroutines = new(static c => c.LiveIndex, static (c, i) => c.LiveIndex = i);
    private readonly List<Coroutine> _conditionWaiters = new();
    private readonly List<Coroutine> _conditionReady = new();
    private readonly List<Coroutine> _frameWaiters = new();
    private readonly List<Coroutine> _frameReady = new();
    private Action? _pollConditions;

    private bool _stoppingCoroutines;

    // Detached coroutines that ended in their own step, kept for reuse by StartDetached; at most _maxPooledCoroutines.
    private readonly Stack<DetachedCoroutine> _detachedPool = new();
    private readonly int _maxPooledCoroutines;

    /// <summary>
    /// Starts <paramref name="routine"/> as a coroutine; its first step runs on the loop's next iteration.
    /// </summary>
    /// <param name="routine">An iterator method's result, typically <c>IEnumerator</c> or <c>IEnumerator&lt;Wait&gt;</c>
    /// (the latter never boxes its waits).</param>
    /// <param name="name">A name for diagnostics and error messages.</param>
    /// <param name="cancellationToken">Stops the coroutine when cancelled.</param>
    /// <returns>The coroutine's handle.</returns>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public Coroutine Start(IEnumerator routine, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(routine);
        VerifyThreadAndOpen(nameof(Start));
        return TrackCoroutine(new Coroutine(this, routine, name, cancellationToken));
    }

    /// <summary>
    /// Starts <paramref name="routine"/> as a coroutine that produces a value with
    /// <c>yield return Wait.Return(value)</c>; awaiting the handle returns it.
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="routine">An iterator method's result.</param>
    /// <param name="name">A name for diagnostics and error messages.</param>
    /// <param name="cancellationToken">Stops the coroutine when cancelled.</param>
    /// <returns>The coroutine's handle.</returns>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public Coroutine<T> Start<T>(IEnumerator routine, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(routine);
        VerifyThreadAndOpen(nameof(Start));
        return TrackCoroutine(new Coroutine<T>(this, routine, name, cancellationToken));
    }

    /// <summary>
    /// Starts <paramref name="routine"/> as a detached coroutine: one that nobody awaits. Its first step runs on the
    /// loop's next iteration, as with <see cref="Start(IEnumerator, string?, CancellationToken)"/>, and it may yield
    /// everything a coroutine may; a failure goes to the loop's unhandled-exception handler.
    /// </summary>
    /// <remarks>
    /// The cheap way to start many short coroutines (effects, bullets, per-message handlers): when a detached coroutine
    /// ends in its own step without failing (it returned, or stopped itself), the loop keeps it for the next
    /// <see cref="StartDetached"/> (up to <see cref="EventLoopOptions.MaxPooledCoroutines"/>), so in steady state a start
    /// allocates nothing but the iterator. The <see cref="CoroutineHandle"/> it returns is a struct that tells whether
    /// the coroutine still runs and stops it; it cannot be awaited. See docs/guides/coroutines.md.
    /// </remarks>
    /// <param name="routine">An iterator method's result, typically <c>IEnumerator</c> or <c>IEnumerator&lt;Wait&gt;</c>.</param>
    /// <param name="name">A name for diagnostics and error messages.</param>
    /// <param name="cancellationToken">Stops the coroutine when cancelled.</param>
    /// <returns>A handle to the coroutine.</returns>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public CoroutineHandle StartDetached(IEnumerator routine, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(routine);
        VerifyThreadAndOpen(nameof(StartDetached));
        if (_detachedPool.TryPop(out var coroutine))
        {
            coroutine.Reuse(routine, name, cancellationToken);
        }
        else
        {
            coroutine = new DetachedCoroutine(this, routine, name, cancellationToken);
        }

        return new CoroutineHandle(TrackCoroutine(coroutine));
    }

    /// <summary>
    /// A snapshot of the coroutines that have not finished, detached ones included, for diagnostics (see
    /// <see cref="Coroutine.WaitingOn"/>).
    /// </summary>
    /// <exception cref="WrongThreadException">Called off the loop thread.</exception>
    public IReadOnlyList<Coroutine> Coroutines
    {
        get
        {
            VerifyThread(nameof(Coroutines));
            var live = _liveCoroutines.ToArray();
            foreach (var coroutine in live)
            {
                // User code now holds these objects: a detached one among them must never be reused for another run.
                coroutine.MarkEscaped();
            }

            return live;
        }
    }

    /// <summary>How many finished detached coroutines wait in the pool for reuse. Loop thread only.</summary>
    internal int PooledCoroutineCount => _detachedPool.Count;

    /// <summary>Keeps a detached coroutine that ended in its own step for the next <see cref="StartDetached"/>.</summary>
    internal void ReturnToPool(DetachedCoroutine coroutine)
    {
        if (_detachedPool.Count < _maxPooledCoroutines)
        {
            _detachedPool.Push(coroutine);
        }
    }

    private TCoroutine TrackCoroutine<TCoroutine>(TCoroutine coroutine)
        where TCoroutine : Coroutine
    {
        _liveCoroutines.Add(coroutine);
        coroutine.Begin();
        return coroutine;
    }

    internal void RemoveLiveCoroutine(Coroutine coroutine) => _liveCoroutines.Remove(coroutine);

    /// <summary>True while shutdown stops the live coroutines (see <see cref="StopAllCoroutines"/>).</summary>
    internal bool IsStoppingCoroutines => _stoppingCoroutines;

    /// <summary>Stops every live coroutine (shutdown): their finally blocks run now.</summary>
    private void StopAllCoroutines()
    {
        // While this runs, a stopped coroutine completes its Completion task at once instead of on the next iteration
        // (see Coroutine.PublishOutcome): the caller is the loop itself, and shutdown has few iterations left.
        _stoppingCoroutines = true;
        try
        {
            foreach (var coroutine in _liveCoroutines.ToArray())
            {
                coroutine.Stop();
            }
        }
        finally
        {
            _stoppingCoroutines = false;
        }
    }

    /// <summary>Adds a coroutine that starts a Wait.Until/Wait.While, and arms the poll if it is the first.</summary>
    /// <returns>The iteration in which the wait started: its condition is first checked by a later iteration's poll.</returns>
    internal long AddConditionWaiter(Coroutine coroutine)
    {
        _conditionWaiters.Add(coroutine);
        if (_iterationPoller is null)
        {
            SetIterationPoller(_pollConditions ??= PollConditions);
        }

        return Iteration;
    }

    /// <summary>
    /// Once per iteration, last in the batch: checks the conditions in the order the coroutines started waiting
    /// (except those that started in this iteration), then resumes the ones that hold, in that order. Coroutines that
    /// start a new condition wait while being resumed join the end, to be checked on the next iteration.
    /// </summary>
    private void PollConditions()
    {
        var iteration = Iteration;
        var waiting = _conditionWaiters;
        var kept = 0;
        for (var i = 0; i < waiting.Count; i++)
        {
            var coroutine = waiting[i];
            if (!coroutine.IsWaitingOnCondition)
            {
                continue; // stopped while waiting
            }

            if (coroutine.ConditionWaitStarted == iteration)
            {
                waiting[kept++] = coroutine; // started waiting in this iteration: checked from the next one on
                continue;
            }

            bool holds;
            try
            {
                holds = coroutine.ConditionHolds();
            }
            catch (Exception exception)
            {
                coroutine.FailWhileWaiting(exception);
                continue;
            }

            if (holds)
            {
                _conditionReady.Add(coroutine);
            }
            else
            {
                waiting[kept++] = coroutine;
            }
        }

        waiting.RemoveRange(kept, waiting.Count - kept);
        ResumeAll(_conditionReady);
        if (_conditionWaiters.Count == 0)
        {
            SetIterationPoller(null);
        }
    }

    internal void AddFrameWaiter(Coroutine coroutine)
    {
        _frameTicker!.Ticked ??= ReleaseFrameWaiters;
        _frameWaiters.Add(coroutine);
    }

    private void ReleaseFrameWaiters()
    {
        var waiting = _frameWaiters;
        var frame = Frame;
        var kept = 0;
        for (var i = 0; i < waiting.Count; i++)
        {
            var coroutine = waiting[i];
            if (!coroutine.IsWaitingOnFrame)
            {
                continue;
            }

            if (coroutine.FrameTarget <= frame)
            {
                _frameReady.Add(coroutine);
            }
            else
            {
                waiting[kept++] = coroutine;
            }
        }

        waiting.RemoveRange(kept, waiting.Count - kept);
        ResumeAll(_frameReady);
    }

    private static void ResumeAll(List<Coroutine> ready)
    {
        // Safe to walk without a copy: only the poll and the frame tick add to these lists, and a resumed coroutine
        // can trigger neither re-entrantly. A coroutine stopped by an earlier one in the batch ignores its resume.
        for (var i = 0; i < ready.Count; i++)
        {
            ready[i].ResumeFromWait();
        }

        ready.Clear();
    }
}
