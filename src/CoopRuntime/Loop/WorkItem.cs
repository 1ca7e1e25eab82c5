using System.Runtime.CompilerServices;

namespace CoopRuntime;

/// <summary>
/// One scheduled callback: a delegate, its state, and a static function pointer that knows the delegate's
/// real type. Storing the invoker instead of a closure is what lets <c>CallSoon(static s => ..., state)</c>
/// allocate nothing: the state travels in the struct, never in a captured object.
/// </summary>
/// <remarks>
/// Invariant: <see cref="_invoke"/> was created together with <see cref="_callback"/> by one of the factory
/// methods below, so the <see cref="Unsafe.As{T}(object)"/> casts in the invokers always see the type they
/// expect.
/// </remarks>
internal readonly unsafe struct WorkItem
{
    private readonly delegate*<object, object?, void> _invoke;
    private readonly object _callback;
    private readonly object? _state;

    private WorkItem(delegate*<object, object?, void> invoke, object callback, object? state)
    {
        _invoke = invoke;
        _callback = callback;
        _state = state;
    }

    /// <summary>The delegate or object this item calls; used by diagnostics to name slow callbacks.</summary>
    public object Callback => _callback;

    /// <summary>The state passed to <see cref="Callback"/>; diagnostics look into it to name async continuations.</summary>
    public object? State => _state;

    public static WorkItem From(Action action) => new(&InvokeAction, action, null);

    public static WorkItem From<TState>(Action<TState> action, TState state) => new(&InvokeAction<TState>, action, state);

    public static WorkItem From(SendOrPostCallback callback, object? state) => new(&InvokeSendOrPost, callback, state);

    /// <summary>An item that calls a static method with a target object, for the runtime's own callbacks.</summary>
    public static WorkItem FromStatic(delegate*<object, object?, void> invoke, object target, object? state) =>
        new(invoke, target, state);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke() => _invoke(_callback, _state);

    private static void InvokeAction(object callback, object? state) => Unsafe.As<Action>(callback)();

    private static void InvokeAction<TState>(object callback, object? state) =>
        Unsafe.As<Action<TState>>(callback)((TState)state!);

    private static void InvokeSendOrPost(object callback, object? state) => Unsafe.As<SendOrPostCallback>(callback)(state);
}
