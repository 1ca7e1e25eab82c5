namespace CoopRuntime;

/// <summary>
/// The driver that runs everywhere: an auto-reset wait handle that other threads signal.
/// </summary>
/// <remarks>
/// A signal that arrives while the loop is busy stays set, so the next <see cref="Wait"/> returns at once: no wake-up
/// is lost. The loop deduplicates wake-ups with its own flag, so a burst of cross-thread posts costs one signal.
/// Waits are rounded up to whole milliseconds (the wait handle's resolution), so a timer never fires early; the
/// loop re-checks the clock after every wait.
/// </remarks>
internal sealed class PortableDriver : IIoDriver
{
    private readonly AutoResetEvent _signal = new(initialState: false);

    public void Wait(TimeSpan timeout)
    {
        if (timeout == TimeSpan.Zero)
        {
            return;
        }

        int milliseconds;
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            milliseconds = Timeout.Infinite;
        }
        else
        {
            var rounded = (timeout.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
            milliseconds = (int)Math.Min(rounded, int.MaxValue - 1);
        }

        _signal.WaitOne(milliseconds);
    }

    public void Wake() => _signal.Set();

    public void Dispose() => _signal.Dispose();
}
