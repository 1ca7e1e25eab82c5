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

    /// <summary>
    /// Resume after <paramref name="seconds"/> of loop time (virtual time aware), rounded to the nearest tick (100 ns).
    /// </summary>
    /// <param name="seconds">Zero or positive, and finite.</param>
    /// <returns>The instruction.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is negative, infinite or NaN.</exception>
    public static Wait Seconds(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "Wait.Seconds needs a finite number of seconds, zero or more.");
        }

        // Rounded, not truncated (TimeSpan.FromSeconds truncates): 0.57 * 10^7 is 5,699,999.99... in binary floating
        // point, and truncating made every Wait.Seconds(0.57) one tick short, so a repeating wait drifted. The
        // largest allowed value rounds to 2^63, past long.MaxValue: saturate instead of relying on the conversion.
        var ticks = Math.Round(seconds * TimeSpan.TicksPerSecond);
        return new(WaitKind.Duration, ticks >= long.MaxValue ? long.MaxValue : (long)ticks);
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
    /// Resume once <paramref name="condition"/> returns true. It is checked once per loop iteration, at the end of the
    /// iteration, while the loop has other work, and once per <see cref="EventLoopOptions.PollInterval"/> while it has
    /// none, so an idle loop never spins a core. It is checked first on the iteration after the yield (never on the
    /// iteration of the yield, even when it already holds), and waiting coroutines are checked and resumed in the
    /// order they started waiting.
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

    /// <summary>
    /// Reads a returned value as <typeparamref name="T"/>: the exact type, anything assignable to it, or a null for a
    /// <typeparamref name="T"/> that can hold null (a null matches no type pattern, so it needs its own case).
    /// </summary>
    /// <returns>False when the value cannot be a <typeparamref name="T"/>; <see cref="ReturnMismatch{T}"/> says why.</returns>
    internal static bool TryReadReturn<T>(object returned, out T value)
    {
        switch (returned)
        {
            case ReturnValue<T> exact:
                value = exact.Typed;
                return true;
            case ReturnValueBase { Value: T convertible }:
                value = convertible;
                return true;
            case ReturnValueBase { Value: null } when default(T) is null:
                value = default!;
                return true;
            default:
                value = default!;
                return false;
        }
    }

    /// <summary>The error for a <see cref="Return{T}"/> value that <see cref="TryReadReturn{T}"/> refused.</summary>
    internal static InvalidCastException ReturnMismatch<T>(object returned, string coroutine) => new(
        $"Coroutine {coroutine} returned a {((ReturnValueBase)returned).Type} with Wait.Return, but it was started as " +
        $"Coroutine<{typeof(T)}>. Return a {typeof(T)}, or start it with the type it returns.");
}
