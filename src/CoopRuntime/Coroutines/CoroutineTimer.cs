namespace CoopRuntime;

/// <summary>
/// The timer node behind <see cref="Wait.For(TimeSpan)"/> and <see cref="Wait.Seconds(double)"/>: one per coroutine,
/// created on its first timed wait and reused for every later one, so timed steps allocate nothing.
/// </summary>
internal sealed class CoroutineTimer(Coroutine owner) : TimerNode
{
    protected internal override void Fire() => owner.ResumeFromWait();
}
