using System.Collections;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace CoopRuntime;

/// <summary>
/// A coroutine that produces a value: it ends with <c>yield return Wait.Return(value)</c>, and awaiting it returns
/// the value. Start one with <see cref="EventLoop.Start{T}(IEnumerator, string?, CancellationToken)"/>. Everything said
/// on <see cref="Coroutine"/> holds here; ending without <see cref="Wait.Return{T}"/> fails it with an
/// <see cref="InvalidOperationException"/>.
/// </summary>
/// <typeparam name="T">The result type.</typeparam>
[DebuggerDisplay("Coroutine<{typeof(T).Name,nq}> {Name,nq}")]
public sealed class Coroutine<T> : Coroutine
{
    internal Coroutine(EventLoop loop, IEnumerator routine, string? name, CancellationToken cancellationToken)
        : base(loop, routine, name, cancellationToken)
    {
    }

    /// <summary>A <see cref="Task{TResult}"/> that completes with the coroutine's result. Reading it observes its failure.</summary>
    public new Task<T> Completion => (Task<T>)base.Completion;

    private protected override bool RequiresReturnValue => true;

    private protected override Exception? CheckReturned(object returned) =>
        Wait.TryReadReturn<T>(returned, out _) ? null : Wait.ReturnMismatch<T>(returned, Describe());

    /// <summary>Gets an awaiter; awaiting returns the coroutine's result or rethrows its failure.</summary>
    /// <returns>The awaiter of <see cref="Completion"/>.</returns>
    public new TaskAwaiter<T> GetAwaiter() => Completion.GetAwaiter();

    private protected override object CreateCompletionSource() => new TaskCompletionSource<T>();

    private protected override Task CompletionTask(object source) => ((TaskCompletionSource<T>)source).Task;

    private protected override void SetOutcome(object source)
    {
        var completion = (TaskCompletionSource<T>)source;
        if (Error is not null)
        {
            completion.TrySetException(Error);
        }
        else if (Canceled)
        {
            completion.TrySetCanceled(StopToken);
        }
        else
        {
            // Finish already turned a value of the wrong type into the coroutine's error (CheckReturned).
            Wait.TryReadReturn<T>(Returned!, out var result);
            completion.TrySetResult(result);
        }
    }
}
