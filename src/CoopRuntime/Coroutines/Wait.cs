using System.Collections;
using System.Diagnostics;

namespace CoopRuntime;

/// <summary>
/// What a coroutine yields to say how long to suspend: <c>yield return Wait.Seconds(0.5);</c>.
/// </summary>
/// <remarks>
/// <para>A small immutable struct. In an <see cref="IEnumerator{T}"/> of <see cref="Wait"/> nothing is boxed, so
/// every step is allocation-free. In a plain <see cref="IEnumerator"/> a yielded <see cref="Wait"/> is boxed; to
/// keep a hot coroutine allocation-free there, box it once and yield the same object each time
/// (<c>object tick = Wait.Seconds(0.1); while (true) yield return tick;</c>), or yield <c>null</c>.</para>
/// <para>In a plain <see cref="IEnumerator"/> a coroutine may also yield a <see cref="Task"/>, a <see cref="ValueTask"/>,
/// a <see cref="Coroutine"/> or a nested <see cref="IEnumerator"/> directly; in an <see cref="IEnumerator{T}"/> of
/// <see cref="Wait"/>, use the implicit conversions from <see cref="Task"/> and <see cref="Coroutine"/>, or
/// <see cref="Run(IEnumerator)"/> for nesting.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public readonly struct Wait
{
    private Wait(WaitKind kind, long value = 0, object? target = null)
    {
        Kind = kind;
        Value = value;
        Target = target;
    }

    internal WaitKind Kind { get; }

    /// <summary>Duration in ticks, or a frame count.</summary>
    internal long Value { get; }

    /// <summary>The predicate, task, coroutine, routine or returned value.</summary>
    internal object? Target { get; }

    /// <summary>Resume on the next loop iteration: the same as <c>yield return null</c>.</summary>
    public static Wait NextIteration => default;

    /// <summary>Resume on the next tick of the loop's frame clock (<see cref="EventLoopOptions.FrameRate"/>).</summary>
    public static Wait NextFrame => new(WaitKind.Frames, 1);

    /// <summary>Resume after <paramref name="seconds"/> of loop time (virtual time aware).</summary>
    /// <param name="seconds">Zero or positive, and finite.</param>
    /// <returns>The instruction.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is negative, infinite or NaN.</exception>
    public static Wait Seconds(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "Wait.Seconds needs a finite number of seconds, zero or more.");
        }

        return new(WaitKind.Duration, (long)(seconds * TimeSpan.TicksPerSecond));
    }

    /// <summary>Resume after <paramref name="duration"/> of loop time (virtual time aware).</summary>
    /// <param name="duration">Zero or positive.</param>
    /// <returns>The instruction.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    public static Wait For(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "Wait.For needs a duration of zero or more.");
        }

        return new(WaitKind.Duration, duration.Ticks);
    }

    /// <summary>
    /// Resume once <paramref name="condition"/> returns true. It is checked once per loop iteration while the loop has
    /// other work, and once per <see cref="EventLoopOptions.PollInterval"/> while it has none, so an idle loop never
    /// spins a core. It is checked first on the iteration after the yield.
    /// </summary>
    /// <param name="condition">Called on the loop thread; an exception it throws faults the coroutine.</param>
    /// <returns>The instruction.</returns>
    public static Wait Until(Func<bool> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return new(WaitKind.Until, target: condition);
    }

    /// <summary>Resume once <paramref name="condition"/> returns false; checked like <see cref="Until(Func{bool})"/>.</summary>
    /// <param name="condition">Called on the loop thread; an exception it throws faults the coroutine.</param>
    /// <returns>The instruction.</returns>
    public static Wait While(Func<bool> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return new(WaitKind.While, target: condition);
    }

    /// <summary>Resume after <paramref name="count"/> ticks of the loop's frame clock (<see cref="EventLoopOptions.FrameRate"/>).</summary>
    /// <param name="count">One or more.</param>
    /// <returns>The instruction.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than one.</exception>
    public static Wait Frames(int count)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Wait.Frames needs one frame or more; yield null to resume on the next iteration.");
        }

        return new(WaitKind.Frames, count);
    }

    /// <summary>
    /// Run <paramref name="routine"/> to completion on this coroutine, then resume (what yielding a nested
    /// <see cref="IEnumerator"/> does in a plain <see cref="IEnumerator"/>).
    /// </summary>
    /// <param name="routine">The nested iterator.</param>
    /// <returns>The instruction.</returns>
    public static Wait Run(IEnumerator routine)
    {
        ArgumentNullException.ThrowIfNull(routine);
        return new(WaitKind.Routine, target: routine);
    }

    /// <summary>
    /// Finish the whole coroutine now with <paramref name="value"/> as its result (what <c>await</c> on a
    /// <see cref="Coroutine{T}"/> returns). Every iterator on its stack is disposed, innermost first, so their finally
    /// blocks run.
    /// </summary>
    /// <typeparam name="T">The result type; it must match the coroutine's.</typeparam>
    /// <param name="value">The result.</param>
    /// <returns>The instruction.</returns>
    public static Wait Return<T>(T value) => new(WaitKind.Return, target: new ReturnValue<T>(value));

    /// <summary>Resume when <paramref name="task"/> completes; if it fails, the coroutine fails with its exception.</summary>
    /// <param name="task">The task to wait for.</param>
    public static implicit operator Wait(Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new(WaitKind.Task, target: task);
    }

    /// <summary>Resume when <paramref name="task"/> completes; if it fails, the coroutine fails with its exception.</summary>
    /// <param name="task">The task to wait for.</param>
    public static implicit operator Wait(ValueTask task) => new(WaitKind.Task, target: task.AsTask());

    /// <summary>Resume when <paramref name="coroutine"/> finishes; if it fails or is stopped, so does this one.</summary>
    /// <param name="coroutine">The coroutine to wait for.</param>
    public static implicit operator Wait(Coroutine coroutine)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        return new(WaitKind.Coroutine, target: coroutine);
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        WaitKind.NextIteration => "Wait.NextIteration",
        WaitKind.Duration => $"Wait.For({TimeSpan.FromTicks(Value)})",
        WaitKind.Until => "Wait.Until(condition)",
        WaitKind.While => "Wait.While(condition)",
        WaitKind.Frames => $"Wait.Frames({Value})",
        WaitKind.Task => "a task",
        WaitKind.Coroutine => $"coroutine '{((Coroutine)Target!).Name}'",
        WaitKind.Routine => "a nested routine",
        _ => "Wait.Return(...)",
    };

    /// <summary>The boxed result of <see cref="Return{T}"/>; typed so that a mismatch names both types.</summary>
    internal abstract class ReturnValueBase
    {
        public abstract Type Type { get; }

        public abstract object? Value { get; }
    }

    private sealed class ReturnValue<T>(T value) : ReturnValueBase
    {
        public override Type Type => typeof(T);

        public override object? Value => value;

        public T Typed => value;
    }

    /// <summary>Reads a returned value as <typeparamref name="T"/>, or says clearly why it cannot.</summary>
    internal static T ReadReturn<T>(object returned, string? coroutineName) => returned switch
    {
        ReturnValue<T> exact => exact.Typed,
        ReturnValueBase { Value: T convertible } => convertible,
        ReturnValueBase other => throw new InvalidCastException(
            $"Coroutine '{coroutineName}' returned a {other.Type} with Wait.Return, but it was started as Coroutine<{typeof(T)}>."),
        _ => throw new InvalidOperationException("Not a Wait.Return value."),
    };
}
