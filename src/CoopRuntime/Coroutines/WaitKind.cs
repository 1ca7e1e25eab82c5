namespace CoopRuntime;

/// <summary>What a <see cref="Wait"/> instruction asks the coroutine runner to do.</summary>
internal enum WaitKind : byte
{
    /// <summary>Resume on the next loop iteration (also what <c>yield return null</c> means).</summary>
    NextIteration,
    Duration,
    Until,
    While,
    Frames,
    Task,
    Coroutine,
    Routine,
    Return,
}
