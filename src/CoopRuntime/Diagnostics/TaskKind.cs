namespace CoopRuntime;

/// <summary>What a <see cref="TaskInfo"/> describes.</summary>
public enum TaskKind
{
    /// <summary>A task started with <see cref="EventLoop.Spawn(Func{CancellationToken, Task}, string?)"/> (or in a <see cref="TaskGroup"/>).</summary>
    SpawnedTask,

    /// <summary>A coroutine started with <see cref="EventLoop.Start(System.Collections.IEnumerator, string?, CancellationToken)"/>.</summary>
    Coroutine,
}
