using System.Globalization;

namespace CoopRuntime;

/// <summary>
/// A snapshot of one live spawned task or coroutine, from <see cref="EventLoop.GetTaskInfos"/> (and printed by
/// <see cref="EventLoop.DumpTasks"/>).
/// </summary>
public sealed class TaskInfo
{
    internal TaskInfo(TaskKind kind, string? name, string state, string? method, string waitingOn, TimeSpan? age, TimeSpan? waitingFor)
    {
        Kind = kind;
        Name = name;
        State = state;
        Method = method;
        WaitingOn = waitingOn;
        Age = age;
        WaitingFor = waitingFor;
    }

    /// <summary>Spawned task or coroutine.</summary>
    public TaskKind Kind { get; }

    /// <summary>The name it was given, or null.</summary>
    public string? Name { get; }

    /// <summary>
    /// <c>scheduled</c> (its first step has not run), <c>waiting</c> (suspended in an await or a yield), <c>running</c>
    /// (it is the code that asked for the dump), or <c>finishing</c> (its work ended; the loop records that next).
    /// </summary>
    public string State { get; }

    /// <summary>
    /// The code: the async method behind a spawned task (for example <c>async method MyApp.Worker.RunAsync</c>), or a
    /// coroutine's iterator method (and the nested one it is in, after <c>&gt;</c>); null when unknown.
    /// </summary>
    public string? Method { get; }

    /// <summary>
    /// What it waits on: for a spawned task, its chain of pending awaits (<c>async method A &gt; async method B &gt;
    /// EventLoop.Sleep (until 00:00:05)</c>, best effort); for a coroutine, its yield instruction (see
    /// <see cref="Coroutine.WaitingOn"/>).
    /// </summary>
    public string WaitingOn { get; }

    /// <summary>
    /// Loop time since it was spawned or started: known in debug mode (<see cref="EventLoopOptions.Debug"/>), null
    /// otherwise (tracking it costs a clock read and a field per task and coroutine).
    /// </summary>
    public TimeSpan? Age { get; }

    /// <summary>
    /// Loop time since its current wait began: known for coroutines in debug mode (<see cref="EventLoopOptions.Debug"/>),
    /// null otherwise (tracking it costs a clock read per step).
    /// </summary>
    public TimeSpan? WaitingFor { get; }

    /// <summary>One line: kind, name, state, method, what it waits on and for how long.</summary>
    /// <returns>The line.</returns>
    public override string ToString()
    {
        var kind = Kind == TaskKind.SpawnedTask ? "task" : "coroutine";
        var name = Name is null ? "(unnamed)" : $"'{Name}'";
        var method = Method is null ? string.Empty : $" {Method}";
        var age = Age is { } known ? $", age {Format(known)}" : string.Empty;
        var waited = WaitingFor is { } wait ? $" for {Format(wait)}" : string.Empty;
        return $"{kind} {name} [{State}{age}]{method}: waiting on {WaitingOn}{waited}";
    }

    internal static string Format(TimeSpan time) => time.TotalSeconds >= 1
        ? time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s"
        : time.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms";
}
