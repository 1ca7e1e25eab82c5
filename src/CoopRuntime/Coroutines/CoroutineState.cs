namespace CoopRuntime;

/// <summary>Where a <see cref="Coroutine"/> is in its life. Only the loop thread reads or writes it.</summary>
internal enum CoroutineState : byte
{
    /// <summary>Started; its first step is queued.</summary>
    Scheduled,

    /// <summary>Inside <c>MoveNext</c> right now.</summary>
    Stepping,

    /// <summary>Suspended on a yielded instruction.</summary>
    Waiting,

    /// <summary>Disposing its iterators; Stop is a no-op from here on.</summary>
    Finishing,

    /// <summary>Completed, failed or stopped; the outcome is final.</summary>
    Finished,
}
